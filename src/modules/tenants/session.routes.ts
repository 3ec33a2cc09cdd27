/**
 * Browser sign-in. Cookies are host-only: the root site and every tenant subdomain hold their own.
 * Moving a signed-in user to a tenant's host goes through a single-use hand-off token.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppConfig } from '../../platform/config.js';
import { describeWait, notFound } from '../../platform/errors.js';
import { appendSetCookies, clientInfo, formField, safeNextPath } from '../../platform/http/forms.js';
import { redirect, sendPage } from '../../platform/http/htmx.js';
import { isOAuthProviderId, OAUTH_PROVIDERS, type AuthGuards, type AuthService, type PasswordLogin } from '../auth/index.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { createLoginPage } from './login-page.js';
import { createSignInCompletion } from './sign-in-completion.js';
import type { TenantsService } from './tenants.service.js';
import { TenantChooserPage } from './views/login.js';

interface Options {
  config: AppConfig;
  auth: AuthService;
  login: PasswordLogin;
  audit: AuditService;
  guards: AuthGuards;
  tenants: TenantsService;
}

const GENERIC_LOGIN_ERROR = 'Invalid email or password';

export async function sessionRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, auth, login, audit, guards, tenants } = opts;

  const { completeSignIn, handoffUrl } = createSignInCompletion({ config, auth, audit, tenants });

  const showLogin = createLoginPage({ config, auth });

  r.get('/login', { schema: { hide: true } }, async (request, reply) => {
    const next = (request.query as Record<string, unknown>).next;
    // Already signed in here: no need to ask again.
    await guards.optionalWebUser(request);
    if (request.auth) {
      if (!request.tenant) return reply.redirect('/workspaces', 303);
      if (await tenants.getMembershipRole(request.tenant.id, request.auth.userId)) return reply.redirect(safeNextPath(next), 303);
    }
    const query = request.query as Record<string, unknown>;
    const notices: Record<string, { kind: 'success' | 'error'; message: string }> = {
      done: { kind: 'success', message: 'Your password was changed. Log in with the new one.' },
      expired: { kind: 'error', message: 'The two-factor step timed out. Log in again.' },
      too_many: { kind: 'error', message: 'Too many wrong codes. Log in again.' },
    };
    const provider = isOAuthProviderId(query.provider) ? OAUTH_PROVIDERS[query.provider].name : 'the provider';
    const oauthNotices: Record<string, { kind: 'error' | 'info'; message: string }> = {
      cancelled: { kind: 'info', message: `Signing in with ${provider} was cancelled.` },
      expired: { kind: 'error', message: `Signing in with ${provider} took too long or was opened in another browser. Try again.` },
      failed: { kind: 'error', message: `We could not sign you in with ${provider}. Try again, or use your email and password.` },
      unverified: { kind: 'error', message: `${provider} did not confirm your email address, so we cannot create an account from it. Confirm it there, or sign up with email.` },
      not_linked: {
        kind: 'error',
        message: `An account with your ${provider} email address already exists. Log in with your password, then link ${provider} on your account page.`,
      },
    };
    const notice =
      query.reset === 'done' ? notices.done : typeof query.mfa === 'string' ? notices[query.mfa] : typeof query.oauth === 'string' ? oauthNotices[query.oauth] : undefined;
    const flash = notice ? [notice] : undefined;
    return showLogin(request, reply, { ...(typeof next === 'string' ? { next: safeNextPath(next) } : {}), ...(flash ? { flash } : {}) });
  });

  r.post('/login', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    const email = formField(request.body, 'email', 320).trim();
    const password = formField(request.body, 'password', 1024);
    const next = safeNextPath(formField(request.body, 'next', 2000));
    if (!email || !password) return showLogin(request, reply, { email, error: GENERIC_LOGIN_ERROR, next }, 401);
    const result = await login.attempt(email, password, clientInfo(request), auditContextOf(request), 'web', request.tenant?.id ?? null);
    if (!result.ok && result.reason === 'throttled') {
      reply.header('retry-after', String(result.retryAfterSeconds));
      const error = `Too many sign-in attempts. Try again in ${describeWait(result.retryAfterSeconds)}.`;
      return showLogin(request, reply, { email, error, next }, 429);
    }
    if (!result.ok) return showLogin(request, reply, { email, error: GENERIC_LOGIN_ERROR, next }, 401);
    const outcome = await completeSignIn(request, reply, result.session, { next, secondFactor: 'due', via: 'web' });
    if (outcome === 'not_a_member') return showLogin(request, reply, { email, error: `This account is not a member of ${request.tenant!.name}.`, next }, 403);
    return reply;
  });

  r.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    const current = await auth.getSession(request.headers.cookie);
    appendSetCookies(reply, await auth.signOut(request.headers.cookie));
    if (current) {
      await audit.record(
        { action: 'auth.logout', actorUserId: current.user.id, actorEmail: current.user.email, target: { type: 'session', id: current.sessionId }, details: { via: 'web' } },
        auditContextOf(request),
      );
    }
    return redirect(request, reply, request.site === 'tenant' ? '/login' : '/');
  });

  r.get('/auth/handoff', { schema: { hide: true }, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const token = typeof query.token === 'string' ? query.token.slice(0, 200) : '';
    const redeemed = request.site === 'tenant' && token ? await auth.redeemHandoffToken(token) : null;
    // Expired or used link: ask to sign in here rather than fail.
    if (!redeemed) return reply.redirect('/login', 303);
    appendSetCookies(reply, redeemed.setCookies);
    return reply.redirect(safeNextPath(query.next), 303);
  });

  r.get('/workspaces', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const user = request.auth!;
    const list = await tenants.listTenantsForUser(user.userId);
    return sendPage(
      reply,
      TenantChooserPage({
        csrfToken: reply.generateCsrf(),
        user: { name: user.name, email: user.email },
        tenants: list.map((t) => ({ name: t.name, subdomain: t.subdomain, role: t.role, url: `/workspaces/${t.subdomain}/open` })),
      }),
    );
  });

  r.get('/workspaces/:subdomain/open', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const { subdomain } = request.params as { subdomain: string };
    const list = await tenants.listTenantsForUser(request.auth!.userId);
    const target = list.find((t) => t.subdomain === subdomain);
    if (!target) throw notFound('Workspace');
    const sessionCookie = (request.headers.cookie ?? '').split(/;\s*/).find((c) => c.includes('session_token=')) ?? '';
    return reply.redirect(await handoffUrl(sessionCookie, target.subdomain), 303);
  });
}
