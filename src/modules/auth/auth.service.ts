/**
 * Identity: sign-in, sessions, sign-out, subdomain hand-off and API access tokens.
 * better-auth does the session work (creation, signed cookies, lookup, revocation); we call it
 * server-side from our own routes and never mount its HTTP handler, so every auth endpoint is ours,
 * documented and protected by the same CSRF, rate-limit and error rules as the rest of the app.
 */
import { eq } from 'drizzle-orm';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { isAPIError } from 'better-auth/api';
import { oneTimeToken } from 'better-auth/plugins/one-time-token';
import type { Logger } from 'pino';
import type { AppConfig } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';
import { createAccessTokens } from './access-tokens.js';
import { accounts, sessions, users, verifications } from './auth.tables.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js';
import { createUsersRepository } from './users.repository.js';

export const SESSION_TTL_SECONDS = 7 * 24 * 3600;
export const SESSION_REFRESH_AGE_SECONDS = 24 * 3600;
export const HANDOFF_TTL_MINUTES = 1;

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isSuperAdmin: boolean;
}

export interface SignInResult {
  user: SessionUser;
  sessionId: string;
  /** Set-Cookie values establishing the session on the host that receives them. */
  setCookies: string[];
  /** `name=value` of the session cookie, to act as that session server-side (hand-off). */
  sessionCookie: string;
}

function toSessionUser(user: { id: string; email: string; name: string; isSuperAdmin?: unknown }): SessionUser {
  return { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.isSuperAdmin === true };
}

function clientHeaders(client: ClientInfo, extra: Record<string, string> = {}): Headers {
  return new Headers({ 'x-forwarded-for': client.ip, 'user-agent': client.userAgent, ...extra });
}

export function createAuthService(deps: { config: AppConfig; database: Database; log: Logger }) {
  const { config } = deps;
  const users$ = createUsersRepository(deps.database.db);
  const secure = config.publicUrl.protocol === 'https:';

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
    },
    user: { additionalFields: { isSuperAdmin: { type: 'boolean', defaultValue: false, input: false } } },
    session: { expiresIn: SESSION_TTL_SECONDS, updateAge: SESSION_REFRESH_AGE_SECONDS },
    advanced: {
      database: { generateId: 'uuid' },
      cookiePrefix: 'saas',
      useSecureCookies: secure,
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true, secure, path: '/' },
      ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
    },
    plugins: [oneTimeToken({ expiresIn: HANDOFF_TTL_MINUTES, storeToken: 'hashed', disableClientRequest: true })],
    logger: {
      level: 'warn',
      // Its warnings are per failed login ("User not found"): debug detail, not operator news.
      log: (level, message, ...args) => deps.log[level === 'error' ? 'error' : 'debug']({ args }, `auth: ${message}`),
    },
  });

  const accessTokens = createAccessTokens(config.secretKey);

  const readSetCookies = (headers: Headers) => headers.getSetCookie();
  const sessionCookiePair = (setCookies: string[]) => {
    const cookie = setCookies.find((c) => c.includes('session_token='));
    return cookie ? cookie.split(';', 1)[0]! : '';
  };

  return {
    hashPassword,
    verifyPassword,
    users: users$,
    accessTokens,

    /** Checks email + password and opens a session. Null for any failure: callers show one generic message. */
    async signIn(email: string, password: string, client: ClientInfo): Promise<SignInResult | null> {
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

    /** The session behind a request's cookies, or null. */
    async getSession(cookieHeader: string | undefined): Promise<{ user: SessionUser; sessionId: string } | null> {
      if (!cookieHeader || !cookieHeader.includes('session_token')) return null;
      const result = await auth.api.getSession({ headers: new Headers({ cookie: cookieHeader }) });
      if (!result) return null;
      return { user: toSessionUser(result.user), sessionId: result.session.id };
    },

    /** Ends the session server-side; returns the Set-Cookie values that clear it in the browser. */
    async signOut(cookieHeader: string | undefined): Promise<string[]> {
      if (!cookieHeader) return [];
      try {
        const { headers } = await auth.api.signOut({ headers: new Headers({ cookie: cookieHeader }), returnHeaders: true });
        return readSetCookies(headers);
      } catch (err) {
        if (isAPIError(err)) return [];
        throw err;
      }
    },

    /** Ends a session by id (bearer logout). */
    async revokeSession(sessionId: string): Promise<void> {
      const ctx = await auth.$context;
      const rows = await deps.database.db.select({ token: sessions.token }).from(sessions).where(eq(sessions.id, sessionId));
      for (const row of rows) await ctx.internalAdapter.deleteSession(row.token);
    },

    /**
     * A single-use token (hashed at rest, valid one minute) that carries a session to another host:
     * cookies stay host-only, so moving from the root site to a tenant subdomain goes through it.
     */
    async createHandoffToken(sessionCookie: string): Promise<string> {
      const { token } = await auth.api.generateOneTimeToken({ headers: new Headers({ cookie: sessionCookie }) });
      return token;
    },

    /** Redeems a hand-off token; returns Set-Cookie values for the current host, or null if invalid/used/expired. */
    async redeemHandoffToken(token: string): Promise<{ setCookies: string[]; userId: string } | null> {
      try {
        const { headers, response } = await auth.api.verifyOneTimeToken({ body: { token }, returnHeaders: true });
        return { setCookies: readSetCookies(headers), userId: (response as { user: { id: string } }).user.id };
      } catch (err) {
        if (isAPIError(err)) return null;
        throw err;
      }
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
