/**
 * Passkey routes: managing them on the account page (/account/passkeys/...), passwordless sign-in
 * (/login/passkey/...) and the second factor after a password (/login/mfa/passkey/...).
 *
 * Each ceremony is two requests. `.../options` (fetch, JSON) makes a challenge and answers the
 * options for the browser; the form then posts the browser's result (field `response`, JSON text,
 * or a JSON body) and gets a page or a redirect, like any other form. The expected origin is the
 * site serving the request, computed from config.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { describeWait, notFound } from '../../platform/errors.js';
import { appendSetCookies, clientInfo, formField, safeNextPath } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { createCurrentPasswordCheck } from './account.routes.js';
import type { AuthGuards } from './auth.guards.js';
import type { AuthService, SignInResult } from './auth.service.js';
import { checkPasskeyName, MAX_PASSKEYS_PER_USER, PASSKEY_CHALLENGE_TTL_SECONDS, type PasskeyFailure, type Passkeys } from './passkeys.js';
import { BackupCodesPage, MfaChallengePage } from './views/mfa-pages.js';
import { PasskeyManagePage, PasskeyNotAddedPage } from './views/passkeys-card.js';
import { createMfaChallengeSteps } from './mfa-challenge.js';

export const PASSKEY_THROTTLE_RULES = {
  /** Failed passwordless sign-ins per client address (a forged assertion never passes; this stops scripted noise). */
  signInAddress: { name: 'passkey-signin-address', points: 20, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
} as const;

/** The cookie naming a passwordless sign-in's challenge: random, HttpOnly, SameSite=Lax, gone with the challenge. */
const HANDLE_COOKIE = 'passkey-challenge';
/** A browser's credential JSON is a few kilobytes; anything far bigger is not one. */
const MAX_RESPONSE_LENGTH = 64 * 1024;

const SIGN_IN_FAILED = 'That passkey did not sign you in. Try again, or use your email and password.';

interface Options {
  config: AppConfig;
  auth: AuthService;
  audit: AuditService;
  guards: AuthGuards;
  throttles: Throttles;
  passkeys: Passkeys;
  /** The shared last step of a browser sign-in (membership on a tenant's host, where to go next). */
  completeSignIn: (
    request: FastifyRequest,
    reply: FastifyReply,
    session: SignInResult,
    opts: { next: string; secondFactor: 'done'; via: 'passkey' },
  ) => Promise<'redirected' | 'not_a_member'>;
  /** Answers with the login page of the host, an error on it (it lives with the tenants module). */
  showLogin: (request: FastifyRequest, reply: FastifyReply, props: { error: string; next: string }, status: number) => FastifyReply;
}

/** The browser's credential from a form field (JSON text) or a JSON body; undefined when it is neither. */
function credentialFrom(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>).response;
  if (typeof value !== 'string') return value;
  if (value.length === 0 || value.length > MAX_RESPONSE_LENGTH) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** What a person is told when a ceremony failed (the reason codes go to the audit trail). */
function failureMessage(reason: PasskeyFailure): string {
  switch (reason) {
    case 'challenge_missing':
      return `The request took longer than ${PASSKEY_CHALLENGE_TTL_SECONDS / 60} minutes or was already used. Try again.`;
    case 'duplicate':
      return 'This passkey is already registered.';
    case 'limit_reached':
      return `An account can have ${MAX_PASSKEYS_PER_USER} passkeys. Remove one you no longer use first.`;
    default:
      return 'Your browser’s answer could not be verified. Try again, or use another passkey.';
  }
}

