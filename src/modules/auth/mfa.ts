/**
 * Two-factor authentication with an authenticator app (TOTP, RFC 6238: 30-second steps, 6 digits,
 * one step of drift either way, each code accepted once) and ten single-use backup codes.
 *
 * Secrets are encrypted (AES-256-GCM) and backup codes hashed (HMAC-SHA-256), each with a key derived
 * from SECRET_KEY for that purpose. A password sign-in of an account with MFA leaves its session
 * "pending" (`mfa_pending`) until a code is given: such a session opens nothing but the code page,
 * dies after 10 minutes or 5 wrong codes, and cannot be skipped by calling later pages directly.
 * Codes by text message (phone numbers, sending, limits) are in mfa-sms.ts; `checkCode` accepts them.
 */
import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import { renderSVG } from 'uqr';
import type { Database } from '../../platform/db/database.js';
import { rowsOf } from '../../platform/db/migrations.js';
import { mfaBackupCodes, mfaPending, mfaPhones, mfaTotp, passkeys } from './auth.tables.js';
import { createSmsCodes } from './mfa-sms.js';

export const MFA_CHALLENGE_TTL_SECONDS = 10 * 60;
export const MFA_MAX_ATTEMPTS = 5;
export const BACKUP_CODE_COUNT = 10;
/** Codes mailed for one sign-in: at most this many, each valid this long (never past the challenge). */
export const MAX_EMAIL_CODES = 3;
export const EMAIL_CODE_TTL_SECONDS = 10 * 60;
const TOTP_PERIOD = 30;
/** Crockford-style alphabet: no 0/O, 1/I/L confusion when typed from paper. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const ISSUER = 'SaaS App';

export interface MfaStatus {
  /** An authenticator app is set up. */
  totp: boolean;
  /** The verified phone for text-message codes (E.164), or null. */
  smsPhone: string | null;
  /** A number added but not confirmed yet (not a second factor), or null. */
  smsPendingPhone: string | null;
  /** Registered passkeys (each also works as a second factor). */
  passkeys: number;
  backupCodesLeft: number;
}

export type CodeCheck = { ok: true; method: 'totp' | 'backup_code' | 'email_code' | 'sms_code' } | { ok: false };

