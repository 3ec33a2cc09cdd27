/**
 * Identity: sign-in, sessions, sign-out, subdomain hand-off and API access tokens.
 * better-auth does the session work (creation, signed cookies, lookup, revocation); we call it
 * server-side from our own routes and never mount its HTTP handler, so every auth endpoint is ours,
 * documented and protected by the same CSRF, rate-limit and error rules as the rest of the app.
 */
import { and, desc, eq, gt } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import type { AppConfig } from '../../platform/config.js';
import { UUID_RE, type Database } from '../../platform/db/database.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import type { Cache } from '../../platform/cache/cache.js';
import type { EmailSender, SendTemplateEmailInput } from '../email/index.js';
import { createEmailChangeTokens, EMAIL_CHANGE_TTL_SECONDS } from './email-change-tokens.js';
import { createRefreshTokens } from './refresh-tokens.js';
import { createMfa } from './mfa.js';
import { createOAuth } from './oauth.js';
import { createLocalMemo } from '../../platform/cache/local-memo.js';
import { ACCESS_TOKEN_TTL_SECONDS, createAccessTokens } from './access-tokens.js';
import { accounts, sessions, users, verifications } from './auth.tables.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js';
import { createUsersRepository, normalizeEmail } from './users.repository.js';

/** Idle timeout: a session unused this long expires (each day of use extends it). */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;
/** Absolute timeout: however active, a session ends this long after sign-in. */
export const SESSION_ABSOLUTE_TTL_SECONDS = 30 * 24 * 3600;
export const SESSION_REFRESH_AGE_SECONDS = 24 * 3600;
export const HANDOFF_TTL_MINUTES = 1;
/** An email verification link works this long (it can be asked for again). */
export const VERIFY_EMAIL_TTL_SECONDS = 24 * 3600;
/** A password reset link works this long, once. */
export const RESET_TOKEN_TTL_SECONDS = 30 * 60;
/**
 * How long one process trusts what it learnt about a session (valid, or not revoked) before asking
 * again. A session ended in another process stops working there within this time; in the process
 * that ended it, at once.
 */
export const SESSION_LOCAL_CACHE_MS = 5000;

const revokedKey = (sessionId: string) => `revoked-session:${sessionId}`;

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isSuperAdmin: boolean;
  emailVerified: boolean;
  disabled: boolean;
}

export interface SessionInfo {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** Refreshed at most once a day (when the session is extended): "last active", to the day. */
  updatedAt: Date;
  expiresAt: Date;
}

export interface SignInResult {
  user: SessionUser;
  sessionId: string;
  /** Set-Cookie values establishing the session on the host that receives them. */
  setCookies: string[];
  /** `name=value` of the session cookie, to act as that session server-side (hand-off). */
  sessionCookie: string;
}

function toSessionUser(user: { id: string; email: string; name: string; isSuperAdmin?: unknown; emailVerified?: unknown; disabledAt?: unknown }): SessionUser {
  return { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.isSuperAdmin === true, emailVerified: user.emailVerified === true, disabled: Boolean(user.disabledAt) };
}

function clientHeaders(client: ClientInfo, extra: Record<string, string> = {}): Headers {
  return new Headers({ 'x-forwarded-for': client.ip, 'user-agent': client.userAgent, ...extra });
}

