/**
 * Links that confirm a change of email address: a JWT (HS256, key derived from SECRET_KEY for this
 * purpose only) naming the user, the current address and the new one, valid 24 hours. It works once
 * in effect: applying it requires the account to still have the old address.
 */
import crypto from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';

export const EMAIL_CHANGE_TTL_SECONDS = 24 * 3600;
const AUDIENCE = 'saas-app:email-change';

export interface EmailChangeClaims {
  userId: string;
  from: string;
  to: string;
}

export function createEmailChangeTokens(secretKey: string) {
  const key = crypto.createSecretKey(Buffer.from(crypto.hkdfSync('sha256', secretKey, 'saas-app', 'email-change-v1', 32)));
  return {
    async issue(claims: EmailChangeClaims): Promise<string> {
      return new SignJWT({ from: claims.from, to: claims.to })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.userId)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${EMAIL_CHANGE_TTL_SECONDS}s`)
        .sign(key);
    },
    async verify(token: string): Promise<EmailChangeClaims | null> {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: AUDIENCE, requiredClaims: ['sub', 'exp'] });
        if (typeof payload.sub !== 'string' || typeof payload.from !== 'string' || typeof payload.to !== 'string') return null;
        return { userId: payload.sub, from: payload.from, to: payload.to };
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}
