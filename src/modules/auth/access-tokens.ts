/**
 * JWT access tokens for the JSON API (`Authorization: Bearer`). EdDSA (Ed25519) with a key pair
 * derived from SECRET_KEY, so every process signs and verifies alike with nothing to store; the
 * public key is published as a JWKS (`/.well-known/jwks.json`) for services that verify tokens
 * themselves. Verification allows only EdDSA and this key id, and checks exp, nbf, iat, iss and aud.
 * Verified tokens are cached until they expire: signature checks dominate an API request's cost.
 */
import crypto from 'node:crypto';
import { calculateJwkThumbprint, SignJWT, jwtVerify, errors as joseErrors, type JWK } from 'jose';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
const ISSUER = 'saas-app';
const AUDIENCE = 'saas-app:api';
/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  expiresAt: number; // epoch seconds
}

export interface AccessTokens {
  issue(userId: string, sessionId: string): Promise<{ token: string; expiresIn: number }>;
  /** Null for any invalid, expired or tampered token. */
  verify(token: string): Promise<AccessTokenClaims | null>;
  /** The public keys, as a JSON Web Key Set. */
  jwks(): Promise<{ keys: JWK[] }>;
}

export function createAccessTokens(secretKey: string, now: () => number = Date.now): AccessTokens {
  // A separate key per purpose: the raw SECRET_KEY also signs cookies.
  const seed = Buffer.from(crypto.hkdfSync('sha256', secretKey, 'saas-app', 'jwt-access-token-ed25519-v1', 32));
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = crypto.createPublicKey(privateKey);
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  const keyId = calculateJwkThumbprint(publicJwk);
  const cache = new Map<string, AccessTokenClaims>();
  const CACHE_MAX = 10_000;

  return {
    async issue(userId, sessionId) {
      const iat = Math.floor(now() / 1000);
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: await keyId, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
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
        const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(now()),
          requiredClaims: ['sub', 'exp', 'nbf', 'iat'],
        });
        if (protectedHeader.kid !== (await keyId)) return null;
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
    async jwks() {
      return { keys: [{ ...publicJwk, kid: await keyId, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }] };
    },
  };
}
