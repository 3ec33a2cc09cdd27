/**
 * Sign-in codes by text message: a phone number becomes a second factor once a code sent to it was
 * typed back, and a verified number can then be sent a code for one sign-in.
 *
 * Numbers are checked and normalised to E.164 with libphonenumber-js (full metadata: landlines,
 * premium-rate and other numbers that cannot or should not get texts are refused). Codes are six
 * digits, stored as keyed hashes (HMAC-SHA-256 with a key derived from SECRET_KEY): an enrolment code
 * is bound to the account and the number, a sign-in code to the pending session, like emailed codes.
 * Every text costs money and can be abused to send many (toll fraud): sends are limited per account
 * and per client address, enrolment codes to 3 an hour, sign-in codes to 3 per sign-in.
 */
import crypto from 'node:crypto';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { NumberType } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import type { Database, Db } from '../../platform/db/database.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { SmsError, type SmsSender } from '../../platform/sms/sms.js';
import { mfaPending, mfaPhones } from './auth.tables.js';

/** A text-message code works this long (a sign-in code never past its challenge). */
export const SMS_CODE_TTL_SECONDS = 10 * 60;
/** Codes texted for one sign-in: at most this many. */
export const MAX_SMS_CODES = 3;
/** Wrong tries at an enrolment code before it stops working (a new one can be sent). */
export const SMS_ENROL_MAX_ATTEMPTS = 5;
/** Enrolment codes per account and hour. */
export const SMS_ENROL_SENDS_PER_HOUR = 3;

/**
 * Limits on texts sent, counted before each send (the `points`-th counted send is refused, so a rule
 * allows `points - 1`). Sign-in codes and enrolment codes count together per account and per address.
 */
export const SMS_THROTTLE_RULES = {
  enrolment: { name: 'sms-enrol-account', points: SMS_ENROL_SENDS_PER_HOUR + 1, windowSeconds: 60 * 60 },
  account: { name: 'sms-send-account', points: 11, windowSeconds: 60 * 60 },
  address: { name: 'sms-send-address', points: 31, windowSeconds: 60 * 60 },
} as const;

const APP_NAME = 'SaaS App';
/** Number types that can receive texts; landlines, premium-rate, shared-cost and the like are refused. */
const TEXTABLE: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER', 'VOIP']);

export type PhoneNumberCheck = { ok: true; e164: string } | { ok: false; error: string };

/** The library and its full metadata take ~60 ms to load: on first use, not at start-up. */
let phoneLibrary: Promise<typeof import('libphonenumber-js/max')> | null = null;

/**
 * A number as typed ("+44 7911 123456", "0044 7911 123456") -> E.164, or the reason it is refused. The
 * country code is required: we do not guess a country from the request.
 */
export async function normalizePhoneNumber(input: string): Promise<PhoneNumberCheck> {
  const { parsePhoneNumberWithError, ParseError } = await (phoneLibrary ??= import('libphonenumber-js/max'));
  const typed = input.trim().replace(/^00/, '+');
  if (!typed) return { ok: false, error: 'Enter your mobile number, with its country code, like +44 7911 123456.' };
  if (typed.length > 40 || /[a-z]/i.test(typed.replace(/\b(ext|x)\b\.?/gi, ''))) return { ok: false, error: 'Enter digits only, starting with + and the country code, like +44 7911 123456.' };
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(typed);
  } catch (err) {
    if (err instanceof ParseError && err.message === 'INVALID_COUNTRY') return { ok: false, error: 'Start with + and the country code (like +44 for the UK or +1 for the US and Canada).' };
    if (err instanceof ParseError && err.message === 'TOO_SHORT') return { ok: false, error: 'That number is too short. Check it, with its country code, like +44 7911 123456.' };
    if (err instanceof ParseError && err.message === 'TOO_LONG') return { ok: false, error: 'That number is too long. Check it, with its country code, like +44 7911 123456.' };
    return { ok: false, error: 'That is not a phone number. Enter it with its country code, like +44 7911 123456.' };
  }
  if (parsed.ext) return { ok: false, error: 'Leave out the extension: text messages go to a mobile number.' };
  if (!parsed.isValid()) return { ok: false, error: 'That is not a valid phone number for its country. Check the digits and the country code.' };
  const type = parsed.getType();
  if (!type || !TEXTABLE.has(type)) return { ok: false, error: 'That looks like a landline or a service number. Text messages need a mobile number.' };
  return { ok: true, e164: parsed.number };
}

/** The last two digits: all we ever show of a number after it was entered, or write to the audit log. */
export function phoneLastDigits(e164: string): string {
  return e164.slice(-2);
}

const newCode = () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * The keyed hashes of text-message codes. Shared with the code check in mfa.ts (`useSignInCode`), so
 * both derive the same key and bind sign-in codes to the session the same way.
 */