export async function passkeyRoutes(app: FastifyInstance, opts: Options) {
  const { config, auth, audit, guards, passkeys } = opts;
  const { pendingChallenge, restart } = createMfaChallengeSteps(auth);
  const rootUrl = config.publicUrl.origin;
  const secure = config.publicUrl.protocol === 'https:';
  const handleCookie = secure ? `__Host-${HANDLE_COOKIE}` : HANDLE_COOKIE;
  const refusePassword = createCurrentPasswordCheck(auth, opts.throttles);
  const signInFailures = opts.throttles.create(PASSKEY_THROTTLE_RULES.signInAddress);

  /** The origin the browser must have signed for: this site's, from config (never the Host header). */
  const originOf = (request: FastifyRequest) => (request.tenant ? tenantOrigin(config, request.tenant.subdomain) : rootUrl);
  const json = (reply: FastifyReply, status: number, body: Record<string, unknown>) => reply.code(status).header('cache-control', 'no-store').send(body);
  const pageContext = (request: FastifyRequest, reply: FastifyReply) => ({
    csrfToken: reply.generateCsrf(),
    rootUrl,
    user: { name: request.auth!.name, email: request.auth!.email },
  });

  // ---------------------------------------------------------------------------------------------
  // The account page: add, rename, remove

  app.post('/account/passkeys/options', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    await guards.optionalWebUser(request);
    const me = request.auth;
    if (!me?.sessionId) return json(reply, 401, { error: 'Your session has ended. Log in again.', redirect: '/login?next=%2Faccount' });
    const named = checkPasskeyName(formField(request.body, 'name', 500));
    if ('error' in named) return json(reply, 422, { error: named.error, field: 'name' });
    const refused = await refusePassword(request, reply);
    if (refused) return json(reply, refused.status, { error: refused.error, field: 'current_password' });
    if ((await passkeys.countFor(me.userId)) >= MAX_PASSKEYS_PER_USER) return json(reply, 409, { error: failureMessage('limit_reached') });
    const options = await passkeys.registrationOptions({ userId: me.userId, email: me.email, displayName: me.name, sessionId: me.sessionId, passkeyName: named.name, origin: originOf(request) });
    return json(reply, 200, { options });
  });

  app.post('/account/passkeys', { schema: { hide: true }, preHandler: guards.requireWebUser, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const me = request.auth!;
    const ctx = auditContextOf(request);
    const mfaWasOn = await auth.mfa.isEnabled(me.userId);
    const result = await passkeys.verifyRegistration({ userId: me.userId, sessionId: me.sessionId!, origin: originOf(request), response: credentialFrom(request.body) });
    reply.header('cache-control', 'no-store');
    if (!result.ok) {
      await audit.record({ action: 'auth.passkey.added', outcome: 'failure', actorUserId: me.userId, actorEmail: me.email, details: { reason: result.reason } }, ctx);
      const status = result.reason === 'duplicate' || result.reason === 'limit_reached' ? 409 : 400;
      return sendPage(reply, PasskeyNotAddedPage({ ...pageContext(request, reply), message: failureMessage(result.reason) }), status);
    }
    const { passkey } = result;
    await audit.record(
      { action: 'auth.passkey.added', actorUserId: me.userId, actorEmail: me.email, target: { type: 'passkey', id: passkey.id }, details: { synced: passkey.backedUp, device_type: passkey.deviceType } },
      ctx,
    );
    const codes = result.first ? await auth.mfa.ensureBackupCodes(me.userId) : null;
    if (!mfaWasOn) {
      // Devices signed in before MFA was on would keep working without it: end them.
      await auth.revokeAllSessions(me.userId, me.sessionId);
      await audit.record({ action: 'auth.mfa.enabled', actorUserId: me.userId, actorEmail: me.email, details: { method: 'passkey', other_sessions_ended: true } }, ctx);
    }
    if (codes) return sendPage(reply, BackupCodesPage({ ...pageContext(request, reply), codes, justEnabled: !mfaWasOn }));
    return reply.redirect(mfaWasOn ? '/account?done=passkey-added' : '/account?done=passkey-mfa-on', 303);
  });

  const managePage = async (request: FastifyRequest, reply: FastifyReply, passkeyId: string, extra: { nameValue?: string; renameError?: string; removeError?: string } = {}, status = 200) => {
    const me = request.auth!;
    const passkey = await passkeys.find(me.userId, passkeyId);
    if (!passkey) throw notFound('Passkey');
    const status$ = await auth.mfa.status(me.userId);
    const lastFactor = !status$.totp && status$.smsPhone === null && status$.passkeys === 1;
    return sendPage(reply.header('cache-control', 'no-store'), PasskeyManagePage({ ...pageContext(request, reply), passkey, lastFactor, ...extra }), status);
  };

  app.get('/account/passkeys/:id', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    return managePage(request, reply, (request.params as { id: string }).id);
  });

  app.post('/account/passkeys/:id/rename', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const { id } = request.params as { id: string };
    const input = formField(request.body, 'name', 500);
    const named = checkPasskeyName(input);
    if ('error' in named) return managePage(request, reply, id, { nameValue: input.slice(0, 100), renameError: named.error }, 422);
    if (!(await passkeys.rename(me.userId, id, named.name))) throw notFound('Passkey');
    await audit.record({ action: 'auth.passkey.renamed', actorUserId: me.userId, actorEmail: me.email, target: { type: 'passkey', id } }, auditContextOf(request));
    return reply.redirect('/account?done=passkey-renamed', 303);
  });

  app.post('/account/passkeys/:id/remove', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const { id } = request.params as { id: string };
    if (!(await passkeys.find(me.userId, id))) throw notFound('Passkey');
    const refused = await refusePassword(request, reply);
    if (refused) return managePage(request, reply, id, { removeError: refused.error }, refused.status);
    if (!(await passkeys.remove(me.userId, id))) throw notFound('Passkey');
    await auth.mfa.dropBackupCodesIfNoFactor(me.userId);
    const mfaOn = await auth.mfa.isEnabled(me.userId);
    await audit.record({ action: 'auth.passkey.removed', actorUserId: me.userId, actorEmail: me.email, target: { type: 'passkey', id }, details: { mfa_still_on: mfaOn } }, auditContextOf(request));
    return reply.redirect(mfaOn ? '/account?done=passkey-removed' : '/account?done=mfa-off', 303);
  });

  // ---------------------------------------------------------------------------------------------
  // Passwordless sign-in

  const showLogin = (request: FastifyRequest, reply: FastifyReply, props: { error: string; next: string }, status: number) =>
    opts.showLogin(request, reply.header('cache-control', 'no-store'), props, status);

  app.post('/login/passkey/options', { schema: { hide: true }, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const wait = await signInFailures.retryAfter(clientInfo(request).ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return json(reply, 429, { error: `Too many failed sign-ins. Try again in ${describeWait(wait)}.` });
    }
    const handle = passkeys.newHandle();
    const options = await passkeys.authenticationOptions('signin', { key: handle, origin: originOf(request) });
    reply.setCookie(handleCookie, handle, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: PASSKEY_CHALLENGE_TTL_SECONDS });
    return json(reply, 200, { options });
  });

  app.post('/login/passkey', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const client = clientInfo(request);
    const ctx = auditContextOf(request);
    const tenantId = request.tenant?.id ?? null;
    const handle = request.cookies[handleCookie] ?? '';
    reply.clearCookie(handleCookie, { path: '/', httpOnly: true, sameSite: 'lax', secure });

    const wait = await signInFailures.retryAfter(client.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      await audit.record({ action: 'auth.login.throttled', outcome: 'denied', tenantId, details: { via: 'web', method: 'passkey', scope: 'address', retry_after_s: wait } }, ctx);
      return showLogin(request, reply, { error: `Too many failed sign-ins. Try again in ${describeWait(wait)}.`, next }, 429);
    }

    const result = await passkeys.verifyAuthentication('signin', { key: handle, origin: originOf(request), response: credentialFrom(request.body) });
    const disabled = result.ok && (await passkeys.isUserDisabled(result.userId));
    if (!result.ok || disabled) {
      await signInFailures.hit(client.ip);
      const actorUserId = result.userId;
      const user = actorUserId ? await auth.users.findById(actorUserId) : null;
      await audit.record(
        {
          action: 'auth.login',
          outcome: disabled ? 'denied' : 'failure',
          tenantId,
          actorUserId,
          actorEmail: user?.email ?? null,
          details: { via: 'web', method: 'passkey', reason: result.ok ? 'account_disabled' : result.reason },
        },
        ctx,
      );
      // A disabled account gets the same answer as a passkey that did not verify.
      const status = !result.ok && (result.reason === 'challenge_missing' || result.reason === 'malformed') ? 400 : 401;
      return showLogin(request, reply, { error: !result.ok && result.reason === 'challenge_missing' ? failureMessage('challenge_missing') : SIGN_IN_FAILED, next }, status);
    }

    const session = await auth.createSessionFor(result.userId, client);
    await audit.record(
      { action: 'auth.login', tenantId, actorUserId: session.user.id, actorEmail: session.user.email, target: { type: 'session', id: session.sessionId }, details: { via: 'web', method: 'passkey' } },
      ctx,
    );
    // With user verification the passkey is both factors: no second step.
    const outcome = await opts.completeSignIn(request, reply, session, { next, secondFactor: 'done', via: 'passkey' });
    if (outcome === 'not_a_member') return showLogin(request, reply, { error: `This account is not a member of ${request.tenant!.name}.`, next }, 403);
    return reply;
  });

  // ---------------------------------------------------------------------------------------------
  // The second factor after a password

  app.post('/login/mfa/passkey/options', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const session = await auth.getSession(request.headers.cookie);
    if (!session) return json(reply, 401, { error: 'Your sign-in has ended. Log in again.', redirect: '/login' });
    if (!session.mfaPending) return json(reply, 409, { error: 'You are already signed in.', redirect: request.site === 'tenant' ? '/dashboard' : '/workspaces' });
    const challenge = await auth.mfa.challenge(session.sessionId);
    if (!challenge) {
      appendSetCookies(reply, await auth.signOut(request.headers.cookie));
      return json(reply, 401, { error: 'The two-factor step timed out. Log in again.', redirect: '/login?mfa=expired' });
    }
    // The passkeys offered are those of the pending session's account, never one named by the request.
    const options = await passkeys.authenticationOptions('mfa', { key: session.sessionId, origin: originOf(request), userId: session.user.id });
    return json(reply, 200, { options });
  });

  app.post('/login/mfa/passkey', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const pending = await pendingChallenge(request, reply, next);
    if (!pending) return reply;
    const { session } = pending;
    const ctx = auditContextOf(request);
    const actor = { actorUserId: session.user.id, actorEmail: session.user.email };

    const result = await passkeys.verifyAuthentication('mfa', { key: session.sessionId, origin: originOf(request), response: credentialFrom(request.body), userId: session.user.id });
    if (!result.ok) {
      const left = await auth.mfa.failAttempt(session.sessionId);
      await audit.record({ action: 'auth.mfa.failed', outcome: 'failure', ...actor, details: { method: 'passkey', reason: result.reason, attempts_left: left } }, ctx);
      if (left === 0) {
        await restart(request, reply, 'too_many');
        return reply;
      }
      const error = result.reason === 'challenge_missing' ? failureMessage('challenge_missing') : 'That passkey did not confirm it is you. Use a passkey of this account, or a code.';
      return sendPage(
        reply.header('cache-control', 'no-store'),
        MfaChallengePage({ csrfToken: reply.generateCsrf(), rootUrl, next, error, attemptsLeft: left, factors: await auth.mfa.status(session.user.id) }),
        result.reason === 'challenge_missing' || result.reason === 'malformed' ? 400 : 422,
      );
    }
    await auth.completeMfa(session.sessionId);
    await audit.record({ action: 'auth.mfa.verified', ...actor, target: { type: 'session', id: session.sessionId }, details: { method: 'passkey' } }, ctx);
    // On the root site there is no workspace yet: the chooser opens the right one.
    return reply.redirect(request.site === 'tenant' ? next : '/workspaces', 303);
  });
}
