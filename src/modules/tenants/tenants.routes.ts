/** Sign-up (page + form) and the tenants API. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { AppError, describeWait } from '../../platform/errors.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { clientInfo, formField } from '../../platform/http/forms.js';
import { sendFragment, sendPage } from '../../platform/http/htmx.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { OAUTH_PROVIDERS, OAUTH_SIGNUP_COOKIE, type AuthGuards, type AuthService, type ProviderIdentity } from '../auth/index.js';
import { auditContextOf } from '../audit/index.js';
import type { TenantsService, Tenant } from './tenants.service.js';
import { CreateTenantBody, TenantSchema } from './tenants.schemas.js';
import { SignupForm, SignupPage, SignupSuccess, SignupSuccessPage, type SignupErrors, type SignupValues } from './views/signup.js';

interface Options {
  config: AppConfig;
  auth: AuthService;
  guards: AuthGuards;
  tenants: TenantsService;
  throttles: Throttles;
}

/** Sign-up attempts per email address, on top of the per-address request limit of the route. */
export const SIGNUP_THROTTLE_RULE = { name: 'signup-email', points: 6, windowSeconds: 60 * 60 } as const;

export async function tenantsRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, auth, guards, tenants } = opts;
  const signupsPerEmail = opts.throttles.create(SIGNUP_THROTTLE_RULE);
  const toJson = (t: Tenant & { role?: string }) => ({
    id: t.id,
    name: t.name,
    subdomain: t.subdomain,
    plan: t.plan,
    status: t.status,
    url: tenantOrigin(config, t.subdomain),
    ...(t.role ? { role: t.role } : {}),
  });

  // ---- Sign-up page: creates the tenant and its owner, then hands the new session to the tenant's host.
  /** A sign-up started with a provider (its callback left a ticket in a cookie): who the provider vouched for. */
  const pendingIdentity = async (request: FastifyRequest): Promise<{ ticket: string; identity: ProviderIdentity } | null> => {
    const ticket = request.cookies[OAUTH_SIGNUP_COOKIE];
    const identity = ticket ? await auth.oauth.peekSignUp(ticket) : null;
    return ticket && identity ? { ticket, identity } : null;
  };
  const identityView = (identity: ProviderIdentity) => ({ providerName: OAUTH_PROVIDERS[identity.provider].name, email: identity.email! });
  const providerButtons = () => auth.oauth.enabledProviders().map((id) => ({ id, name: OAUTH_PROVIDERS[id].name, url: `/auth/oauth/${id}/start` }));

  r.get('/signup', { schema: { hide: true } }, async (request, reply) => {
    if (request.site === 'tenant') return reply.redirect(`${config.publicUrl.origin}/signup`, 303);
    const query = request.query as Record<string, unknown>;
    const plan = typeof query.plan === 'string' ? query.plan : undefined;
    if (query.with === 'email') reply.clearCookie(OAUTH_SIGNUP_COOKIE, { path: '/signup' });
    const pending = query.with === 'email' ? null : await pendingIdentity(request);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      SignupPage({
        csrfToken: reply.generateCsrf(),
        baseDomain: config.baseDomain,
        oauthProviders: providerButtons(),
        ...(pending ? { identity: identityView(pending.identity) } : {}),
        ...(plan ? { plan } : {}),
      }),
    );
  });

  r.post(
    '/signup',
    { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '10 minutes' } } },
    async (request, reply) => {
      const values: SignupValues = {
        companyName: formField(request.body, 'company_name', 200).trim(),
        subdomain: formField(request.body, 'subdomain', 100).trim().toLowerCase(),
        email: formField(request.body, 'email', 320).trim(),
        password: formField(request.body, 'password', 1024),
        marketingOptIn: formField(request.body, 'marketing_opt_in', 8) === '1',
      };
      const plan = formField(request.body, 'plan', 32).trim() || undefined;
      const csrfToken = reply.generateCsrf();
      const pending = await pendingIdentity(request);
      if (pending) values.email = pending.identity.email!;
      const showErrors = (errors: SignupErrors, status = 422) => {
        const identity = pending ? identityView(pending.identity) : undefined;
        const props = { csrfToken, baseDomain: config.baseDomain, values: { ...values, password: '' }, errors, identity, ...(plan ? { plan } : {}) };
        return request.isHtmx ? sendFragment(reply, SignupForm(props), status) : sendPage(reply, SignupPage(props), status);
      };
      const emailKey = values.email.toLowerCase();
      const wait = emailKey ? await signupsPerEmail.hit(emailKey) : 0;
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return showErrors({ email: `Too many sign-up attempts with this email. Try again in ${describeWait(wait)}.` }, 429);
      }
      let created: { tenant: Tenant; userId: string };
      try {
        created = await tenants.signUp(
          { ...values, client: clientInfo(request), ...(plan ? { plan } : {}), ...(pending ? { identity: pending.identity } : {}) },
          { context: auditContextOf(request), via: 'web' },
        );
      } catch (err) {
        if (err instanceof AppError && err.fields) return showErrors(err.fields as SignupErrors);
        throw err;
      }
      let session;
      if (pending) {
        // The provider already proved the address; the ticket is spent.
        await auth.oauth.takeSignUp(pending.ticket);
        reply.clearCookie(OAUTH_SIGNUP_COOKIE, { path: '/signup' });
        session = await auth.createSessionFor(created.userId, clientInfo(request));
      } else {
        session = await auth.signIn(values.email, values.password, clientInfo(request));
        if (!session) throw new Error('sign-in right after sign-up failed');
        // The workspace works at once; confirming the address comes by email, in the background of the user's day.
        await auth.sendVerificationEmail(values.email).catch((err: unknown) => request.log.error({ err }, 'could not send the confirmation email'));
      }
      const token = await auth.createHandoffToken(session.sessionCookie);
      const dashboardUrl = `${tenantOrigin(config, created.tenant.subdomain)}/auth/handoff?token=${encodeURIComponent(token)}`;
      request.log.info({ tenantId: created.tenant.id, userId: created.userId }, 'tenant signed up');
      const success = { tenantName: created.tenant.name, dashboardUrl };
      return request.isHtmx ? sendFragment(reply, SignupSuccess(success), 201) : sendPage(reply, SignupSuccessPage({ ...success, csrfToken }), 201);
    },
  );

  // ---- API
  r.post(
    '/api/tenants',
    {
      preHandler: guards.requireApiUser,
      schema: {
        tags: ['tenants'],
        summary: 'Create a tenant owned by the caller',
        security: [{ bearerAuth: [] }],
        body: CreateTenantBody,
        response: { 201: TenantSchema, ...problemResponses(401, 422) },
      },
    },
    async (request, reply) => {
      const user = await auth.users.findById(request.auth!.userId);
      if (!user) throw new AppError('unauthorized', 'Invalid or expired token');
      const tenant = await tenants.createTenant({ ...request.body, ownerEmail: user.email }, { context: auditContextOf(request), via: 'api' });
      return reply.code(201).send(toJson({ ...tenant, role: 'owner' }));
    },
  );

  r.get(
    '/api/tenants',
    {
      preHandler: guards.requireApiUser,
      schema: {
        tags: ['tenants'],
        summary: "List the caller's tenants",
        security: [{ bearerAuth: [] }],
        response: { 200: Type.Array(TenantSchema), ...problemResponses(401) },
      },
    },
    async (request) => (await tenants.listTenantsForUser(request.auth!.userId)).map(toJson),
  );
}
