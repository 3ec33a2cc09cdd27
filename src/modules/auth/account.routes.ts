/**
 * The signed-in user's account page, on whichever host they are signed in (cookies are host-only):
 * change password, list and end sessions, recent security activity.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { describeWait, notFound } from '../../platform/errors.js';
import { appendSetCookies, clientInfo, formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { logoUrlOf } from '../../platform/http/workspace-page.js';
import type { Throttle, Throttles } from '../../platform/rate-limit/throttles.js';
import { AUDIT_ACTIONS, auditContextOf, isAuditAction, type AuditService } from '../audit/index.js';
import type { AuthGuards } from './auth.guards.js';
import type { AuthService } from './auth.service.js';
import { OAUTH_PROVIDERS, type OAuthService } from './oauth.js';
import { checkPasswordPolicy } from './passwords.js';
import type { Passkeys } from './passkeys.js';
import { normalizeEmail } from './users.repository.js';
import { AccountDeletedPage, AccountPage, EmailVerifiedPage, type AccountPageProps } from './views/account-page.js';
import { BackupCodesPage, MfaSetupPage } from './views/mfa-pages.js';

export const ACCOUNT_THROTTLE_RULES = {
  /** Wrong current passwords on the change form: someone holding a session must not get unlimited guesses. */
  wrongCurrentPassword: { name: 'password-change-account', points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  /** "Send the confirmation link again": 3 an hour (the 4th counted attempt waits). */
  verificationEmails: { name: 'verify-email-account', points: 4, windowSeconds: 60 * 60 },
} as const;

type Flash = NonNullable<AccountPageProps['flash']>;

/** One wrong-current-password counter per app (rule names are unique): every form that asks for the password again counts against it. */
const wrongCurrentPasswords = new WeakMap<Throttles, Throttle>();
function wrongCurrentPasswordThrottle(throttles: Throttles): Throttle {
  let throttle = wrongCurrentPasswords.get(throttles);
  if (!throttle) wrongCurrentPasswords.set(throttles, (throttle = throttles.create(ACCOUNT_THROTTLE_RULES.wrongCurrentPassword)));
  return throttle;
}

/**
 * Fresh authentication for account changes (here and in routes of other files): the
 * `current_password` field, checked against one limit for all of them. Resolves to the refusal to
 * show (`{ status, error }`, Retry-After set when waiting), or null to go on. (It returns no reply:
 * Fastify replies are thenables, and awaiting one yields undefined.)
 */
export function createCurrentPasswordCheck(auth: AuthService, throttles: Throttles) {
  const wrongCurrent = wrongCurrentPasswordThrottle(throttles);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<{ status: number; error: string } | null> => {
    const me = request.auth!;
    const wait = await wrongCurrent.retryAfter(me.userId);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return { status: 429, error: `Too many wrong passwords. Try again in ${describeWait(wait)}.` };
    }
    if (await auth.verifyCurrentPassword(me.userId, formField(request.body, 'current_password', 1024))) {
      await wrongCurrent.reset(me.userId);
      return null;
    }
    await wrongCurrent.hit(me.userId);
    return { status: 422, error: 'That is not your current password' };
  };
}
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Options {
  config: AppConfig;
  auth: AuthService;
  audit: AuditService;
  guards: AuthGuards;
  throttles: Throttles;
  oauth: OAuthService;
  /** The account's passkeys, listed on the page (their routes are in passkey.routes.ts). */
  passkeys: Passkeys;
  /** Why this user cannot delete their account now (e.g. the only owner of a workspace), or null. */
  accountDeletionBlocker: (userId: string) => Promise<string | null>;
  /** The user's role in a workspace, or null: on a workspace's host the navigation follows it. */
  /** The user's role in a workspace and what it may do (null: not a member); drives the navigation on a workspace host. */
  roleIn?: (tenantId: string, userId: string) => Promise<{ role: string; permissions: ReadonlySet<string> } | null>;
}