export function createAuthService(deps: { config: AppConfig; database: Database; cache: Cache; log: Logger }, email: EmailSender) {
  const { config } = deps;
  const users$ = createUsersRepository(deps.database.db);
  const secure = config.publicUrl.protocol === 'https:';

  /**
   * better-auth is the heaviest module of the app (~0.7 s to load): it is loaded on first use, and
   * warmed right after the server listens, so it never delays start-up or bearer-token requests.
   */
  async function createLibrary() {
    const [{ betterAuth }, { drizzleAdapter }, { isAPIError, createAuthEndpoint }, { oneTimeToken }, { setSessionCookie }] = await Promise.all([
      import('better-auth'),
      import('better-auth/adapters/drizzle'),
      import('better-auth/api'),
      import('better-auth/plugins/one-time-token'),
      import('better-auth/cookies'),
    ]);
    /**
     * Opens a session for a user whose identity was proved another way (a passkey, an OAuth
     * provider): the library's own session row and signed cookie. Server-only: the library's HTTP
     * handler is never mounted, and the endpoint refuses a request that came from outside anyway.
     */
    const sessionIssuer = {
      id: 'session-issuer',
      endpoints: {
        issueSession: createAuthEndpoint('/session-issuer/issue', { method: 'POST', metadata: { SERVER_ONLY: true } }, async (c) => {
          if (c.request) throw c.error('NOT_FOUND');
          const { userId } = c.body as { userId: string };
          const user = await c.context.internalAdapter.findUserById(userId);
          if (!user) throw c.error('NOT_FOUND');
          const session = await c.context.internalAdapter.createSession(userId);
          await setSessionCookie(c, { session, user });
          return c.json({ token: session.token, sessionId: session.id, user });
        }),
      },
    };
    const auth = betterAuth({
      appName: 'SaaS App',
      baseURL: config.publicUrl.origin,
      basePath: '/auth',
      secret: config.secretKey,
      telemetry: { enabled: false },
      database: drizzleAdapter(deps.database.db, {
        provider: 'pg',
        schema: { user: users, session: sessions, account: accounts, verification: verifications },
      }),
      emailAndPassword: {
        enabled: true,
        minPasswordLength: PASSWORD_MIN_LENGTH,
        maxPasswordLength: PASSWORD_MAX_LENGTH,
        password: { hash: hashPassword, verify: ({ hash, password }) => verifyPassword(hash, password) },
        resetPasswordTokenExpiresIn: RESET_TOKEN_TTL_SECONDS,
        // The link is built from PUBLIC_URL, never from the request's Host. Sending is not awaited, so
        // the answer takes as long for an unknown email (no message) as for a known one.
        sendResetPassword: async ({ user, token }) => {
          const link = `${config.publicUrl.origin}/reset-password?token=${encodeURIComponent(token)}`;
          const context = { name: user.name, email: user.email, link, validMinutes: RESET_TOKEN_TTL_SECONDS / 60 };
          sendMail({ to: user.email, template: 'password-reset', context, userId: user.id }, 'password reset');
        },
      },
      emailVerification: {
        expiresIn: VERIFY_EMAIL_TTL_SECONDS,
        sendOnSignUp: false, // sign-up is ours (tenant + owner in one transaction); it asks for the email itself
        autoSignInAfterVerification: false,
        sendVerificationEmail: async ({ user, token }) => {
          const link = `${config.publicUrl.origin}/verify-email?token=${encodeURIComponent(token)}`;
          const context = { name: user.name, email: user.email, link, validHours: VERIFY_EMAIL_TTL_SECONDS / 3600 };
          sendMail({ to: user.email, template: 'verify-email', context, userId: user.id }, 'verification');
        },
      },
      // Reset tokens and other one-time identifiers are stored as SHA-256 hashes: a copy of the
      // database does not hold a usable link.
      verification: { storeIdentifier: 'hashed' },
      user: {
        additionalFields: {
          isSuperAdmin: { type: 'boolean', defaultValue: false, input: false },
          disabledAt: { type: 'date', required: false, input: false },
        },
      },
      session: { expiresIn: SESSION_TTL_SECONDS, updateAge: SESSION_REFRESH_AGE_SECONDS },
      advanced: {
        database: { generateId: 'uuid' },
        cookiePrefix: 'saas',
        useSecureCookies: secure,
        defaultCookieAttributes: { sameSite: 'lax', httpOnly: true, secure, path: '/' },
        ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
      },
      plugins: [oneTimeToken({ expiresIn: HANDOFF_TTL_MINUTES, storeToken: 'hashed', disableClientRequest: true }), sessionIssuer],
      logger: {
        level: 'warn',
        // Its warnings are per failed login ("User not found"): debug detail, not operator news.
        log: (level, message, ...args) => deps.log[level === 'error' ? 'error' : 'debug']({ args }, `auth: ${message}`),
      },
    });
    return { auth, isAPIError };
  }
  let library: ReturnType<typeof createLibrary> | null = null;
  const lib = () => (library ??= createLibrary());
  /** Queues a message (stored and relayed to the email queue); not awaited by the answer, a failure is logged. */
  function sendMail<Id extends Parameters<EmailSender['sendTemplateEmail']>[0]['template']>(input: SendTemplateEmailInput<Id>, what: string) {
    void email.sendTemplateEmail(input).catch((err: unknown) => deps.log.error({ err }, `${what} email could not be queued`));
  }

  const accessTokens = createAccessTokens(config.secretKey);
  const emailChanges = createEmailChangeTokens(config.secretKey);
  const mfa = createMfa({ database: deps.database, secretKey: config.secretKey });
  const oauth = createOAuth({ config, cache: deps.cache, database: deps.database, log: deps.log });
  const refreshTokens = createRefreshTokens({ database: deps.database, absoluteSessionTtlSeconds: SESSION_ABSOLUTE_TTL_SECONDS });
  const localSessions = createLocalMemo<{ user: SessionUser; sessionId: string; mfaPending: boolean } | null>(SESSION_LOCAL_CACHE_MS);
  const localRevoked = createLocalMemo<boolean>(SESSION_LOCAL_CACHE_MS);
  const sessionCookieValue = (cookieHeader: string) => /(?:^|;\s*)(?:__Secure-)?saas\.session_token=([^;]+)/.exec(cookieHeader)?.[1];

  const readSetCookies = (headers: Headers) => headers.getSetCookie();
  const sessionCookiePair = (setCookies: string[]) => {
    const cookie = setCookies.find((c) => c.includes('session_token='));
    return cookie ? cookie.split(';', 1)[0]! : '';
  };

  const service = {
    hashPassword,
    verifyPassword,
    users: users$,
    accessTokens,
    refreshTokens,
    mfa,
    oauth,

    /** Loads the auth library in the background (called once the server listens). */
    warmUp(): void {
      lib().catch((err) => deps.log.error({ err }, 'auth library failed to load'));
    },

    /** Checks email + password and opens a session. Null for any failure: callers show one generic message. */
    async signIn(email: string, password: string, client: ClientInfo): Promise<SignInResult | null> {
      const { auth, isAPIError } = await lib();
      try {
        const { headers, response } = await auth.api.signInEmail({
          body: { email: email.trim().toLowerCase(), password },
          headers: clientHeaders(client),
          returnHeaders: true,
        });
        const setCookies = readSetCookies(headers);
        const ctx = await auth.$context;
        const found = await ctx.internalAdapter.findSession(response.token);
        if (!found) return null;
        return { user: toSessionUser(response.user), sessionId: found.session.id, setCookies, sessionCookie: sessionCookiePair(setCookies) };
      } catch (err) {
        if (isAPIError(err) && (err.statusCode === 401 || err.statusCode === 400 || err.statusCode === 403)) return null;
        throw err;
      }
    },

    /**
     * Opens a session for a user who proved who they are without a password (a passkey, an OAuth
     * provider). The caller has checked that the account may sign in (not disabled) and decides
     * whether a second factor is still due (`auth.mfa.markPending`).
     */
    async createSessionFor(userId: string, client: ClientInfo): Promise<SignInResult> {
      const { auth } = await lib();
      // The endpoint declares no body schema (the library's schemas are zod; ours are TypeBox), so its type says "no body".
      const issue = auth.api.issueSession as unknown as (input: { body: { userId: string }; headers: Headers; returnHeaders: true }) => Promise<{
        headers: Headers;
        response: { sessionId: string; user: Parameters<typeof toSessionUser>[0] };
      }>;
      const { headers, response } = await issue({ body: { userId }, headers: clientHeaders(client), returnHeaders: true });
      const setCookies = readSetCookies(headers);
      return { user: toSessionUser(response.user), sessionId: response.sessionId, setCookies, sessionCookie: sessionCookiePair(setCookies) };
    },

    /**
     * The session behind a request's cookies, or null. `mfaPending`: a password sign-in whose second
     * factor is still due; such a session opens nothing but the code page.
     */
    async getSession(cookieHeader: string | undefined): Promise<{ user: SessionUser; sessionId: string; mfaPending: boolean } | null> {
      const token = cookieHeader ? sessionCookieValue(cookieHeader) : undefined;
      if (!token) return null;
      const known = localSessions.get(token);
      if (known !== undefined) return known;
      const { auth } = await lib();
      const result = await auth.api.getSession({ headers: new Headers({ cookie: cookieHeader! }) });
      if (result && Date.now() - new Date(result.session.createdAt).getTime() > SESSION_ABSOLUTE_TTL_SECONDS * 1000) {
        await service.revokeSession(result.session.id);
        localSessions.set(token, null);
        return null;
      }
      const user = result ? toSessionUser(result.user) : null;
      const session = result && user && !user.disabled ? { user, sessionId: result.session.id, mfaPending: await mfa.isPending(result.session.id) } : null;
      localSessions.set(token, session);
      return session;
    },

    /** Mails a sign-in code (not awaited: the page answers at once). */
    async sendMfaCodeEmail(email: string, name: string, code: string): Promise<void> {
      sendMail({ to: email, template: 'mfa-code', context: { name, email, code, validMinutes: 10 } }, 'sign-in code');
    },

    /** The second factor was given: the session opens everything from now on (at once in this process). */
    async completeMfa(sessionId: string): Promise<void> {
      await mfa.completePending(sessionId);
      localSessions.clear();
    },

    /** Ends the session server-side; returns the Set-Cookie values that clear it in the browser. */
    async signOut(cookieHeader: string | undefined): Promise<string[]> {
      if (!cookieHeader) return [];
      const token = sessionCookieValue(cookieHeader);
      if (token) localSessions.delete(token);
      const { auth, isAPIError } = await lib();
      try {
        const { headers } = await auth.api.signOut({ headers: new Headers({ cookie: cookieHeader }), returnHeaders: true });
        return readSetCookies(headers);
      } catch (err) {
        if (isAPIError(err)) return [];
        throw err;
      }
    },

    /**
     * Ends a session by id (bearer logout). Its access tokens stop working: the id is remembered as
     * revoked in the shared cache until they would have expired anyway.
     */
    async revokeSession(sessionId: string): Promise<void> {
      const ctx = await (await lib()).auth.$context;
      const rows = await deps.database.db.select({ token: sessions.token }).from(sessions).where(eq(sessions.id, sessionId));
      for (const row of rows) await ctx.internalAdapter.deleteSession(row.token);
      await refreshTokens.revokeForSession(sessionId);
      localSessions.clear(); // cookie entries are keyed by token, not id: drop them all (cheap, rare)
      localRevoked.set(sessionId, true);
      await deps.cache.set(revokedKey(sessionId), '1', ACCESS_TOKEN_TTL_SECONDS);
    },

    /** Disables or re-enables an account (operators). Disabling ends every session and token at once. */
    async setDisabled(userId: string, disabled: boolean): Promise<void> {
      await deps.database.db.update(users).set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() }).where(eq(users.id, userId));
      if (disabled) await service.revokeAllSessions(userId);
      localSessions.clear();
    },

    /** Ends every session of a user but `keepSessionId` (password reset, changes, account disabled); their access tokens stop too. */
    async revokeAllSessions(userId: string, keepSessionId: string | null = null): Promise<number> {
      const rows = await deps.database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
      const ended = rows.filter((row) => row.id !== keepSessionId);
      for (const row of ended) await service.revokeSession(row.id);
      return ended.length;
    },

    /** The user's live sessions, most recently active first. */
    async listSessions(userId: string): Promise<SessionInfo[]> {
      const rows = await deps.database.db
        .select({ id: sessions.id, ipAddress: sessions.ipAddress, userAgent: sessions.userAgent, createdAt: sessions.createdAt, updatedAt: sessions.updatedAt, expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date())))
        .orderBy(desc(sessions.updatedAt));
      return rows;
    },

    /** Ends one of the user's own sessions; false when it is not theirs (or gone), which callers answer as "not found". */
    async revokeOwnSession(userId: string, sessionId: string): Promise<boolean> {
      if (!UUID_RE.test(sessionId)) return false;
      const [row] = await deps.database.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)));
      if (!row) return false;
      await service.revokeSession(row.id);
      return true;
    },

    /**
     * Changes the password of a signed-in user who typed the current one, and ends their other
     * sessions. Returns 'wrong_current' when the current password does not match.
     */
    async changePassword(userId: string, currentSessionId: string, currentPassword: string, newPassword: string): Promise<'changed' | 'wrong_current'> {
      if (!(await service.verifyCurrentPassword(userId, currentPassword))) return 'wrong_current';
      const ctx = await (await lib()).auth.$context;
      await ctx.internalAdapter.updatePassword(userId, await hashPassword(newPassword));
      await service.revokeAllSessions(userId, currentSessionId);
      return 'changed';
    },

    /**
     * Starts a password reset: mails a single-use link (hashed at rest, RESET_TOKEN_TTL_SECONDS) when
     * the email has an account; does the same work and answers the same way when it does not.
     */
    async requestPasswordReset(email: string, client: ClientInfo): Promise<void> {
      const { auth } = await lib();
      await auth.api.requestPasswordReset({ body: { email: normalizeEmail(email), redirectTo: '/reset-password' }, headers: clientHeaders(client) });
    },

    /** Mails a link that verifies the account's email address (nothing happens for unknown or verified addresses). */
    async sendVerificationEmail(email: string): Promise<void> {
      const { auth } = await lib();
      await auth.api.sendVerificationEmail({ body: { email: normalizeEmail(email) } });
    },

    /** Marks the address in a verification link as verified; the user's id, or null for an invalid or expired link. */
    async verifyEmail(token: string): Promise<{ userId: string; email: string } | null> {
      if (!token || token.length > 2000) return null;
      const { auth, isAPIError } = await lib();
      try {
        const result = (await auth.api.verifyEmail({ query: { token } })) as { status?: boolean } | null;
        if (result?.status !== true) return null;
      } catch (err) {
        if (isAPIError(err)) return null;
        throw err;
      }
      localSessions.clear(); // sessions hold emailVerified: drop what this process remembered
      // The library checked the signature and expiry; the payload names the address it confirmed.
      const { email } = decodeJwt(token) as { email?: string };
      const user = email ? await users$.findByEmail(email) : null;
      return user ? { userId: user.id, email: user.email } : null;
    },

    /** False for accounts made with a sign-in provider that never set a password. */
    async hasPassword(userId: string): Promise<boolean> {
      const [row] = await deps.database.db.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')));
      return Boolean(row);
    },

    /** True when `password` is the account's current password (fresh authentication for sensitive changes). */
    async verifyCurrentPassword(userId: string, password: string): Promise<boolean> {
      const ctx = await (await lib()).auth.$context;
      const account = (await ctx.internalAdapter.findAccounts(userId)).find((a) => a.providerId === 'credential');
      return Boolean(account?.password) && (await verifyPassword(account!.password!, password));
    },

    /**
     * Starts a change of email address for a user who typed their current password: mails a link to
     * the new address and a notice to the current one. 'wrong_current' for a wrong password;
     * 'taken' when another account has the address (the caller answers as if sent: no enumeration).
     */
    async requestEmailChange(userId: string, currentPassword: string, newEmailInput: string): Promise<'sent' | 'wrong_current' | 'taken'> {
      const user = await users$.findById(userId);
      if (!user || !(await service.verifyCurrentPassword(userId, currentPassword))) return 'wrong_current';
      const newEmail = normalizeEmail(newEmailInput);
      if (await users$.findByEmail(newEmail)) return 'taken';
      const token = await emailChanges.issue({ userId, from: user.email, to: newEmail });
      const link = `${config.publicUrl.origin}/confirm-email-change?token=${encodeURIComponent(token)}`;
      sendMail({ to: newEmail, template: 'email-change-confirm', context: { name: user.name, newEmail, link, validHours: EMAIL_CHANGE_TTL_SECONDS / 3600 } }, 'email change confirmation');
      const resetLink = `${config.publicUrl.origin}/forgot-password`;
      sendMail({ to: user.email, template: 'email-change-notice', context: { name: user.name, email: user.email, newEmail, done: false, resetLink }, userId }, 'email change notice');
      return 'sent';
    },

    /** Applies a confirmed change of address; the change, or null for an invalid, expired, used or conflicting link. */
    async confirmEmailChange(token: string): Promise<{ userId: string; from: string; to: string } | null> {
      const claims = token.length <= 2000 ? await emailChanges.verify(token) : null;
      if (!claims) return null;
      let changed = false;
      try {
        changed = await users$.changeEmail(claims.userId, claims.from, claims.to);
      } catch (err) {
        if (uniqueViolation(err) !== null) return null; // another account took the address meanwhile
        throw err;
      }
      if (!changed) return null;
      localSessions.clear(); // sessions carry the email: drop what this process remembered
      const user = await users$.findById(claims.userId);
      const resetLink = `${config.publicUrl.origin}/forgot-password`;
      sendMail({ to: claims.from, template: 'email-change-notice', context: { name: user?.name ?? '', email: claims.from, newEmail: claims.to, done: true, resetLink } }, 'email changed notice');
      return claims;
    },

    /**
     * Deletes an account: sessions, tokens, credentials and memberships go with it (foreign keys
     * cascade). The caller has checked the password and the ownership rules. Audit events stay.
     */
    async deleteAccount(userId: string): Promise<'deleted' | 'not_found'> {
      const user = await users$.findById(userId);
      if (!user) return 'not_found';
      await service.revokeAllSessions(userId);
      await deps.database.db.delete(users).where(eq(users.id, userId));
      localSessions.clear();
      sendMail({ to: user.email, template: 'account-deleted', context: { name: user.name, email: user.email } }, 'account deleted');
      return 'deleted';
    },

    /** The user a reset token belongs to, when it is valid (not used, not expired); does not use it. */
    async peekResetToken(token: string): Promise<string | null> {
      if (!/^[A-Za-z0-9]{10,100}$/.test(token)) return null;
      const ctx = await (await lib()).auth.$context;
      const found = await ctx.internalAdapter.findVerificationValue(`reset-password:${token}`);
      return found && found.expiresAt > new Date() ? found.value : null;
    },

    /**
     * Sets a new password with a reset token (used up, whatever happens next) and ends every session
     * of the account. Returns the user's id, or null when the token is invalid, used or expired.
     * Does not sign in: the user signs in with the new password (and any second factor).
     */
    async resetPassword(token: string, newPassword: string): Promise<string | null> {
      const userId = await service.peekResetToken(token);
      if (!userId) return null;
      const { auth, isAPIError } = await lib();
      try {
        await auth.api.resetPassword({ body: { token, newPassword } });
      } catch (err) {
        if (isAPIError(err) && err.statusCode === 400) return null; // used by a concurrent request a moment ago
        throw err;
      }
      await service.revokeAllSessions(userId);
      return userId;
    },

    /** True when the session behind an access token was ended by a logout. */
    async isSessionRevoked(sessionId: string): Promise<boolean> {
      const known = localRevoked.get(sessionId);
      if (known !== undefined) return known;
      const revoked = (await deps.cache.get(revokedKey(sessionId))) !== null;
      localRevoked.set(sessionId, revoked);
      return revoked;
    },

    /**
     * A single-use token (hashed at rest, valid one minute) that carries a session to another host:
     * cookies stay host-only, so moving from the root site to a tenant subdomain goes through it.
     */
    async createHandoffToken(sessionCookie: string): Promise<string> {
      const { auth } = await lib();
      const { token } = await auth.api.generateOneTimeToken({ headers: new Headers({ cookie: sessionCookie }) });
      return token;
    },

    /** Redeems a hand-off token; returns Set-Cookie values for the current host, or null if invalid/used/expired. */
    async redeemHandoffToken(token: string): Promise<{ setCookies: string[]; userId: string } | null> {
      const { auth, isAPIError } = await lib();
      try {
        const { headers, response } = await auth.api.verifyOneTimeToken({ body: { token }, returnHeaders: true });
        return { setCookies: readSetCookies(headers), userId: (response as { user: { id: string } }).user.id };
      } catch (err) {
        if (isAPIError(err)) return null;
        throw err;
      }
    },
  };
  return service;
}

export type AuthService = ReturnType<typeof createAuthService>;
