/**
 * The services every entry point (web, worker, CLI) shares, built once from the dependencies.
 * Routes, jobs and commands call these; none of them builds its own.
 */
import type { Deps } from './platform/deps.js';
import { createJobs } from './jobs.js';
import { createAuditService } from './modules/audit/index.js';
import { createAuthService, createPasskeys, createPasswordLogin, createSmsMfa } from './modules/auth/index.js';
import { createDataService } from './modules/data/index.js';
import { createInvitationsService, createMembersService, createTenantsService } from './modules/tenants/index.js';

export function createServices(deps: Deps) {
  const audit = createAuditService(deps);
  const auth = createAuthService(deps);
  const login = createPasswordLogin({ auth, audit, throttles: deps.throttles });
  const smsMfa = createSmsMfa({ database: deps.database, secretKey: deps.config.secretKey, sms: deps.sms, throttles: deps.throttles, log: deps.log });
  const passkeys = createPasskeys(deps);
  const tenants = createTenantsService(deps, auth, audit);
  const members = createMembersService(deps, tenants, audit);
  const invitations = createInvitationsService(deps, tenants, auth, audit);
  const data = createDataService();
  const services = { audit, auth, login, passkeys, smsMfa, tenants, members, invitations, data };
  // Jobs call the services; the queue learns them here, once, for every entry point.
  deps.queue.register(createJobs(services));
  return services;
}
export type Services = ReturnType<typeof createServices>;
