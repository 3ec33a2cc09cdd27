/**
 * buildApp(deps): the web application. Platform plugins first (errors, security, static files, API
 * docs), then the modules, in one explicit list. Nothing here knows which adapters are behind `deps`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import ajvFormats from 'ajv-formats';
import type { Deps } from './platform/deps.js';
import { AppError } from './platform/errors.js';
import { registerErrorHandling } from './platform/http/error-handler.js';
import { setAssetVersion } from './platform/views/render.js';
import { securityPlugin } from './platform/http/security.js';
import { ProblemSchema } from './platform/http/schemas.js';
import './platform/http/request-context.js';
import { createServices, type Services } from './services.js';
import { accountRoutes, authRoutes, createAuthGuards, mfaRoutes, oauthRoutes, passkeyRoutes, passwordRoutes, smsMfaRoutes } from './modules/auth/index.js';
import { auditRoutes } from './modules/audit/index.js';
import { requirePermission, type PermissionGuard, type RouteAccess, type TenantRouteGuards, type TenantRouteOptions } from './modules/access/index.js';
import { createLoginPage, createSignInCompletion, createTenantGuards, domainsRoutes, invitationsRoutes, membersRoutes, rolesRoutes, sessionRoutes, settingsRoutes, tenantsRoutes } from './modules/tenants/index.js';
import { dataRoutes } from './modules/data/index.js';
import { lifecycleRoutes } from './modules/lifecycle/index.js';
import { dashboardRoutes } from './modules/dashboard/index.js';
import { marketingRoutes } from './modules/marketing/index.js';
import { devMailRoutes } from './modules/email/index.js';
import { campaignsRoutes } from './modules/campaigns/index.js';
import { opsRoutes } from './modules/ops/index.js';
import { jobsAdminRoutes, SCHEDULES } from './modules/jobs/index.js';
import { startInProcessScheduler, type InProcessScheduler } from './platform/queue/schedules.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every tenant route and the access it needs (read by the role-by-route test and docs). */
    tenantRouteAccess: readonly { method: string; url: string; access: RouteAccess; whileClosed: boolean }[];
  }
}

const projectRoot = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) || here.endsWith(`${path.sep}dist${path.sep}src`) ? path.resolve(here, '../..') : path.resolve(here, '..');
})();
export const PUBLIC_DIR = path.join(projectRoot, 'public');
/** Changes whenever the CSS or client scripts change, so browsers never keep stale assets (served with max-age). */
function assetsFingerprint(): string {
  const hash = crypto.createHash('sha256');
  for (const file of ['app.css', 'app.js', 'theme.js', 'passkeys.js']) {
    try {
      hash.update(fs.readFileSync(path.join(PUBLIC_DIR, 'assets', file)));
    } catch {
      /* not built yet: the build creates it */
    }
  }
  return hash.digest('hex').slice(0, 10);
}
const VERSION = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{8,128}$/;
const SLOW_REQUEST_MS = 1000;
/** Paths that never depend on the tenant: skip the Host lookup for them. */
const TENANT_FREE_PREFIXES = ['/assets/', '/health', '/ready', '/favicon', '/docs', '/openapi.json'];

