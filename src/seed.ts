/** Demo data for development: one tenant with an owner and a few items. Goes through the services, never raw SQL. */
import type { Deps } from './platform/deps.js';
import type { Services } from './services.js';
import { SYSTEM_CONTEXT } from './modules/audit/index.js';

export const DEMO = {
  companyName: 'Acme Inc',
  subdomain: 'acme',
  email: 'demo@example.com',
  password: 'demo-password',
} as const;

export interface SeedResult {
  created: boolean;
  tenantUrl: string;
  email: string;
  password: string;
}

/** Idempotent: does nothing when the demo tenant exists. */
export async function seedDemo(deps: Deps, services: Services): Promise<SeedResult> {
  const url = new URL(deps.config.publicUrl);
  url.hostname = `${DEMO.subdomain}.${url.hostname}`;
  const result = { tenantUrl: url.origin, email: DEMO.email, password: DEMO.password };
  if (await services.tenants.getTenantBySubdomain(DEMO.subdomain)) return { created: false, ...result };
  const { tenant, userId } = await services.tenants.signUp({ ...DEMO, plan: 'professional' }, { context: SYSTEM_CONTEXT, via: 'seed' });
  await services.tenants.refreshMembership(tenant.id, userId);
  await services.auth.users.markEmailVerified(userId); // example.com receives no mail: nothing to confirm
  const scope = services.tenants.getTenantDb(tenant.id);
  const samples = [
    ['Quarterly report', 'Numbers for the board meeting'],
    ['Onboarding checklist', 'Steps for new team members'],
    ['Customer feedback', 'Themes from the last survey'],
    ['Roadmap', 'What we ship next quarter'],
  ] as const;
  for (const [name, description] of samples) await services.data.create(scope, tenant.plan, { name, description }, userId);
  return { created: true, ...result };
}
