/**
 * JWT access tokens for the JSON API (`Authorization: Bearer`). HS256 with a key derived from SECRET_KEY
 * and imported once; verification pins the algorithm, issuer and audience. Verified tokens are cached
 * until they expire, because signature checks dominate the cost of an API request.
 */
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = 'HS256';
const ISSUER = 'saas-app';
const AUDIENCE = 'saas-app:api';

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  expiresAt: number; // epoch seconds
}

export interface AccessTokens {
  issue(userId: string, sessionId: string): Promise<{ token: string; expiresIn: number }>;
  /** Null for any invalid, expired or tampered token. */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

export function createAccessTokens(secretKey: string, now: () => number = Date.now): AccessTokens {
  // A separate key per purpose: the raw SECRET_KEY also signs cookies.
  const raw = crypto.hkdfSync('sha256', secretKey, 'saas-app', 'jwt-access-token-v1', 32);
  const key = crypto.createSecretKey(Buffer.from(raw));
  const keyId = crypto.createHash('sha256').update(Buffer.from(raw)).digest('base64url').slice(0, 8);
  const cache = new Map<string, AccessTokenClaims>();
  const CACHE_MAX = 10_000;

  return {
    async issue(userId, sessionId) {
      const iat = Math.floor(now() / 1000);
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, kid: keyId, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
        .setJti(crypto.randomUUID())
        .sign(key);
      return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
    },
    async verify(token) {
      const cached = cache.get(token);
      const nowSeconds = Math.floor(now() / 1000);
      if (cached) {
        if (cached.expiresAt > nowSeconds) return cached;
        cache.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(now()),
          requiredClaims: ['sub', 'exp', 'nbf', 'iat'],
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') return null;
        const claims = { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp };
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
        cache.set(token, claims);
        return claims;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}
