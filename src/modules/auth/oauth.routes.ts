/**
 * Sign-in with a provider (Google, Microsoft, GitHub) and linking providers to an account.
 *
 * Providers only know one redirect URI, on the root site: every flow starts and ends there.
 * - Sign-in: the login page links to `/auth/oauth/<provider>/start`; the callback opens a session on
 *   the root site and moves on like any sign-in (second factor first when the account has one, then
 *   the workspace).
 * - A new identity with a provider-verified email goes to the sign-up form (workspace name only).
 *   An identity is never linked to an existing account by its email: the owner signs in and links it.
 * - Linking: asked (with the password) from the account page on any of our sites; the provider's
 *   answer is applied back on that site, in the same session, or not at all.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { notFound } from '../../platform/errors.js';
import { clientInfo, safeNextPath } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { createCurrentPasswordCheck } from './account.routes.js';
import type { AuthGuards } from './auth.guards.js';
import type { AuthService, SignInResult } from './auth.service.js';
import { isOAuthProviderId, OAUTH_PROVIDERS, type OAuthProviderId, type OAuthService } from './oauth.js';
import { LinkProviderPage } from './views/linked-accounts.js';

export const OAUTH_STATE_COOKIE = 'saas.oauth_state';
export const OAUTH_SIGNUP_COOKIE = 'saas.oauth_signup';
const SUBDOMAIN_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

interface Options {
  config: AppConfig;
  auth: AuthService;
  oauth: OAuthService;
  audit: AuditService;
  guards: AuthGuards;
  throttles: Throttles;
  /** The shared last step of a browser sign-in (membership, second factor, where to go). */
  completeSignIn: (
    request: FastifyRequest,
    reply: FastifyReply,
    session: SignInResult,
    opts: { next: string; secondFactor: 'due' | 'done'; via: 'oauth'; continueToSubdomain: string | null },
  ) => Promise<'redirected' | 'not_a_member'>;
}

