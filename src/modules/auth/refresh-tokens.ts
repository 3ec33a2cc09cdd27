/**
 * Rotating refresh tokens for API clients. A token is 32 random bytes (base64url), stored as its
 * SHA-256 hash; it renews its session's access token once and is replaced by the next token of its
 * family. Presenting a used token again means someone copied it: the family and the session end,
 * so both the thief and the client must sign in again.
 */
import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { refreshTokens, sessions } from './auth.tables.js';

/** How long a refresh token works if unused; each refresh issues a new one (never past the session's absolute end). */
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export type RotateResult =
  | { ok: true; userId: string; sessionId: string; refreshToken: string; refreshExpiresIn: number }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'session_ended' }
  | { ok: false; reason: 'reused'; userId: string; sessionId: string; familyId: string };

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function createRefreshTokens(deps: { database: Database; absoluteSessionTtlSeconds: number; now?: () => number }) {
  const { db } = deps.database;
  const now = deps.now ?? Date.now;

  /** The new token's expiry: the idle lifetime, capped at the session's absolute end. */
  const expiryFor = (sessionCreatedAt: Date) => new Date(Math.min(now() + REFRESH_TOKEN_TTL_SECONDS * 1000, sessionCreatedAt.getTime() + deps.absoluteSessionTtlSeconds * 1000));

  async function insert(input: { familyId: string; userId: string; sessionId: string; expiresAt: Date }) {
    const token = crypto.randomBytes(32).toString('base64url');
    await db.insert(refreshTokens).values({ ...input, tokenHash: hash(token) });
    return { token, expiresIn: Math.max(0, Math.floor((input.expiresAt.getTime() - now()) / 1000)) };
  }

  const service = {
    /** Starts a family for a new session (token sign-in). */
    async issue(userId: string, sessionId: string): Promise<{ token: string; expiresIn: number }> {
      const [session] = await db.select({ createdAt: sessions.createdAt }).from(sessions).where(eq(sessions.id, sessionId));
      return insert({ familyId: crypto.randomUUID(), userId, sessionId, expiresAt: expiryFor(session?.createdAt ?? new Date(now())) });
    },

    /** Uses a refresh token: the next one of its family, or why not. */
    async rotate(token: string): Promise<RotateResult> {
      if (!TOKEN_RE.test(token)) return { ok: false, reason: 'unknown' };
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash(token)));
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.revokedAt) return { ok: false, reason: 'revoked' };
      // Claimed atomically: of two requests with one token, one wins and the other is a reuse.
      const claimed = await db
        .update(refreshTokens)
        .set({ usedAt: new Date(now()) })
        .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      if (claimed.length === 0) {
        await service.revokeFamily(row.familyId);
        return { ok: false, reason: 'reused', userId: row.userId, sessionId: row.sessionId, familyId: row.familyId };
      }
      if (row.expiresAt.getTime() <= now()) return { ok: false, reason: 'expired' };
      const [session] = await db.select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.id, row.sessionId));
      if (!session || session.expiresAt.getTime() <= now() || now() - session.createdAt.getTime() > deps.absoluteSessionTtlSeconds * 1000) {
        await service.revokeFamily(row.familyId);
        return { ok: false, reason: 'session_ended' };
      }
      const expiresAt = expiryFor(session.createdAt);
      // An API client that keeps refreshing keeps its session alive, as a browser does by visiting.
      await db.update(sessions).set({ expiresAt: sql`greatest(${sessions.expiresAt}, ${expiresAt.toISOString()}::timestamptz)` }).where(eq(sessions.id, row.sessionId));
      const next = await insert({ familyId: row.familyId, userId: row.userId, sessionId: row.sessionId, expiresAt });
      return { ok: true, userId: row.userId, sessionId: row.sessionId, refreshToken: next.token, refreshExpiresIn: next.expiresIn };
    },

    async revokeFamily(familyId: string): Promise<void> {
      await db.update(refreshTokens).set({ revokedAt: new Date(now()) }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    },

    /** Every family renewing `sessionId` (the session ended). */
    async revokeForSession(sessionId: string): Promise<void> {
      await db.update(refreshTokens).set({ revokedAt: new Date(now()) }).where(and(eq(refreshTokens.sessionId, sessionId), isNull(refreshTokens.revokedAt)));
    },
  };
  return service;
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
