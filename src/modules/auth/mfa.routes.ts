/**
 * The sign-in's second step: /login/mfa, for a session whose password was right and whose second
 * factor is due. Wrong codes count per challenge (5, then the session ends) and per account.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { describeWait } from '../../platform/errors.js';
import { appendSetCookies, formField, safeNextPath } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import type { AuthService } from './auth.service.js';
import type { PasswordLogin } from './password-login.js';
import { EMAIL_CODE_TTL_SECONDS, MAX_EMAIL_CODES } from './mfa.js';
import { MfaChallengePage } from './views/mfa-pages.js';

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
}

export async function mfaRoutes(app: FastifyInstance, opts: Options) {
  const { auth, audit, config, login } = opts;
  const rootUrl = config.publicUrl.origin;

  const page = async (reply: FastifyReply, userId: string, props: { next: string; error?: string; notice?: string; attemptsLeft: number }, status = 200) =>
    sendPage(reply.header('cache-control', 'no-store'), MfaChallengePage({ csrfToken: reply.generateCsrf(), rootUrl, factors: await auth.mfa.status(userId), ...props }), status);

  /** Ends a challenge that cannot succeed any more, and sends the user back to the password form. */
  async function restart(request: FastifyRequest, reply: FastifyReply, reason: string) {
    appendSetCookies(reply, await auth.signOut(request.headers.cookie));
    return reply.redirect(`/login?mfa=${reason}`, 303);
  }

  app.get('/login/mfa', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNextPath((request.query as Record<string, unknown>).next);
    const session = await auth.getSession(request.headers.cookie);
    if (!session) return reply.redirect('/login', 303);
    if (!session.mfaPending) return reply.redirect(next, 303);
    const challenge = await auth.mfa.challenge(session.sessionId);
    if (!challenge) return restart(request, reply, 'expired');
    return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft });
  });

  /** "Email me a code instead": weaker than the app (the mailbox is often the password's recovery too), offered as a fallback. */
  app.post('/login/mfa/email', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const session = await auth.getSession(request.headers.cookie);
    if (!session) return reply.redirect('/login', 303);
    if (!session.mfaPending) return reply.redirect(next, 303);
    const challenge = await auth.mfa.challenge(session.sessionId);
    if (!challenge) return restart(request, reply, 'expired');
    if (!session.user.emailVerified) {
      return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft, error: 'Your email address is not confirmed, so we cannot send codes to it. Use your app or a backup code.' }, 409);
    }
    const code = await auth.mfa.issueEmailCode(session.sessionId);
    if (!code) return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft, error: `We already sent ${MAX_EMAIL_CODES} codes for this sign-in. Use the latest one, or your app.` }, 429);
    await auth.sendMfaCodeEmail(session.user.email, session.user.name, code);
    await audit.record({ action: 'auth.mfa.email_code_sent', actorUserId: session.user.id, actorEmail: session.user.email }, auditContextOf(request));
    return page(reply, session.user.id, { next, attemptsLeft: challenge.attemptsLeft, notice: `We sent a code to ${maskEmail(session.user.email)}. It works for ${EMAIL_CODE_TTL_SECONDS / 60} minutes.` });
  });

  app.post('/login/mfa', { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const next = safeNextPath(formField(request.body, 'next', 2000));
    const code = formField(request.body, 'code', 40);
    const session = await auth.getSession(request.headers.cookie);
    if (!session) return reply.redirect('/login', 303);
    if (!session.mfaPending) return reply.redirect(next, 303);
    const challenge = await auth.mfa.challenge(session.sessionId);
    if (!challenge) return restart(request, reply, 'expired');
    const ctx = auditContextOf(request);
    const actor = { actorUserId: session.user.id, actorEmail: session.user.email };

    const result = await login.secondFactor(session.user.id, code, session.sessionId);
    if (!result.ok) {
      const left = await auth.mfa.failAttempt(session.sessionId);
      await audit.record({ action: 'auth.mfa.failed', outcome: 'failure', ...actor, details: { attempts_left: left, waiting: result.retryAfterSeconds > 0 } }, ctx);
      if (left === 0) return restart(request, reply, 'too_many');
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