export async function accountRoutes(app: FastifyInstance, opts: Options) {
  const { auth, audit, guards, config } = opts;
  const wrongCurrent = wrongCurrentPasswordThrottle(opts.throttles);
  const verificationEmails = opts.throttles.create(ACCOUNT_THROTTLE_RULES.verificationEmails);

  async function showAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Pick<AccountPageProps, 'passwordErrors' | 'emailErrors' | 'emailValue' | 'deleteErrors' | 'mfaError'> & { flash?: Flash } = {},
    status = 200,
  ) {
    const me = request.auth!;
    const [sessions, events, mfa, links, hasPassword, signInMethods, passkeys, role] = await Promise.all([
      auth.listSessions(me.userId),
      audit.listForUser(me.userId, 15),
      auth.mfa.status(me.userId),
      opts.oauth.listLinks(me.userId),
      auth.hasPassword(me.userId),
      opts.oauth.signInMethodCount(me.userId),
      opts.passkeys.list(me.userId),
      request.tenant && opts.roleIn ? opts.roleIn(request.tenant.id, me.userId) : null,
    ]);
    const linkedProviders = new Set<string>(links.map((l) => l.provider));
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      AccountPage({
        csrfToken: reply.generateCsrf(),
        user: { name: me.name, email: me.email },
        emailVerified: me.emailVerified === true,
        mfa,
        hasPassword,
        signIn: {
          linked: links.map((l) => ({ provider: l.provider, providerName: OAUTH_PROVIDERS[l.provider].name, email: l.email, linkedAt: l.linkedAt })),
          available: opts.oauth.enabledProviders().filter((id) => !linkedProviders.has(id)).map((id) => ({ id, name: OAUTH_PROVIDERS[id].name })),
          canUnlink: signInMethods > 1,
        },
        passkeys,
        smsAvailable: config.sms !== null,
        tenant: request.tenant ? { name: request.tenant.name, subdomain: request.tenant.subdomain, logoUrl: logoUrlOf(request.tenant) } : null,
        ...(role ? { role: role.role, permissions: role.permissions } : {}),
        rootUrl: config.publicUrl.origin,
        sessions: sessions.map((s) => ({ ...s, current: s.id === me.sessionId })),
        activity: events.map((e) => ({ occurredAt: e.occurredAt, label: isAuditAction(e.action) ? AUDIT_ACTIONS[e.action] : e.action, outcome: e.outcome, ip: e.ip })),
        ...extra,
      }),
      status,
    );
  }

  app.get('/account', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    const messages: Record<string, string> = {
      password: 'Your password was changed. Your other devices were signed out.',
      session: 'That device was signed out.',
      others: 'Every other device was signed out.',
      'verify-sent': `We sent a confirmation link to ${request.auth!.email}.`,
      'email-sent': 'We sent a link to the new address. Your email changes when you open it (within 24 hours).',
      'mfa-off': 'Two-factor authentication is off. Your account is protected by your password alone.',
      'mfa-app': 'Your authenticator app is set up. Your backup codes stay the same.',
      'mfa-app-off': 'The authenticator app was removed. Your other second factors still work.',
      'passkey-added': 'Your passkey was added. You can sign in with it from now on.',
      'passkey-mfa-on': 'Your passkey was added and two-factor authentication is on. Your other devices were signed out; your backup codes stay the same.',
      'passkey-renamed': 'The passkey was renamed.',
      'passkey-removed': 'The passkey was removed. It no longer signs you in.',
      'mfa-sms': 'Your phone number is confirmed: sign-in codes can come by text message. Your backup codes stay the same.',
      'mfa-sms-off': 'Your phone number was removed. Your other second factors still work.',
    };
    for (const [id, { name }] of Object.entries(OAUTH_PROVIDERS)) {
      messages[`linked-${id}`] = `${name} is linked. You can now sign in with it.`;
      messages[`unlinked-${id}`] = `${name} was unlinked. It no longer signs you in.`;
    }
    messages['set-link-sent'] = `We sent a link to ${request.auth!.email} to set your password. It works for 30 minutes.`;
    const problems: Record<string, string> = {
      'link-password': 'That is not your current password. Linking and unlinking providers ask for it.',
      'link-no-password': 'Your account has no password yet. Set one first: linking and unlinking providers ask for it.',
      'link-wait': 'Too many wrong passwords. Try again in 15 minutes.',
      'link-expired': 'That link to a provider expired or was already used. Start again below.',
      'link-cancelled': 'Linking was cancelled at the provider. Nothing changed.',
      'link-failed': 'The provider did not confirm who you are. Nothing changed; try again.',
      'link-taken': 'That provider account already signs in to another account here. Unlink it there first.',
      'link-already': 'Another account from that provider is already linked. Unlink it first.',
      'unlink-last': 'That is your only way to sign in. Set a password or add a passkey first.',
    };
    const problem = typeof done === 'string' ? problems[done] : undefined;
    if (problem) return showAccount(request, reply, { flash: [{ kind: 'error', message: problem }] });
    const message = typeof done === 'string' ? messages[done] : undefined;
    const query = request.query as Record<string, unknown>;
    if (query.mfa_required === '1' && request.tenant) {
      const mfaError = `${request.tenant.name} requires two-factor authentication. Set it up below to open the workspace.`;
      return showAccount(request, reply, { mfaError });
    }
    return showAccount(request, reply, message ? { flash: [{ kind: 'success', message }] } : {});
  });

  /** Accounts made with a provider have no password: they set one through an emailed reset link, which also proves the mailbox. */
  app.post('/account/password/set-link', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    if (await auth.hasPassword(me.userId)) return reply.redirect('/account', 303);
    const wait = await verificationEmails.hit(me.userId);
    if (wait > 0) return showAccount(request, reply, { flash: [{ kind: 'error', message: `We already sent a few links. Try again in ${describeWait(wait)}.` }] }, 429);
    await auth.requestPasswordReset(me.email, clientInfo(request));
    await audit.record({ action: 'auth.password.reset_requested', actorUserId: me.userId, actorEmail: me.email, details: { via: 'account_page', reason: 'set_password' } }, auditContextOf(request));
    return reply.redirect('/account?done=set-link-sent', 303);
  });

  app.post('/account/password', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const ctx = auditContextOf(request);
    const current = formField(request.body, 'current_password', 1024);
    const password = formField(request.body, 'password', 1024);
    const wait = await wrongCurrent.retryAfter(me.userId);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return showAccount(request, reply, { passwordErrors: { current: `Too many wrong passwords. Try again in ${describeWait(wait)}, or reset it from the login page.` } }, 429);
    }
    const problem = checkPasswordPolicy(password);
    if (problem) return showAccount(request, reply, { passwordErrors: { password: problem } }, 422);
    if (password === current) return showAccount(request, reply, { passwordErrors: { password: 'Choose a password different from the current one' } }, 422);
    const result = await auth.changePassword(me.userId, me.sessionId!, current, password);
    if (result === 'wrong_current') {
      await wrongCurrent.hit(me.userId);
      await audit.record({ action: 'auth.password.changed', outcome: 'failure', actorUserId: me.userId, actorEmail: me.email, details: { reason: 'wrong_current_password' } }, ctx);
      return showAccount(request, reply, { passwordErrors: { current: 'That is not your current password' } }, 422);
    }
    await wrongCurrent.reset(me.userId);
    await audit.record({ action: 'auth.password.changed', actorUserId: me.userId, actorEmail: me.email, target: { type: 'user', id: me.userId }, details: { other_sessions_ended: true } }, ctx);
    return reply.redirect('/account?done=password', 303);
  });

  app.post('/account/sessions/:id/revoke', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const { id } = request.params as { id: string };
    // Someone else's session and a made-up id answer alike.
    if (id === me.sessionId || !(await auth.revokeOwnSession(me.userId, id))) throw notFound('Session');
    await audit.record({ action: 'auth.session.revoked', actorUserId: me.userId, actorEmail: me.email, target: { type: 'session', id }, details: { via: 'account_page' } }, auditContextOf(request));
    return reply.redirect('/account?done=session', 303);
  });

  app.post('/account/email', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const ctx = auditContextOf(request);
    const newEmail = normalizeEmail(formField(request.body, 'new_email', 320));
    const current = formField(request.body, 'current_password', 1024);
    const wait = await wrongCurrent.retryAfter(me.userId);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return showAccount(request, reply, { emailErrors: { current: `Too many wrong passwords. Try again in ${describeWait(wait)}.` }, emailValue: newEmail }, 429);
    }
    if (!EMAIL_RE.test(newEmail) || newEmail.length > 254) return showAccount(request, reply, { emailErrors: { email: 'Enter an email address, like you@company.com' }, emailValue: newEmail }, 422);
    if (newEmail === normalizeEmail(me.email)) return showAccount(request, reply, { emailErrors: { email: 'This is already your email address' }, emailValue: newEmail }, 422);
    const result = await auth.requestEmailChange(me.userId, current, newEmail);
    if (result === 'wrong_current') {
      await wrongCurrent.hit(me.userId);
      return showAccount(request, reply, { emailErrors: { current: 'That is not your current password' }, emailValue: newEmail }, 422);
    }
    await wrongCurrent.reset(me.userId);
    // "taken" answers like "sent": the form must not tell which addresses have accounts.
    await audit.record({ action: 'auth.email.change_requested', actorUserId: me.userId, actorEmail: me.email, details: { address_free: result === 'sent' } }, ctx);
    return reply.redirect('/account?done=email-sent', 303);
  });

  /** The link mailed to the new address: public, like the confirmation link. */
  app.get('/confirm-email-change', { schema: { hide: true }, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).token ?? '');
    const changed = token ? await auth.confirmEmailChange(token) : null;
    if (changed) {
      await audit.record({ action: 'auth.email.changed', actorUserId: changed.userId, actorEmail: changed.to, target: { type: 'user', id: changed.userId }, details: { previous: changed.from } }, auditContextOf(request));
    }
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return sendPage(reply, EmailVerifiedPage({ ok: changed !== null, email: changed?.to ?? null, rootUrl: config.publicUrl.origin, csrfToken: reply.generateCsrf(), changed: true }), changed ? 200 : 400);
  });

  app.post('/account/delete', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const current = formField(request.body, 'current_password', 1024);
    const confirm = formField(request.body, 'confirm', 100).trim();
    const wait = await wrongCurrent.retryAfter(me.userId);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return showAccount(request, reply, { deleteErrors: { current: `Too many wrong passwords. Try again in ${describeWait(wait)}.` } }, 429);
    }
    if (confirm !== 'DELETE') return showAccount(request, reply, { deleteErrors: { confirm: 'Type DELETE in capitals to confirm' } }, 422);
    const blocker = await opts.accountDeletionBlocker(me.userId);
    if (blocker) return showAccount(request, reply, { deleteErrors: { form: blocker } }, 409);
    if (!(await auth.verifyCurrentPassword(me.userId, current))) {
      await wrongCurrent.hit(me.userId);
      return showAccount(request, reply, { deleteErrors: { current: 'That is not your current password' } }, 422);
    }
    const clearing = await auth.signOut(request.headers.cookie);
    await auth.deleteAccount(me.userId);
    await audit.record({ action: 'auth.account.deleted', actorUserId: me.userId, actorEmail: me.email, target: { type: 'user', id: me.userId } }, auditContextOf(request));
    appendSetCookies(reply, clearing);
    return sendPage(reply, AccountDeletedPage({ email: me.email, rootUrl: config.publicUrl.origin, csrfToken: reply.generateCsrf() }));
  });

  // ---- Two-factor authentication. Every change asks for the password again (fresh authentication).
  const pageContext = (request: FastifyRequest, reply: FastifyReply) => ({
    csrfToken: reply.generateCsrf(),
    rootUrl: config.publicUrl.origin,
    user: { name: request.auth!.name, email: request.auth!.email },
  });

  /** The password field of an MFA form, checked against the same limit as the other account changes. */
  const refusePassword = createCurrentPasswordCheck(auth, opts.throttles);

  app.post('/account/mfa/setup', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const refused = await refusePassword(request, reply);
    if (refused) return showAccount(request, reply, { mfaError: refused.error }, refused.status);
    if ((await auth.mfa.status(me.userId)).totp) return reply.redirect('/account', 303);
    const setup = await auth.mfa.startTotpSetup(me.userId, me.email);
    return sendPage(reply.header('cache-control', 'no-store'), MfaSetupPage({ ...pageContext(request, reply), secret: setup.secret, qrSvg: setup.qrSvg }));
  });

  app.post('/account/mfa/confirm', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const confirmed = await auth.mfa.confirmTotp(me.userId, formField(request.body, 'code', 20).trim());
    if (!confirmed) {
      const setup = await auth.mfa.pendingSetup(me.userId, me.email);
      if (!setup) return reply.redirect('/account', 303);
      const error = 'That code is not right. Check the time on your phone, and type the code the app shows now.';
      return sendPage(reply.header('cache-control', 'no-store'), MfaSetupPage({ ...pageContext(request, reply), secret: setup.secret, qrSvg: setup.qrSvg, error }), 422);
    }
    // Other devices signed in before MFA was on: they would keep working without it. End them.
    await auth.revokeAllSessions(me.userId, me.sessionId);
    await audit.record({ action: 'auth.mfa.enabled', actorUserId: me.userId, actorEmail: me.email, details: { method: 'totp', other_sessions_ended: true } }, auditContextOf(request));
    if (!confirmed.backupCodes) return reply.redirect('/account?done=mfa-app', 303);
    return sendPage(reply.header('cache-control', 'no-store'), BackupCodesPage({ ...pageContext(request, reply), codes: confirmed.backupCodes, justEnabled: true }));
  });

  app.post('/account/mfa/backup-codes', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const refused = await refusePassword(request, reply);
    if (refused) return showAccount(request, reply, { mfaError: refused.error }, refused.status);
    if (!(await auth.mfa.isEnabled(me.userId))) return reply.redirect('/account', 303);
    const codes = await auth.mfa.regenerateBackupCodes(me.userId);
    await audit.record({ action: 'auth.mfa.backup_codes_regenerated', actorUserId: me.userId, actorEmail: me.email }, auditContextOf(request));
    return sendPage(reply.header('cache-control', 'no-store'), BackupCodesPage({ ...pageContext(request, reply), codes, justEnabled: false }));
  });

  app.post('/account/mfa/disable', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const refused = await refusePassword(request, reply);
    if (refused) return showAccount(request, reply, { mfaError: refused.error }, refused.status);
    await auth.mfa.removeTotp(me.userId);
    await audit.record({ action: 'auth.mfa.disabled', actorUserId: me.userId, actorEmail: me.email, details: { method: 'totp' } }, auditContextOf(request));
    return reply.redirect((await auth.mfa.isEnabled(me.userId)) ? '/account?done=mfa-app-off' : '/account?done=mfa-off', 303);
  });

  app.post('/account/verify-email', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    if (me.emailVerified) return reply.redirect('/account', 303);
    const wait = await verificationEmails.hit(me.userId);
    if (wait > 0) return showAccount(request, reply, { flash: [{ kind: 'error', message: `We already sent a few links. Try again in ${describeWait(wait)}.` }] }, 429);
    await auth.sendVerificationEmail(me.email);
    await audit.record({ action: 'auth.email.verification_sent', actorUserId: me.userId, actorEmail: me.email, details: { via: 'account_page' } }, auditContextOf(request));
    return reply.redirect('/account?done=verify-sent', 303);
  });

  /** The link in the confirmation email: public (the user may open it on another device, signed out). */
  app.get('/verify-email', { schema: { hide: true }, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).token ?? '');
    const verified = token ? await auth.verifyEmail(token) : null;
    if (verified) {
      await audit.record({ action: 'auth.email.verified', actorUserId: verified.userId, actorEmail: verified.email }, auditContextOf(request));
    }
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return sendPage(reply, EmailVerifiedPage({ ok: verified !== null, email: verified?.email ?? null, rootUrl: config.publicUrl.origin, csrfToken: reply.generateCsrf() }), verified ? 200 : 400);
  });

  app.post('/account/sessions/revoke-others', { schema: { hide: true }, preHandler: guards.requireWebUser }, async (request, reply) => {
    const me = request.auth!;
    const ended = await auth.revokeAllSessions(me.userId, me.sessionId);
    await audit.record({ action: 'auth.session.revoked', actorUserId: me.userId, actorEmail: me.email, details: { via: 'account_page', scope: 'all_others', count: ended } }, auditContextOf(request));
    return reply.redirect('/account?done=others', 303);
  });
}