export async function oauthRoutes(app: FastifyInstance, opts: Options) {
  const { config, auth, oauth, audit, guards } = opts;
  const root = config.publicUrl.origin;
  const secure = config.publicUrl.protocol === 'https:';

  const enabledProvider = (request: FastifyRequest): OAuthProviderId => {
    const { provider } = request.params as { provider: string };
    if (!isOAuthProviderId(provider) || !oauth.isEnabled(provider)) throw notFound('Sign-in provider');
    return provider;
  };
  const loginNotice = (reason: string, provider?: OAuthProviderId) => `${root}/login?oauth=${reason}${provider ? `&provider=${provider}` : ''}`;
  const siteOrigin = (request: FastifyRequest) => (request.tenant ? tenantOrigin(config, request.tenant.subdomain) : root);

  const checkPassword = createCurrentPasswordCheck(auth, opts.throttles);
  /**
   * Fresh authentication for linking and unlinking: the current password, counted with every other
   * form that asks for it. The refusal is a code the account page turns into a message (never text
   * taken from the URL).
   */
  async function refusePassword(request: FastifyRequest, reply: FastifyReply): Promise<'link-wait' | 'link-password' | 'link-no-password' | null> {
    if (!(await auth.hasPassword(request.auth!.userId))) return 'link-no-password';
    const refused = await checkPassword(request, reply);
    if (!refused) return null;
    return refused.status === 429 ? 'link-wait' : 'link-password';
  }

  // ---- The flow, on the root site

  app.get('/auth/oauth/:provider/start', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    if (request.site !== 'root') return reply.redirect(`${root}${request.url}`, 303);
    const provider = enabledProvider(request);
    const query = request.query as Record<string, unknown>;
    let link = null;
    if (typeof query.link === 'string') {
      link = await oauth.takeLinkRequest(query.link);
      // Used, expired or made up: start again from the account page.
      if (!link) return reply.redirect(`${root}/account?done=link-expired`, 303);
    }
    const workspace = typeof query.workspace === 'string' && SUBDOMAIN_RE.test(query.workspace) ? query.workspace : null;
    const { url, state } = await oauth.begin(provider, { intent: link ? 'link' : 'login', next: safeNextPath(query.next), workspace, link });
    reply.setCookie(OAUTH_STATE_COOKIE, state, { path: '/auth/oauth/', httpOnly: true, sameSite: 'lax', secure, maxAge: 10 * 60 });
    return reply.header('cache-control', 'no-store').redirect(url, 303);
  });

  app.get('/auth/oauth/:provider/callback', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    if (request.site !== 'root') throw notFound('Page');
    const provider = enabledProvider(request);
    const ctx = auditContextOf(request);
    const result = await oauth.complete(provider, new URL(request.url, root), request.cookies[OAUTH_STATE_COOKIE]);
    reply.clearCookie(OAUTH_STATE_COOKIE, { path: '/auth/oauth/' }).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');

    if (!result.ok) {
      await audit.record({ action: 'auth.oauth.refused', outcome: 'failure', details: { provider, reason: result.reason, intent: result.flow?.intent ?? null } }, ctx);
      const reason = result.reason === 'state' ? 'expired' : result.reason === 'denied' ? 'cancelled' : 'failed';
      if (result.flow?.link) return reply.redirect(`${result.flow.link.returnOrigin}/account?done=link-${reason}`, 303);
      return reply.redirect(loginNotice(reason, provider), 303);
    }
    const { identity, flow } = result;

    if (flow.link) {
      const ticket = await oauth.holdLinkResult({ identity, link: flow.link });
      return reply.redirect(`${flow.link.returnOrigin}/account/linked-accounts/confirm?ticket=${ticket}`, 303);
    }

    const userId = await oauth.findLinkedUser(provider, identity.subject);
    if (userId) {
      const user = await auth.users.findById(userId);
      if (!user || user.disabledAt) {
        await audit.record({ action: 'auth.oauth.refused', outcome: 'denied', actorUserId: userId, details: { provider, reason: 'account_disabled' } }, ctx);
        return reply.redirect(loginNotice('failed', provider), 303);
      }
      const session = await auth.createSessionFor(userId, clientInfo(request));
      await audit.record(
        { action: 'auth.login', actorUserId: userId, actorEmail: user.email, target: { type: 'session', id: session.sessionId }, details: { via: 'web', method: 'oauth', provider } },
        ctx,
      );
      await opts.completeSignIn(request, reply, session, { next: flow.next, secondFactor: 'due', via: 'oauth', continueToSubdomain: flow.workspace });
      return reply;
    }

    // Not linked to anyone. The email decides nothing on its own: an address the provider did not
    // verify could be anyone's, and one that matches an account is linked by that account's owner.
    if (!identity.email || !identity.emailVerified) {
      await audit.record({ action: 'auth.oauth.refused', outcome: 'denied', details: { provider, reason: 'email_not_verified' } }, ctx);
      return reply.redirect(loginNotice('unverified', provider), 303);
    }
    if (await auth.users.findByEmail(identity.email)) {
      await audit.record({ action: 'auth.oauth.refused', outcome: 'denied', actorEmail: identity.email, details: { provider, reason: 'not_linked' } }, ctx);
      return reply.redirect(loginNotice('not_linked', provider), 303);
    }
    const ticket = await oauth.holdForSignUp(identity);
    reply.setCookie(OAUTH_SIGNUP_COOKIE, ticket, { path: '/signup', httpOnly: true, sameSite: 'lax', secure, maxAge: 15 * 60 });
    return reply.redirect(`${root}/signup`, 303);
  });

  // ---- Linked accounts, from the account page on any of our sites

  app.post('/account/linked-accounts/:provider', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const provider = enabledProvider(request);
    const me = request.auth!;
    const refused = await refusePassword(request, reply);
    if (refused) return reply.redirect(`/account?done=${refused}`, 303);
    const key = await oauth.holdLinkRequest({ userId: me.userId, sessionId: me.sessionId!, returnOrigin: siteOrigin(request) });
    // A link the user follows, not a redirect: the page's form-action policy does not let a form
    // submission end on another site, and the provider is one.
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      LinkProviderPage({
        csrfToken: reply.generateCsrf(),
        rootUrl: root,
        user: { name: me.name, email: me.email },
        providerName: OAUTH_PROVIDERS[provider].name,
        continueUrl: `${root}/auth/oauth/${provider}/start?link=${key}`,
      }),
    );
  });

  app.get('/account/linked-accounts/confirm', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const ticket = String((request.query as Record<string, unknown>).ticket ?? '');
    const result = await oauth.takeLinkResult(ticket);
    reply.header('referrer-policy', 'no-referrer');
    // Only in the session that asked: a link sent to someone else links nothing.
    if (!result || result.link.userId !== me.userId || result.link.sessionId !== me.sessionId) return reply.redirect('/account?done=link-expired', 303);
    const { identity } = result;
    const outcome = await oauth.link(me.userId, identity);
    if (outcome !== 'linked') {
      await audit.record({ action: 'auth.oauth.refused', outcome: 'denied', actorUserId: me.userId, actorEmail: me.email, details: { provider: identity.provider, reason: `link_${outcome}`, intent: 'link' } }, auditContextOf(request));
      return reply.redirect(`/account?done=link-${outcome}`, 303);
    }
    await audit.record({ action: 'auth.oauth.linked', actorUserId: me.userId, actorEmail: me.email, details: { provider: identity.provider } }, auditContextOf(request));
    return reply.redirect(`/account?done=linked-${identity.provider}`, 303);
  });

  app.post('/account/linked-accounts/:provider/unlink', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const { provider } = request.params as { provider: string };
    if (!isOAuthProviderId(provider)) throw notFound('Sign-in provider');
    const me = request.auth!;
    const refused = await refusePassword(request, reply);
    if (refused) return reply.redirect(`/account?done=${refused}`, 303);
    if ((await oauth.signInMethodCount(me.userId)) <= 1) return reply.redirect('/account?done=unlink-last', 303);
    if (!(await oauth.unlink(me.userId, provider))) return reply.redirect('/account', 303);
    await audit.record({ action: 'auth.oauth.unlinked', actorUserId: me.userId, actorEmail: me.email, details: { provider } }, auditContextOf(request));
    return reply.redirect(`/account?done=unlinked-${provider}`, 303);
  });
}