export function createSmsCodes(deps: { db: Db; secretKey: string }) {
  const key = Buffer.from(crypto.hkdfSync('sha256', deps.secretKey, 'saas-app', 'mfa-sms-codes-v1', 32));
  const hmac = (input: string) => crypto.createHmac('sha256', key).update(input).digest('base64url');
  return {
    /** Bound to the sign-in: the session id is part of what is hashed. */
    signInHash: (sessionId: string, code: string) => hmac(`sign-in:${sessionId}:${code}`),
    /** Bound to the account and the number the code was sent to. */
    enrolmentHash: (userId: string, phone: string, code: string) => hmac(`enrol:${userId}:${phone}:${code}`),
    /** A code texted for this sign-in, used up if right and unexpired (never past the challenge). */
    async useSignInCode(sessionId: string, code: string): Promise<boolean> {
      if (!/^\d{6}$/.test(code)) return false;
      const used = await deps.db
        .update(mfaPending)
        .set({ smsCodeHash: null, smsCodeExpiresAt: null })
        .where(
          and(
            eq(mfaPending.sessionId, sessionId),
            eq(mfaPending.smsCodeHash, hmac(`sign-in:${sessionId}:${code}`)),
            sql`${mfaPending.smsCodeExpiresAt} > now()`,
            sql`${mfaPending.expiresAt} > now()`,
            // A code texted before the number was removed (or replaced) no longer signs in.
            // (Qualified by hand: inside the subquery a bare "user_id" would mean the phone's own column.)
            sql`exists (select 1 from mfa_phones p where p.user_id = mfa_pending.user_id and p.verified_at is not null)`,
          ),
        )
        .returning({ sessionId: mfaPending.sessionId });
      return used.length === 1;
    },
  };
}

export type SendRefusal =
  /** A limit on texts: wait this long. */
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number; scope: 'enrolment' | 'account' | 'address' }
  /** The provider did not take the message. */
  | { ok: false; reason: 'send_failed' }
  /** Text messages are off on this server. */
  | { ok: false; reason: 'unavailable' };

export type ConfirmResult =
  | { ok: true; phone: string }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  /** Expired, or too many wrong tries: a new code must be sent. */
  | { ok: false; reason: 'dead' }
  | { ok: false; reason: 'not_pending' };

export interface PhoneState {
  phone: string;
  verified: boolean;
  /** An enrolment code that can still be typed (unexpired, tries left). */
  codeLive: boolean;
  attemptsLeft: number;
}

