/**
 * Password sign-in with brute-force throttling and an audit trail; used by the browser form and the
 * token endpoint alike.
 *
 * Three throttles count failed attempts (docs: SECURITY.md, "Throttling"):
 * - per account on one client address: a few consecutive failures, then that pair waits. This is
 *   the one a typo-prone user meets; it never affects the account's owner elsewhere.
 * - per client address, across accounts: password spraying from one address.
 * - per account, across addresses: a distributed guess at one account. It only stops password
 *   sign-in for a while: recovery routes stay open, so an attacker cannot lock the owner out.
 * The client address is the one Fastify resolved: a spoofed X-Forwarded-For counts only when
 * TRUST_PROXY is set. A wait is checked before the password is, so a waiting key gets no free guess.
 */
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import type { AuditContext, AuditService } from '../audit/index.js';
import type { AuthService, ClientInfo, SignInResult } from './auth.service.js';
import { normalizeEmail } from './users.repository.js';

export const LOGIN_THROTTLE_RULES = {
  accountOnAddress: { name: 'login-account-address', points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  address: { name: 'login-address', points: 50, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
  account: { name: 'login-account', points: 20, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
} as const;

/** Wrong second-factor codes per account, across challenges (each challenge also dies after 5). */
export const MFA_THROTTLE_RULE = { name: 'mfa-account', points: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 } as const;

export type SecondFactorResult = { ok: true; method: 'totp' | 'backup_code' | 'email_code' | 'sms_code' } | { ok: false; retryAfterSeconds: number };

export type PasswordLoginResult =
  | { ok: true; session: SignInResult }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

const EMAIL_LIKE = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

export function createPasswordLogin(deps: { auth: AuthService; audit: AuditService; throttles: Throttles }) {
  const { auth, audit } = deps;
  const accountOnAddress = deps.throttles.create(LOGIN_THROTTLE_RULES.accountOnAddress);
  const address = deps.throttles.create(LOGIN_THROTTLE_RULES.address);
  const account = deps.throttles.create(LOGIN_THROTTLE_RULES.account);
  const wrongCodes = deps.throttles.create(MFA_THROTTLE_RULE);

  return {
    /** `tenantId`: the tenant whose sign-in page this is (its administrators see the attempts); null on the root site and the API. */
    async attempt(emailInput: string, password: string, client: ClientInfo, ctx: AuditContext, via: 'web' | 'api', tenantId: string | null = null): Promise<PasswordLoginResult> {
      const email = normalizeEmail(emailInput);
      // An email field sometimes holds a password typed one field too early: record only what looks like an email.
      const actorEmail = EMAIL_LIKE.test(email) ? email : null;
      const pairKey = `${email}|${client.ip}`;
      const [waitPair, waitAddress, waitAccount] = await Promise.all([accountOnAddress.retryAfter(pairKey), address.retryAfter(client.ip), account.retryAfter(email)]);
      const wait = Math.max(waitPair, waitAddress, waitAccount);
      if (wait > 0) {
        const scope = waitPair ? 'account_on_address' : waitAddress ? 'address' : 'account';
        await audit.record({ action: 'auth.login.throttled', outcome: 'denied', tenantId, actorEmail, details: { via, scope, retry_after_s: wait } }, ctx);
        return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
      }

      const session = await auth.signIn(email, password, client);
      if (!session) {
        const [afterPair, afterAddress, afterAccount] = await Promise.all([accountOnAddress.hit(pairKey), address.hit(client.ip), account.hit(email)]);
        const known = actorEmail ? await auth.users.findByEmail(email) : null;
        await audit.record(
          {
            action: 'auth.login',
            outcome: 'failure',
            tenantId,
            actorUserId: known?.id ?? null,
            actorEmail,
            details: { via, reason: 'invalid_credentials', now_waiting: Math.max(afterPair, afterAddress, afterAccount) > 0 },
          },
          ctx,
        );
        return { ok: false, reason: 'invalid' };
      }
      if (session.user.disabled) {
        // The password was right, but an operator disabled the account: same answer as a wrong password.
        await auth.revokeSession(session.sessionId);
        await audit.record({ action: 'auth.login', outcome: 'denied', tenantId, actorUserId: session.user.id, actorEmail: session.user.email, details: { via, reason: 'account_disabled' } }, ctx);
        return { ok: false, reason: 'invalid' };
      }
      await accountOnAddress.reset(pairKey);
      await audit.record(
        { action: 'auth.login', tenantId, actorUserId: session.user.id, actorEmail: session.user.email, target: { type: 'session', id: session.sessionId }, details: { via, method: 'password' } },
        ctx,
      );
      return { ok: true, session };
    },

    /** Checks a second-factor code for an account, within the per-account limit of wrong codes. */
    async secondFactor(userId: string, code: string, sessionId: string | null = null): Promise<SecondFactorResult> {
      const wait = await wrongCodes.retryAfter(userId);
      if (wait > 0) return { ok: false, retryAfterSeconds: wait };
      const result = await auth.mfa.checkCode(userId, code, sessionId);
      if (result.ok) {
        await wrongCodes.reset(userId);
        return result;
      }
      return { ok: false, retryAfterSeconds: await wrongCodes.hit(userId) };
    },

    /** After the owner proved control of the account (password reset): lift the account-wide wait. */
    async clearAccountWait(email: string): Promise<void> {
      await account.reset(normalizeEmail(email));
    },
  };
}

export type PasswordLogin = ReturnType<typeof createPasswordLogin>;
