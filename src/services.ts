/**
 * The services every entry point (web, worker, CLI) shares, built once from the dependencies.
 * Routes, jobs and commands call these; none of them builds its own.
 */
import type { Deps } from './platform/deps.js';
import { createAnalyticsJobs, createAnalyticsService } from './modules/analytics/index.js';
import { createAuditService } from './modules/audit/index.js';
import { createCampaignsJobs, createCampaignsService, createSubscriptions } from './modules/campaigns/index.js';
import { createCleanupJobs, createJobFailures, createOutbox } from './modules/jobs/index.js';
import { createAuthService, createPasskeys, createPasswordLogin, createSmsMfa } from './modules/auth/index.js';
import { createDataService } from './modules/data/index.js';
import { createEmailJobs, createEmailService } from './modules/email/index.js';
import { createDeletionService, createExportService, createLifecycleJobs } from './modules/lifecycle/index.js';
import { createAddressService, createLogoService, createDomainsJobs, createDomainsService, createInvitationsService, createMembersService, createRolesService, createTenantsService } from './modules/tenants/index.js';

export function createServices(deps: Deps) {
  const outbox = createOutbox(deps);
  // The embedded runner's failed set (BullMQ keeps its own).
  const jobFailures = createJobFailures(deps);
  jobFailures.listen();
  const audit = createAuditService(deps);
  // Before every service that sends mail: they queue it through this one.
  const email = createEmailService(deps, outbox);
  const auth = createAuthService(deps, email);
  const login = createPasswordLogin({ auth, audit, throttles: deps.throttles });
  const smsMfa = createSmsMfa({ database: deps.database, secretKey: deps.config.secretKey, sms: deps.sms, throttles: deps.throttles, log: deps.log });
  const passkeys = createPasskeys(deps);
  const subscriptions = createSubscriptions({ database: deps.database, secretKey: deps.config.secretKey });
  const tenants = createTenantsService(deps, auth, audit, email, subscriptions);
  const members = createMembersService(deps, tenants, audit);
  const roles = createRolesService(deps, tenants, audit);
  const invitations = createInvitationsService(deps, tenants, auth, audit, email);
  const domains = createDomainsService(deps, tenants, audit);
  const address = createAddressService(deps, tenants, audit);
  const logo = createLogoService(deps, tenants, audit);
  const data = createDataService();
  const exporter = createExportService({ tenants, members, data, audit });
  const deletion = createDeletionService(deps, { tenants, members, audit, exporter, email });
  const analytics = createAnalyticsService(deps, { tenants, data, audit, members, email });
  const campaigns = createCampaignsService(deps, { tenants, email, outbox, subscriptions });
  const services = { outbox, jobFailures, email, audit, auth, login, passkeys, smsMfa, tenants, members, roles, invitations, domains, address, logo, data, exporter, deletion, analytics, subscriptions, campaigns };
  // Every job the workers can run, from every module, built from the services they call: the queue
  // learns them here, once, for every entry point (web, worker, CLI).
  deps.queue.register([...createEmailJobs(deps), ...createDomainsJobs(domains), ...createLifecycleJobs(services), ...createCleanupJobs(deps), ...createAnalyticsJobs(analytics), ...createCampaignsJobs(campaigns)]);
  return services;
}
export type Services = ReturnType<typeof createServices>;