export function createSmsMfa(deps: { database: Database; secretKey: string; sms: SmsSender | null; throttles: Throttles; log: Logger; appName?: string }) {
  const { db } = deps.database;
  const codes = createSmsCodes({ db, secretKey: deps.secretKey });
  const appName = deps.appName ?? APP_NAME;
  const limits = {
    enrolment: deps.throttles.create(SMS_THROTTLE_RULES.enrolment),
    account: deps.throttles.create(SMS_THROTTLE_RULES.account),
    address: deps.throttles.create(SMS_THROTTLE_RULES.address),
  };

  /**
   * Counts one text against each limit that applies, or says which one is full. Waits are checked
   * first, so a refused send costs no other key a point.
   */
  async function takeSendSlot(userId: string, ip: string, enrolment: boolean): Promise<SendRefusal | null> {
    const keyed = [...(enrolment ? [['enrolment', userId] as const] : []), ['account', userId] as const, ['address', ip] as const];
    for (const [scope, key] of keyed) {
      const wait = await limits[scope].retryAfter(key);
      if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait, scope };
    }
    for (const [scope, key] of keyed) {
      const wait = await limits[scope].hit(key);
      if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait, scope };
    }
    return null;
  }

  async function deliver(to: string, body: string, what: string): Promise<boolean> {
    if (!deps.sms) return false;
    try {
      await deps.sms.send({ to, body });
      return true;
    } catch (err) {
      // The error names the provider's code and status; never the number or the code.
      const details = err instanceof SmsError ? err.details : {};
      deps.log.error({ err: { message: err instanceof Error ? err.message : String(err), ...details } }, `${what} text message could not be sent`);
      return false;
    }
  }

  /**
   * The text itself. The last line is an origin-bound one-time code (`@host #code`): browsers that
   * read it offer the code only on that site, which blunts phishing pages.
   */
  const messageBody = (code: string, purpose: 'sign-in' | 'enrolment', siteHost: string) =>
    purpose === 'sign-in'
      ? `${code} is your ${appName} sign-in code. It works for ${SMS_CODE_TTL_SECONDS / 60} minutes. Never share it: we will not ask for it.\n\n@${siteHost} #${code}`
      : `${code} is your ${appName} code to confirm this phone number. It works for ${SMS_CODE_TTL_SECONDS / 60} minutes.\n\n@${siteHost} #${code}`;

  /** `delivered: false`: the code was stored (the number replaced) but the provider did not take the text. */
  async function sendEnrolmentCode(userId: string, phone: string, ip: string, siteHost: string, sameNumber: boolean): Promise<SendRefusal | { ok: true; delivered: boolean }> {
    const refused = await takeSendSlot(userId, ip, true);
    if (refused) return refused;
    const code = newCode();
    const values = {
      phoneNumber: phone,
      verifiedAt: null,
      codeHash: codes.enrolmentHash(userId, phone, code),
      codeExpiresAt: new Date(Date.now() + SMS_CODE_TTL_SECONDS * 1000),
      codeAttempts: 0,
    };
    await db
      .insert(mfaPhones)
      .values({ userId, ...values, codesSent: 1 })
      .onConflictDoUpdate({ target: mfaPhones.userId, set: { ...values, codesSent: sameNumber ? sql`${mfaPhones.codesSent} + 1` : 1, createdAt: new Date() } });
    return { ok: true, delivered: await deliver(phone, messageBody(code, 'enrolment', siteHost), 'enrolment') };
  }

  return {
    /** False when text messages are off on this server: nothing should offer them. */
    available: deps.sms !== null,

    /** The account's number, verified or waiting for its code, or null. */
    async phone(userId: string): Promise<PhoneState | null> {
      const [row] = await db.select().from(mfaPhones).where(eq(mfaPhones.userId, userId));
      if (!row) return null;
      const attemptsLeft = Math.max(0, SMS_ENROL_MAX_ATTEMPTS - row.codeAttempts);
      const codeLive = !row.verifiedAt && row.codeHash !== null && row.codeExpiresAt !== null && row.codeExpiresAt.getTime() > Date.now() && attemptsLeft > 0;
      return { phone: row.phoneNumber, verified: row.verifiedAt !== null, codeLive, attemptsLeft };
    },

    /**
     * Sends an enrolment code to `phone` (E.164, checked by `normalizePhoneNumber`). It replaces the
     * account's number: a verified one stops being a second factor until the new one is confirmed
     * (`replacedVerified`: the caller drops the backup codes if no factor is left, as for a removal).
     */
    async startEnrolment(userId: string, phone: string, client: { ip: string; siteHost: string }): Promise<{ ok: true; delivered: boolean; replacedVerified: boolean } | SendRefusal> {
      if (!deps.sms) return { ok: false, reason: 'unavailable' };
      const [current] = await db.select().from(mfaPhones).where(eq(mfaPhones.userId, userId));
      const sent = await sendEnrolmentCode(userId, phone, client.ip, client.siteHost, current?.phoneNumber === phone && !current.verifiedAt);
      // A refused send changed nothing; otherwise the number was replaced, delivered or not.
      return sent.ok ? { ...sent, replacedVerified: Boolean(current?.verifiedAt) } : sent;
    },

    /** A new code for the number waiting to be confirmed (the previous code stops working). */
    async resendEnrolmentCode(userId: string, client: { ip: string; siteHost: string }): Promise<{ ok: true; delivered: boolean } | SendRefusal | { ok: false; reason: 'not_pending' }> {
      if (!deps.sms) return { ok: false, reason: 'unavailable' };
      const [row] = await db.select().from(mfaPhones).where(and(eq(mfaPhones.userId, userId), isNull(mfaPhones.verifiedAt)));
      if (!row) return { ok: false, reason: 'not_pending' };
      return sendEnrolmentCode(userId, row.phoneNumber, client.ip, client.siteHost, true);
    },

    /**
     * The code typed back: the number becomes a second factor. Each try is counted atomically before
     * the code is compared, so parallel guesses get no more than SMS_ENROL_MAX_ATTEMPTS between them.
     */
    async confirmEnrolment(userId: string, code: string): Promise<ConfirmResult> {
      const [row] = await db.select().from(mfaPhones).where(and(eq(mfaPhones.userId, userId), isNull(mfaPhones.verifiedAt)));
      if (!row) return { ok: false, reason: 'not_pending' };
      if (!row.codeHash) return { ok: false, reason: 'dead' };
      const [counted] = await db
        .update(mfaPhones)
        .set({ codeAttempts: sql`${mfaPhones.codeAttempts} + 1` })
        .where(
          and(
            eq(mfaPhones.userId, userId),
            isNull(mfaPhones.verifiedAt),
            eq(mfaPhones.codeHash, row.codeHash),
            sql`${mfaPhones.codeAttempts} < ${SMS_ENROL_MAX_ATTEMPTS}`,
            sql`${mfaPhones.codeExpiresAt} > now()`,
          ),
        )
        .returning({ attempts: mfaPhones.codeAttempts });
      if (!counted) {
        await db.update(mfaPhones).set({ codeHash: null, codeExpiresAt: null }).where(and(eq(mfaPhones.userId, userId), isNull(mfaPhones.verifiedAt), eq(mfaPhones.codeHash, row.codeHash)));
        return { ok: false, reason: 'dead' };
      }
      const expected = codes.enrolmentHash(userId, row.phoneNumber, code.trim());
      const right = /^\d{6}$/.test(code.trim()) && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(row.codeHash));
      if (right) {
        const [verified] = await db
          .update(mfaPhones)
          .set({ verifiedAt: new Date(), codeHash: null, codeExpiresAt: null, codeAttempts: 0 })
          .where(and(eq(mfaPhones.userId, userId), isNull(mfaPhones.verifiedAt), eq(mfaPhones.codeHash, row.codeHash)))
          .returning({ phone: mfaPhones.phoneNumber });
        if (verified) return { ok: true, phone: verified.phone };
        return { ok: false, reason: 'dead' }; // a new code was sent in the meantime
      }
      const left = Math.max(0, SMS_ENROL_MAX_ATTEMPTS - counted.attempts);
      if (left === 0) {
        await db.update(mfaPhones).set({ codeHash: null, codeExpiresAt: null }).where(and(eq(mfaPhones.userId, userId), isNull(mfaPhones.verifiedAt), eq(mfaPhones.codeHash, row.codeHash)));
        return { ok: false, reason: 'dead' };
      }
      return { ok: false, reason: 'wrong', attemptsLeft: left };
    },

    /** Removes the account's number, verified or not; returns it (null: there was none). */
    async removePhone(userId: string): Promise<{ phone: string; verified: boolean } | null> {
      const [row] = await db.delete(mfaPhones).where(eq(mfaPhones.userId, userId)).returning({ phone: mfaPhones.phoneNumber, verifiedAt: mfaPhones.verifiedAt });
      return row ? { phone: row.phone, verified: row.verifiedAt !== null } : null;
    },

    /** Drops a number still waiting for its code (a verified one stays). */
    async cancelEnrolment(userId: string): Promise<string | null> {
      const [row] = await db.delete(mfaPhones).where(and(eq(mfaPhones.userId, userId), isNull(mfaPhones.verifiedAt))).returning({ phone: mfaPhones.phoneNumber });
      return row?.phone ?? null;
    },

    /**
     * Texts a code for this pending sign-in to the account's verified number (the previous code of
     * this sign-in stops working). Refused when the sign-in had its share, is no longer pending, or a
     * limit on texts is reached.
     */
    async sendSignInCode(
      sessionId: string,
      userId: string,
      client: { ip: string; siteHost: string },
    ): Promise<{ ok: true; phone: string } | SendRefusal | { ok: false; reason: 'no_phone' } | { ok: false; reason: 'used_up' }> {
      if (!deps.sms) return { ok: false, reason: 'unavailable' };
      const [phone] = await db.select({ phone: mfaPhones.phoneNumber }).from(mfaPhones).where(and(eq(mfaPhones.userId, userId), isNotNull(mfaPhones.verifiedAt)));
      if (!phone) return { ok: false, reason: 'no_phone' };
      const [pending] = await db.select({ sent: mfaPending.smsCodesSent }).from(mfaPending).where(and(eq(mfaPending.sessionId, sessionId), sql`${mfaPending.expiresAt} > now()`));
      if (!pending || pending.sent >= MAX_SMS_CODES) return { ok: false, reason: 'used_up' };
      const refused = await takeSendSlot(userId, client.ip, false);
      if (refused) return refused;
      const code = newCode();
      const [issued] = await db
        .update(mfaPending)
        .set({
          smsCodeHash: codes.signInHash(sessionId, code),
          smsCodeExpiresAt: sql`least(${mfaPending.expiresAt}, ${new Date(Date.now() + SMS_CODE_TTL_SECONDS * 1000).toISOString()}::timestamptz)`,
          smsCodesSent: sql`${mfaPending.smsCodesSent} + 1`,
        })
        .where(and(eq(mfaPending.sessionId, sessionId), sql`${mfaPending.smsCodesSent} < ${MAX_SMS_CODES}`, sql`${mfaPending.expiresAt} > now()`))
        .returning({ sessionId: mfaPending.sessionId });
      if (!issued) return { ok: false, reason: 'used_up' };
      return (await deliver(phone.phone, messageBody(code, 'sign-in', client.siteHost), 'sign-in code')) ? { ok: true, phone: phone.phone } : { ok: false, reason: 'send_failed' };
    },
  };
}

export type SmsMfa = ReturnType<typeof createSmsMfa>;
