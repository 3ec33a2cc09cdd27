/**
 * The sign-in's second step: /login/mfa, for a session whose password was right and whose second
 * factor is due. Wrong codes count per challenge (5, then the session ends) and per account.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { describeWait } from '../../platform/errors.js';
import { formField, safeNextPath } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import type { AuthService } from './auth.service.js';
import type { PasswordLogin } from './password-login.js';
import { EMAIL_CODE_TTL_SECONDS, MAX_EMAIL_CODES } from './mfa.js';
import { clientKey } from '../../platform/http/security.js';
import { MAX_SMS_CODES, phoneLastDigits, SMS_CODE_TTL_SECONDS, type SmsMfa } from './mfa-sms.js';
import { describeSmsRefusal, smsSiteHost } from './sms-mfa.routes.js';
import { MfaChallengePage } from './views/mfa-pages.js';
import { createMfaChallengeSteps } from './mfa-challenge.js';

/** "d•••@example.com": enough to recognise the address, not to learn it. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

interface Options {
  config: AppConfig;
  auth: AuthService;
  audit: AuditService;
  login: PasswordLogin;
  sms: SmsMfa;
}

export async function mfaRoutes(app: FastifyInstance, opts: Options) {
  const { auth, audit, config, login, sms } = opts;
  const { pendingChallenge, restart } = createMfaChallengeSteps(auth);
  const rootUrl = config.publicUrl.origin;

  const page = async (reply: FastifyReply, userId: string, props: { next: string; error?: string; notice?: string; attemptsLeft: number }, status = 200) =>
    sendPage(reply.header('cache-control', 'no-store'), MfaChallengePage({ csrfToken: reply.generateCsrf(), rootUrl, factors: await factorsOf(userId), ...props }), status);

  /** The factors the page offers: a verified phone only while text messages can be sent. */
  const factorsOf = async (userId: string) => {
    const factors = await auth.mfa.status(userId);
    return sms.available ? factors : { ...factors, smsPhone: null };
  };

  app.get('/login/mfa', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNextPath((request.query as Record<string, unknown>).next);
    const pending = await pendingChallenge(request, reply, next);
    if (!pending) return reply;
    const { session, challenge } = pending;
    return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft });
  });

  /** "Email me a code instead": weaker than the app (the mailbox is often the password's recovery too), offered as a fallback. */
  app.post('/login/mfa/email', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const pending = await pendingChallenge(request, reply, next);
    if (!pending) return reply;
    const { session, challenge } = pending;
    if (!session.user.emailVerified) {
      return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft, error: 'Your email address is not confirmed, so we cannot send codes to it. Use your app or a backup code.' }, 409);
    }
    const code = await auth.mfa.issueEmailCode(session.sessionId);
    if (!code) return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft, error: `We already sent ${MAX_EMAIL_CODES} codes for this sign-in. Use the latest one, or your app.` }, 429);
    await auth.sendMfaCodeEmail(session.user.email, session.user.name, code);
    await audit.record({ action: 'auth.mfa.email_code_sent', actorUserId: session.user.id, actorEmail: session.user.email }, auditContextOf(request));
    return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft, notice: `We sent a code to ${maskEmail(session.user.email)}. It works for ${EMAIL_CODE_TTL_SECONDS / 60} minutes.` });
  });

  /**
   * "Text me a code": to the account's verified number, for this sign-in only (3 at most, 10 minutes,
   * never past the challenge). Weaker than the app or a passkey (SIM swap, interception), and each
   * text costs money: limited per account and per client address too.
   */
  app.post('/login/mfa/sms', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const pending = await pendingChallenge(request, reply, next);
    if (!pending) return reply;
    const { session, challenge } = pending;
    const actor = { actorUserId: session.user.id, actorEmail: session.user.email };
    const shown = { next, attemptsLeft: challenge.attemptsLeft };
    const sent = await sms.sendSignInCode(session.sessionId, session.user.id, { ip: clientKey(request), siteHost: smsSiteHost(config, request) });
    if (!sent.ok) {
      if (sent.reason === 'no_phone') return page(reply, session.user.id, { ...shown, error: 'Your account has no confirmed phone number. Use your app or a backup code.' }, 409);
      if (sent.reason === 'used_up') return page(reply, session.user.id, { ...shown, error: `We already texted ${MAX_SMS_CODES} codes for this sign-in. Use the latest one, or another way.` }, 429);
      if (sent.reason === 'throttled') {
        reply.header('retry-after', String(sent.retryAfterSeconds));
        await audit.record(
          { action: 'auth.mfa.sms_code_throttled', outcome: 'denied', ...actor, details: { purpose: 'sign_in', scope: sent.scope, retry_after_s: sent.retryAfterSeconds } },
          auditContextOf(request),
        );
      }
      const { status, message } = describeSmsRefusal(sent);
      return page(reply, session.user.id, { ...shown, error: message }, status);
    }
    await audit.record({ action: 'auth.mfa.sms_code_sent', ...actor, details: { purpose: 'sign_in', phone_last2: phoneLastDigits(sent.phone) } }, auditContextOf(request));
    return page(reply, session.user.id, { ...shown, notice: `We texted a code to your phone ending in ${phoneLastDigits(sent.phone)}. It works for ${SMS_CODE_TTL_SECONDS / 60} minutes.` });
  });

  app.post('/login/mfa', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const code = formField(request.body, 'code', 40);
    const pending = await pendingChallenge(request, reply, next);
    if (!pending) return reply;
    const { session } = pending;
    const ctx = auditContextOf(request);
    const actor = { actorUserId: session.user.id, actorEmail: session.user.email };

    const result = await login.secondFactor(session.user.id, code, session.sessionId);
    if (!result.ok) {
      const left = await auth.mfa.failAttempt(session.sessionId);
      await audit.record({ action: 'auth.mfa.failed', outcome: 'failure', ...actor, details: { attempts_left: left, waiting: result.retryAfterSeconds > 0 } }, ctx);
      if (left === 0) {
        await restart(request, reply, 'too_many');
        return reply;
      }
      if (result.retryAfterSeconds > 0) {
        reply.header('retry-after', String(result.retryAfterSeconds));
        return page(reply, session.user.id, { next, attemptsLeft: left, error: `Too many wrong codes. Try again in ${describeWait(result.retryAfterSeconds)}.` }, 429);
      }
      return page(reply, session.user.id, { next, attemptsLeft: left, error: 'That code is not right. Codes change every 30 seconds; each works once.' }, 422);
    }
    await auth.completeMfa(session.sessionId);
    await audit.record({ action: 'auth.mfa.verified', ...actor, target: { type: 'session', id: session.sessionId }, details: { method: result.method } }, ctx);
    // On the root site there is no workspace yet: the chooser opens the right one.
    return reply.redirect(request.site === 'tenant' ? next : '/workspaces', 303);
  });
}