export async function buildApp(deps: Deps, services: Services = createServices(deps)): Promise<FastifyInstance> {
  const { config } = deps;
  setAssetVersion(assetsFingerprint());
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: !config.accessLog }),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    // Honour an upstream request id only from a proxy we trust; otherwise mint one.
    requestIdHeader: config.trustProxy ? 'x-request-id' : false,
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false }, plugins: [ajvFormats as never] },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  // The outbox relay runs in every web process (workers run one too): committed writes' jobs reach the queue.
  let relay: { stop(): Promise<void> } | null = null;
  let scheduler: InProcessScheduler | null = null;
  app.addHook('onReady', async () => {
    if (config.outboxRelay) relay = services.outbox.start({ pollMs: config.outboxPollMs });
    // Without Redis nobody else runs the schedules: this process does (a worker registers them otherwise).
    if (!deps.redis) scheduler = startInProcessScheduler({ queue: deps.queue, schedules: SCHEDULES, log: deps.log });
  });
  app.addHook('onClose', async () => {
    scheduler?.stop();
    await relay?.stop();
  });

  app.decorateRequest('site', 'root');
  app.decorateRequest('tenant', null);
  app.decorateRequest('auth', null);
  app.decorateRequest('membership', null);
  app.decorateRequest('tenantDb', null);
  app.decorateRequest('isHtmx', false);

  app.addHook('onRequest', async (request, reply) => {
    if (!REQUEST_ID_RE.test(String(request.id))) (request as { id: string }).id = crypto.randomUUID();
    reply.header('x-request-id', request.id);
    request.isHtmx = request.headers['hx-request'] === 'true';
  });
  if (!config.accessLog) {
    // Cheap default logging: errors and slow requests only (full access logs halve throughput).
    // The route pattern, not the URL: query strings can carry single-use tokens.
    app.addHook('onResponse', async (request, reply) => {
      const ms = reply.elapsedTime;
      if (ms >= SLOW_REQUEST_MS) request.log.warn({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(ms) }, 'slow request');
    });
  }

  // The JSON API takes JSON only: anything else is a clear 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || !(request.url.startsWith('/api/') || request.url.startsWith('/auth/'))) return;
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new AppError('unsupported_media_type', 'Unsupported content type; send application/json');
    }
  });

  registerErrorHandling(app);
  app.addSchema(ProblemSchema);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(securityPlugin, { config, redis: deps.redis });
  await app.register(fastifyStatic, { root: path.join(PUBLIC_DIR, 'assets'), prefix: '/assets/', maxAge: '1h', decorateReply: false, index: false });
  app.get('/favicon.svg', { schema: { hide: true } }, (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(fs.createReadStream(path.join(PUBLIC_DIR, 'favicon.svg'))));
  app.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) => reply.redirect('/favicon.svg', 301));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'SaaS App API', version: VERSION, description: 'Tenant-scoped endpoints are called on the tenant host: `https://<subdomain>.<base domain>/api/...`.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'auth', description: 'Tokens' },
        { name: 'tenants', description: 'Workspaces' },
        { name: 'members', description: 'Members of a workspace and their roles' },
        { name: 'roles', description: "A workspace's roles: the built-in ones and its own" },
        { name: 'domains', description: 'Custom domains of a workspace' },
        { name: 'data', description: 'The sample tenant-scoped resource' },
        { name: 'dashboard', description: 'Tenant statistics' },
        { name: 'ops', description: 'Probes' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI needs inline styles; keep scripts to our origin.
    transformStaticCSP: (header) => header.replace(/style-src[^;]*/, "style-src 'self' 'unsafe-inline'"),
    uiConfig: { deepLinking: true, tryItOutEnabled: true },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // ---- Modules
  const authGuards = createAuthGuards(services.auth);
  const tenantGuards = createTenantGuards(config, services.tenants, (userId) => services.auth.mfa.isEnabled(userId), services.domains, (subdomain) => services.address.findMove(subdomain));
  app.addHook('onRequest', async (request, reply) => {
    if (TENANT_FREE_PREFIXES.some((p) => request.url.startsWith(p))) return;
    await tenantGuards.resolveSite(request, reply);
    // An old subdomain answered with its redirect: nothing else runs.
    if (reply.sent) return reply;
    // Every line logged for a workspace's request names the workspace.
    if (request.tenant) request.log = reply.log = request.log.child({ tenant_id: request.tenant.id });
  });
  /** Pages of a tenant: on the root site they mean "pick a workspace". */
  const requireTenantSite = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.site === 'root') {
      reply.redirect('/workspaces', 303);
      return reply;
    }
  };
  const memberGuard = (options?: TenantRouteOptions) => (options?.whileClosed ? tenantGuards.requireMemberWhileClosed : tenantGuards.requireMember);
  const memberGuards: unknown[] = [tenantGuards.requireMember, tenantGuards.requireMemberWhileClosed];
  /** Guards of a tenant page or API route (its `preValidation`): who (session or bearer), membership, then the role's permission. */
  const tenantRoutes: TenantRouteGuards = {
    web: (access, options) => [requireTenantSite, authGuards.requireWebUser, memberGuard(options), requirePermission(access)],
    api: (access, options) => [authGuards.requireApiUser, memberGuard(options), requirePermission(access)],
  };
  // Deny by default: a tenant route that checks membership but names no permission does not start.
  // The guards run as `preValidation`, before the body and parameters are validated: a caller who
  // may not use a route learns nothing from its validation errors.
  const routeAccess: { method: string; url: string; access: RouteAccess; whileClosed: boolean }[] = [];
  app.addHook('onRoute', (route) => {
    if ([route.preHandler ?? []].flat().some((h) => memberGuards.includes(h))) {
      throw new Error(`${String(route.method)} ${route.url}: tenant guards go in preValidation (preValidation: tenantRoutes.web/api(...))`);
    }
    const handlers = [route.preValidation ?? []].flat();
    if (!handlers.some((h) => memberGuards.includes(h))) return;
    const guard = handlers.find((h): h is PermissionGuard => typeof (h as Partial<PermissionGuard>).access === 'string');
    if (!guard) throw new Error(`${String(route.method)} ${route.url}: a tenant route must name its permission (tenantRoutes.web/api)`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeAccess.push({ method, url: route.url, access: guard.access, whileClosed: handlers.includes(tenantGuards.requireMemberWhileClosed) });
  });
  app.decorate('tenantRouteAccess', routeAccess);

  await app.register(opsRoutes, { deps, version: VERSION });
  await app.register(jobsAdminRoutes, { deps, guards: authGuards, scheduler: () => scheduler, failures: services.jobFailures });
  await app.register(marketingRoutes);
  await app.register(devMailRoutes, { config, mailer: deps.mailer, database: deps.database });
  // The account's pages show the workspace's navigation when opened on its host.
  const roleIn = async (tenantId: string, userId: string) => {
    const role = await services.tenants.getMembershipRole(tenantId, userId);
    return role ? { role, permissions: await services.tenants.permissionsForRole(tenantId, role) } : null;
  };
  await app.register(campaignsRoutes, {
    config,
    subscriptions: services.subscriptions,
    emailOf: async (userId) => (await services.auth.users.findById(userId))?.email ?? null,
    requireWebUser: authGuards.requireWebUser,
    roleIn,
  });
  await app.register(authRoutes, { auth: services.auth, login: services.login, audit: services.audit, guards: authGuards });
  await app.register(passwordRoutes, { config, auth: services.auth, login: services.login, audit: services.audit, throttles: deps.throttles });
  await app.register(mfaRoutes, { config, auth: services.auth, audit: services.audit, login: services.login, sms: services.smsMfa });
  await app.register(accountRoutes, {
    config,
    auth: services.auth,
    audit: services.audit,
    guards: authGuards,
    throttles: deps.throttles,
    oauth: services.auth.oauth,
    passkeys: services.passkeys,
    // Owners hand their workspaces over first: a workspace is never left without an owner.
    accountDeletionBlocker: async (userId) => {
      const sole = await services.tenants.tenantsOnlyOwnedBy(userId);
      return sole.length
        ? `You are the only owner of ${sole.map((t) => t.name).join(', ')}. Make another member an owner, or delete the workspace, before deleting your account.`
        : null;
    },
    roleIn,
  });
  await app.register(smsMfaRoutes, { config, auth: services.auth, audit: services.audit, guards: authGuards, throttles: deps.throttles, sms: services.smsMfa });
  const { completeSignIn, handoffUrl } = createSignInCompletion({ config, auth: services.auth, audit: services.audit, tenants: services.tenants });
  await app.register(oauthRoutes, { config, auth: services.auth, oauth: services.auth.oauth, audit: services.audit, guards: authGuards, throttles: deps.throttles, completeSignIn });
  await app.register(passkeyRoutes, { config, auth: services.auth, audit: services.audit, guards: authGuards, throttles: deps.throttles, passkeys: services.passkeys, completeSignIn, showLogin: createLoginPage({ config, auth: services.auth }) });
  await app.register(sessionRoutes, { config, auth: services.auth, login: services.login, audit: services.audit, guards: authGuards, tenants: services.tenants });
  await app.register(tenantsRoutes, { config, auth: services.auth, guards: authGuards, tenants: services.tenants, throttles: deps.throttles });
  await app.register(dashboardRoutes, { config, tenants: services.tenants, data: services.data, tenantRoutes });
  await app.register(dataRoutes, { config, data: services.data, tenantRoutes });
  await app.register(settingsRoutes, {
    config,
    tenants: services.tenants,
    tenantRoutes,
    hasMfa: (userId) => services.auth.mfa.isEnabled(userId),
    branding: { address: services.address, logo: services.logo, handoffUrl },
  });
  await app.register(lifecycleRoutes, { config, auth: services.auth, tenants: services.tenants, exporter: services.exporter, deletion: services.deletion, tenantRoutes, throttles: deps.throttles });
  await app.register(domainsRoutes, { config, domains: services.domains, tenantRoutes });
  await app.register(auditRoutes, { config, audit: services.audit, tenantRoutes });
  await app.register(membersRoutes, { config, members: services.members, tenantRoutes, invitations: services.invitations });
  await app.register(rolesRoutes, { config, roles: services.roles, tenantRoutes });
  await app.register(invitationsRoutes, {
    config,
    auth: services.auth,
    audit: services.audit,
    guards: authGuards,
    invitations: services.invitations,
    members: services.members,
    tenantRoutes,
    throttles: deps.throttles,
  });

  return app;
}