export function createMfa(deps: { database: Database; secretKey: string; now?: () => number }) {
  const { db } = deps.database;
  const now = deps.now ?? Date.now;
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', deps.secretKey, 'saas-app', info, 32));
  const encryptionKey = derive('mfa-totp-secret-v1');
  const backupKey = derive('mfa-backup-codes-v1');
  const emailCodeKey = derive('mfa-email-codes-v1');
  /** Bound to the sign-in: the session id is part of what is hashed. */
  const hashEmailCode = (sessionId: string, code: string) => crypto.createHmac('sha256', emailCodeKey).update(`${sessionId}:${code}`).digest('base64url');
  const smsCodes = createSmsCodes({ db, secretKey: deps.secretKey });

  const encrypt = (plain: string) => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  };
  const decrypt = (sealed: string) => {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = crypto.createDecipheriv('aes-256-gcm', encryptionKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  };
  const normalizeBackupCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const hashBackupCode = (code: string) => crypto.createHmac('sha256', backupKey).update(normalizeBackupCode(code)).digest('base64url');
  const newBackupCode = () => {
    const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  };

  async function replaceBackupCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
    await db.transaction(async (tx) => {
      await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
      await tx.insert(mfaBackupCodes).values(codes.map((code) => ({ userId, codeHash: hashBackupCode(code) })));
    });
    return codes;
  }

  /** A TOTP code for `userId`'s confirmed (or, with `pending`, unconfirmed) secret; records the step so it never works twice. */
  async function checkTotp(userId: string, code: string, pending = false): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const [row] = await db.select().from(mfaTotp).where(eq(mfaTotp.userId, userId));
    if (!row || (pending ? row.confirmedAt !== null : row.confirmedAt === null)) return false;
    const epoch = Math.floor(now() / 1000);
    const result = await verify({
      secret: decrypt(row.secretEncrypted),
      token: code,
      epoch,
      epochTolerance: TOTP_PERIOD,
      ...(row.lastUsedStep !== null ? { afterTimeStep: row.lastUsedStep } : {}),
    });
    if (!result.valid) return false;
    const step = Math.floor(epoch / TOTP_PERIOD) + result.delta;
    // Claimed atomically: two requests with one code, one wins.
    const claimed = await db
      .update(mfaTotp)
      .set({ lastUsedStep: step })
      .where(and(eq(mfaTotp.userId, userId), sql`coalesce(${mfaTotp.lastUsedStep}, -1) < ${step}`))
      .returning({ userId: mfaTotp.userId });
    return claimed.length === 1;
  }

  async function useBackupCode(userId: string, code: string): Promise<boolean> {
    if (normalizeBackupCode(code).length !== 10) return false;
    const used = await db
      .update(mfaBackupCodes)
      .set({ usedAt: new Date(now()) })
      .where(and(eq(mfaBackupCodes.userId, userId), eq(mfaBackupCodes.codeHash, hashBackupCode(code)), isNull(mfaBackupCodes.usedAt)))
      .returning({ id: mfaBackupCodes.id });
    return used.length === 1;
  }

  async function useEmailCode(sessionId: string, code: string): Promise<boolean> {
    const used = await db
      .update(mfaPending)
      .set({ emailCodeHash: null, emailCodeExpiresAt: null })
      .where(and(eq(mfaPending.sessionId, sessionId), eq(mfaPending.emailCodeHash, hashEmailCode(sessionId, code)), sql`${mfaPending.emailCodeExpiresAt} > now()`))
      .returning({ sessionId: mfaPending.sessionId });
    return used.length === 1;
  }

  const service = {
    async status(userId: string): Promise<MfaStatus> {
      const [row] = rowsOf(
        await db.execute(sql`select
          exists (select 1 from ${mfaTotp} where ${mfaTotp.userId} = ${userId} and ${mfaTotp.confirmedAt} is not null) as totp,
          (select ${mfaPhones.phoneNumber} from ${mfaPhones} where ${mfaPhones.userId} = ${userId} and ${mfaPhones.verifiedAt} is not null) as sms_phone,
          (select ${mfaPhones.phoneNumber} from ${mfaPhones} where ${mfaPhones.userId} = ${userId} and ${mfaPhones.verifiedAt} is null) as sms_pending_phone,
          (select count(*)::int from ${passkeys} where ${passkeys.userId} = ${userId}) as passkeys,
          (select count(*)::int from ${mfaBackupCodes} where ${mfaBackupCodes.userId} = ${userId} and ${mfaBackupCodes.usedAt} is null) as backup_codes_left`),
      ) as { totp: boolean; sms_phone: string | null; sms_pending_phone: string | null; passkeys: number; backup_codes_left: number }[];
      return {
        totp: row?.totp === true,
        smsPhone: row?.sms_phone ?? null,
        smsPendingPhone: row?.sms_pending_phone ?? null,
        passkeys: Number(row?.passkeys ?? 0),
        backupCodesLeft: Number(row?.backup_codes_left ?? 0),
      };
    },

    /**
     * True when the account has a second factor: a confirmed authenticator app, a verified phone, or
     * a passkey. A password sign-in of such an account must then give one.
     */
    async isEnabled(userId: string): Promise<boolean> {
      const status = await service.status(userId);
      return status.totp || status.smsPhone !== null || status.passkeys > 0;
    },

    /**
     * Backup codes for an account that has just gained its first second factor: new codes (to show
     * once) when it has none left, otherwise null (the existing ones stay valid).
     */
    async ensureBackupCodes(userId: string): Promise<string[] | null> {
      const { backupCodesLeft } = await service.status(userId);
      return backupCodesLeft > 0 ? null : replaceBackupCodes(userId);
    },

    /** After a second factor was removed: when none is left, the backup codes go too (MFA is off). */
    async dropBackupCodesIfNoFactor(userId: string): Promise<void> {
      if (!(await service.isEnabled(userId))) await db.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
    },

    /** A new, unconfirmed secret (replacing an unconfirmed one): the QR code (SVG) and the secret for manual entry. */
    async startTotpSetup(userId: string, accountLabel: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
      if ((await service.status(userId)).totp) throw new Error('startTotpSetup: an authenticator app is already set up');
      const secret = generateSecret();
      await db
        .insert(mfaTotp)
        .values({ userId, secretEncrypted: encrypt(secret) })
        .onConflictDoUpdate({ target: mfaTotp.userId, set: { secretEncrypted: encrypt(secret), lastUsedStep: null, createdAt: new Date(now()) } });
      const uri = generateURI({ issuer: ISSUER, label: accountLabel, secret, period: TOTP_PERIOD });
      return { secret, uri, qrSvg: renderSVG(uri, { border: 2 }) };
    },

    /** The secret being set up, for showing the QR code again after a wrong code. */
    async pendingSetup(userId: string, accountLabel: string): Promise<{ secret: string; uri: string; qrSvg: string } | null> {
      const [row] = await db.select().from(mfaTotp).where(eq(mfaTotp.userId, userId));
      if (!row || row.confirmedAt) return null;
      const secret = decrypt(row.secretEncrypted);
      const uri = generateURI({ issuer: ISSUER, label: accountLabel, secret, period: TOTP_PERIOD });
      return { secret, uri, qrSvg: renderSVG(uri, { border: 2 }) };
    },

    /**
     * Confirms the app with a first code: null for a wrong code; otherwise new backup codes (shown
     * once) when the account had none, or null codes when its existing ones stay valid.
     */
    async confirmTotp(userId: string, code: string): Promise<{ backupCodes: string[] | null } | null> {
      if (!(await checkTotp(userId, code, true))) return null;
      await db.update(mfaTotp).set({ confirmedAt: new Date(now()) }).where(eq(mfaTotp.userId, userId));
      return { backupCodes: await service.ensureBackupCodes(userId) };
    },

    async regenerateBackupCodes(userId: string): Promise<string[]> {
      return replaceBackupCodes(userId);
    },

    /** Removes the authenticator app (and the backup codes, when no other second factor is left). */
    async removeTotp(userId: string): Promise<void> {
      await db.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
      await service.dropBackupCodesIfNoFactor(userId);
    },

    /**
     * A second-factor code: an authenticator code, a code mailed or texted for this sign-in
     * (`sessionId`; used up), or a backup code (used up).
     */
    async checkCode(userId: string, code: string, sessionId: string | null = null): Promise<CodeCheck> {
      const trimmed = code.trim();
      if (/^\d{6}$/.test(trimmed)) {
        if (await checkTotp(userId, trimmed)) return { ok: true, method: 'totp' };
        if (sessionId && (await useEmailCode(sessionId, trimmed))) return { ok: true, method: 'email_code' };
        if (sessionId && (await smsCodes.useSignInCode(sessionId, trimmed))) return { ok: true, method: 'sms_code' };
        return { ok: false };
      }
      return (await useBackupCode(userId, trimmed)) ? { ok: true, method: 'backup_code' } : { ok: false };
    },

    /**
     * A new 6-digit code for this sign-in, to be mailed (the previous one stops working); null when
     * this sign-in has had its share of codes or is no longer pending.
     */
    async issueEmailCode(sessionId: string): Promise<string | null> {
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      const [row] = await db
        .update(mfaPending)
        .set({
          emailCodeHash: hashEmailCode(sessionId, code),
          emailCodeExpiresAt: sql`least(${mfaPending.expiresAt}, ${new Date(now() + EMAIL_CODE_TTL_SECONDS * 1000).toISOString()}::timestamptz)`,
          emailCodesSent: sql`${mfaPending.emailCodesSent} + 1`,
        })
        .where(and(eq(mfaPending.sessionId, sessionId), sql`${mfaPending.emailCodesSent} < ${MAX_EMAIL_CODES}`, sql`${mfaPending.expiresAt} > now()`))
        .returning({ sessionId: mfaPending.sessionId });
      return row ? code : null;
    },

    // ---- pending sessions (the sign-in's second step)
    async markPending(sessionId: string, userId: string): Promise<void> {
      await db.insert(mfaPending).values({ sessionId, userId, expiresAt: new Date(now() + MFA_CHALLENGE_TTL_SECONDS * 1000) }).onConflictDoNothing();
    },
    async isPending(sessionId: string): Promise<boolean> {
      const [row] = await db.select({ sessionId: mfaPending.sessionId }).from(mfaPending).where(eq(mfaPending.sessionId, sessionId));
      return Boolean(row);
    },
    /** The challenge of a pending session, if it is still alive (not expired, attempts left). */
    async challenge(sessionId: string): Promise<{ userId: string; attemptsLeft: number } | null> {
      const [row] = await db.select().from(mfaPending).where(eq(mfaPending.sessionId, sessionId));
      if (!row || row.expiresAt.getTime() <= now() || row.attempts >= MFA_MAX_ATTEMPTS) return null;
      return { userId: row.userId, attemptsLeft: MFA_MAX_ATTEMPTS - row.attempts };
    },
    /** Counts a wrong code; returns the attempts left (0: the challenge is dead). */
    async failAttempt(sessionId: string): Promise<number> {
      const [row] = await db
        .update(mfaPending)
        .set({ attempts: sql`${mfaPending.attempts} + 1` })
        .where(eq(mfaPending.sessionId, sessionId))
        .returning({ attempts: mfaPending.attempts });
      return row ? Math.max(0, MFA_MAX_ATTEMPTS - row.attempts) : 0;
    },
    async completePending(sessionId: string): Promise<void> {
      await db.delete(mfaPending).where(eq(mfaPending.sessionId, sessionId));
    },
  };
  return service;
}

export type Mfa = ReturnType<typeof createMfa>;
