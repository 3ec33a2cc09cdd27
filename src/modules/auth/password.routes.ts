/**
 * Password recovery pages: /forgot-password (ask for a link) and /reset-password (use it). They answer
 * the same way for known and unknown emails, are throttled per email and per client address, never
 * sign the user in, and leave an audit trail. Links always point at PUBLIC_URL.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { describeWait } from '../../platform/errors.js';
import { clientInfo, formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { RESET_TOKEN_TTL_SECONDS, type AuthService } from './auth.service.js';
import { checkPasswordPolicy } from './passwords.js';
import type { PasswordLogin } from './password-login.js';
import { normalizeEmail } from './users.repository.js';
import { ForgotPasswordPage, ResetPasswordPage } from './views/password-pages.js';

export const RESET_THROTTLE_RULES = {
  /** Reset emails to one address: a few, so the link can be asked again, but no mail bombing. */
  requestsPerAccount: { name: 'reset-request-account', points: 3, windowSeconds: 60 * 60 },
  requestsPerAddress: { name: 'reset-request-address', points: 20, windowSeconds: 60 * 60 },
  /** Invalid or expired tokens tried from one address. */
  badTokensPerAddress: { name: 'reset-bad-token-address', points: 10, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
} as const;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const VALID_MINUTES = RESET_TOKEN_TTL_SECONDS / 60;

interface Options {
  config: AppConfig;
  auth: AuthService;
  login: PasswordLogin;
  audit: AuditService;
  throttles: Throttles;
}

export async function passwordRoutes(app: FastifyInstance, opts: Options) {
  const { auth, login, audit, config } = opts;
  const perAccount = opts.throttles.create(RESET_THROTTLE_RULES.requestsPerAccount);
  const perAddress = opts.throttles.create(RESET_THROTTLE_RULES.requestsPerAddress);
  const badTokens = opts.throttles.create(RESET_THROTTLE_RULES.badTokensPerAddress);
  const rootUrl = config.publicUrl.origin;

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  const forgotPage = (reply: FastifyReply, props: { email?: string; sentTo?: string; error?: string }, status = 200) =>
    sendPage(reply, ForgotPasswordPage({ csrfToken: reply.generateCsrf(), validMinutes: VALID_MINUTES, rootUrl, ...props }), status);
  const resetPage = (reply: FastifyReply, props: { token: string; invalid?: boolean; error?: string }, status = 200) =>
    sendPage(noStore(reply), ResetPasswordPage({ csrfToken: reply.generateCsrf(), rootUrl, ...props }), status);

  app.get('/forgot-password', { schema: { hide: true } }, async (_request, reply) => forgotPage(reply, {}));

  app.post('/forgot-password', { schema: { hide: true } }, async (request: FastifyRequest, reply) => {
    const email = normalizeEmail(formField(request.body, 'email', 320));
    if (!EMAIL_RE.test(email) || email.length > 254) return forgotPage(reply, { email, error: 'Enter the email address of your account, like you@company.com.' }, 422);
    const client = clientInfo(request);
    const ctx = auditContextOf(request);
    const wait = Math.max(await perAccount.retryAfter(email), await perAddress.retryAfter(client.ip));
    if (wait > 0) {
      await audit.record({ action: 'auth.password.reset.throttled', outcome: 'denied', actorEmail: email, details: { retry_after_s: wait } }, ctx);
      reply.header('retry-after', String(wait));
      return forgotPage(reply, { email, error: `Too many reset requests. Try again in ${describeWait(wait)}.` }, 429);
    }
    await Promise.all([perAccount.hit(email), perAddress.hit(client.ip)]);
    const known = await auth.users.findByEmail(email);
    await auth.requestPasswordReset(email, client);
    await audit.record({ action: 'auth.password.reset_requested', actorUserId: known?.id ?? null, actorEmail: email, details: { account: known ? 'known' : 'unknown' } }, ctx);
    return forgotPage(reply, { sentTo: email });
  });

  app.get('/reset-password', { schema: { hide: true } }, async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).token ?? '').slice(0, 200);
    const valid = token ? (await auth.peekResetToken(token)) !== null : false;
    return resetPage(reply, { token, invalid: !valid });
  });

  app.post('/reset-password', { schema: { hide: true } }, async (request, reply) => {
    const token = formField(request.body, 'token', 200);
    const password = formField(request.body, 'password', 1024);
    const client = clientInfo(request);
    const ctx = auditContextOf(request);
    const wait = await badTokens.retryAfter(client.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return resetPage(reply, { token, error: `Too many attempts from your network. Try again in ${describeWait(wait)}.` }, 429);
    }
    if (!(await auth.peekResetToken(token))) {
      await badTokens.hit(client.ip);
      await audit.record({ action: 'auth.password.reset', outcome: 'failure', details: { reason: 'invalid_or_expired_link' } }, ctx);
      return resetPage(reply, { token: '', invalid: true }, 400);
    }
    const problem = checkPasswordPolicy(password);
    if (problem) return resetPage(reply, { token, error: problem }, 422);
    const userId = await auth.resetPassword(token, password);
    if (!userId) return resetPage(reply, { token: '', invalid: true }, 400);
    const user = await auth.users.findById(userId);
    if (user) await login.clearAccountWait(user.email);
    await audit.record({ action: 'auth.password.reset', actorUserId: userId, actorEmail: user?.email ?? null, target: { type: 'user', id: userId }, details: { sessions_ended: true } }, ctx);
    return reply.redirect('/login?reset=done', 303);
  });
}
