/**
 * Passkeys (WebAuthn credentials): registration, passwordless sign-in and the second factor.
 *
 * Every WebAuthn check (client data, origin, RP ID hash, flags, signature, counter, attestation) is
 * done by @simplewebauthn/server; this file keeps the rules around it:
 * - RP ID is the base domain, so one passkey works on the root site and on every workspace's
 *   subdomain. The expected origin is the site serving the request (given by the caller from config,
 *   never from a Host header).
 * - Challenges are random, single use and live 5 minutes in the shared cache, under a key the
 *   caller binds to the session (registration, second factor) or to a random handle kept in a
 *   short-lived cookie (passwordless sign-in). The first verification attempt consumes it, whatever
 *   the outcome.
 * - A signature counter may never go back once it is above zero (a cloned authenticator).
 * Stored: the credential id, the COSE public key, the counter, transports, device type, backup
 * state and AAGUID. Never the attestation object, client data or signatures.
 */
import crypto from 'node:crypto';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AppConfig } from '../../platform/config.js';
import type { Cache } from '../../platform/cache/cache.js';
import { UUID_RE, type Database } from '../../platform/db/database.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import { passkeys, users } from './auth.tables.js';

export const PASSKEY_CHALLENGE_TTL_SECONDS = 5 * 60;
export const PASSKEY_NAME_MAX_LENGTH = 60;
/** Passkeys one account may hold: enough for every device a person owns, not a dumping ground. */
export const MAX_PASSKEYS_PER_USER = 20;
const RP_NAME = 'SaaS App';
const TRANSPORTS = new Set(['ble', 'hybrid', 'internal', 'nfc', 'usb']);
const B64URL_RE = /^[A-Za-z0-9_-]+={0,2}$/;

/** Which ceremony a stored challenge belongs to: a challenge never crosses from one to another. */
type Ceremony = 'register' | 'signin' | 'mfa';

interface StoredChallenge {
  challenge: string;
  origin: string;
  /** Registration and second factor: the account the challenge was made for. */
  userId?: string;
  /** Registration: the name the user gave the new passkey. */
  name?: string;
}

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Synced between devices (a password manager, iCloud Keychain, Google Password Manager). */
  backedUp: boolean;
  deviceType: string;
}

/** Why a ceremony failed: reason codes for the audit trail (never the credential or signature). */
export type PasskeyFailure =
  /** No live challenge: expired, already used, or made for another site or account. */
  | 'challenge_missing'
  /** The response is not a WebAuthn credential at all. */
  | 'malformed'
  /** No passkey with this credential id. */
  | 'unknown_credential'
  /** A passkey of another account than the one signing in (second factor). */
  | 'other_user'
  /** The library refused it: origin, RP ID, challenge, flags or signature. */
  | 'verification_failed'
  /** The signature counter did not move forward. */
  | 'counter_regression'
  /** Registration: this authenticator is already registered. */
  | 'duplicate'
  /** Registration: the account has MAX_PASSKEYS_PER_USER. */
  | 'limit_reached';

export type RegistrationResult = { ok: true; passkey: PasskeyView; first: boolean } | { ok: false; reason: PasskeyFailure };
export type AuthenticationResult =
  | { ok: true; userId: string; passkeyId: string; userVerified: boolean }
  | { ok: false; reason: PasskeyFailure; userId: string | null };

/** A passkey name as typed: trimmed, control characters refused. Returns the name or an error message. */
export function checkPasskeyName(input: string): { name: string } | { error: string } {
  const name = input.replace(/\s+/g, ' ').trim();
  if (!name) return { error: 'Give the passkey a name, like "Work laptop"' };
  if (name.length > PASSKEY_NAME_MAX_LENGTH) return { error: `Keep the name under ${PASSKEY_NAME_MAX_LENGTH + 1} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { error: 'The name has characters that cannot be shown' };
  return { name };
}

/** The WebAuthn user handle: the account's id as 16 bytes (no email or name in it). */
/** COSE algorithm ids accepted for new passkeys: EdDSA (Ed25519), ES256, RS256. */
const SUPPORTED_ALGORITHMS = [-8, -7, -257];

function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isB64url = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && B64URL_RE.test(v);

/** The JSON a browser's navigator.credentials.create() gives (through @simplewebauthn/browser), checked for shape only. */
function asRegistrationResponse(value: unknown): RegistrationResponseJSON | null {
  if (!isObject(value) || value.type !== 'public-key' || !isB64url(value.id, 1024) || !isB64url(value.rawId, 1024) || !isObject(value.response)) return null;
  const r = value.response;
  if (!isB64url(r.clientDataJSON, 8192) || !isB64url(r.attestationObject, 65536)) return null;
  if (r.transports !== undefined && !(Array.isArray(r.transports) && r.transports.every((t) => typeof t === 'string'))) return null;
  return { id: value.id, rawId: value.rawId, type: 'public-key', response: { clientDataJSON: r.clientDataJSON, attestationObject: r.attestationObject, ...(Array.isArray(r.transports) ? { transports: r.transports as AuthenticatorTransport[] } : {}) }, clientExtensionResults: {} };
}

/** The JSON of navigator.credentials.get(), checked for shape only. */
function asAuthenticationResponse(value: unknown): AuthenticationResponseJSON | null {
  if (!isObject(value) || value.type !== 'public-key' || !isB64url(value.id, 1024) || !isB64url(value.rawId, 1024) || !isObject(value.response)) return null;
  const r = value.response;
  if (!isB64url(r.clientDataJSON, 8192) || !isB64url(r.authenticatorData, 8192) || !isB64url(r.signature, 2048)) return null;
  if (r.userHandle !== undefined && r.userHandle !== null && !isB64url(r.userHandle, 128)) return null;
  return {
    id: value.id,
    rawId: value.rawId,
    type: 'public-key',
    response: { clientDataJSON: r.clientDataJSON, authenticatorData: r.authenticatorData, signature: r.signature, ...(typeof r.userHandle === 'string' ? { userHandle: r.userHandle } : {}) },
    clientExtensionResults: {},
  };
}

const toView = (row: typeof passkeys.$inferSelect): PasskeyView => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  backedUp: row.backedUp,
  deviceType: row.deviceType,
});

export function createPasskeys(deps: { config: AppConfig; database: Database; cache: Cache }) {
  const { db } = deps.database;
  const rpID = deps.config.baseDomain;
  // The library pulls in ASN.1 and X.509 code (~0.2 s to load): loaded on first use, not at start.
  let library: Promise<typeof import('@simplewebauthn/server')> | null = null;
  const lib = () => (library ??= import('@simplewebauthn/server'));
  const cacheKey = (ceremony: Ceremony, key: string) => `passkey-challenge:${ceremony}:${key}`;

  async function storeChallenge(ceremony: Ceremony, key: string, value: StoredChallenge): Promise<void> {
    await deps.cache.set(cacheKey(ceremony, key), JSON.stringify(value), PASSKEY_CHALLENGE_TTL_SECONDS);
  }

  /** The challenge for `key`, consumed: a second attempt with it finds nothing. */
  async function takeChallenge(ceremony: Ceremony, key: string, origin: string, userId?: string): Promise<StoredChallenge | null> {
    if (!key) return null;
    const raw = await deps.cache.take(cacheKey(ceremony, key));
    if (!raw) return null;
    let stored: StoredChallenge;
    try {
      stored = JSON.parse(raw) as StoredChallenge;
    } catch {
      return null;
    }
    // Made on another site, or for another account: not this ceremony's challenge.
    if (stored.origin !== origin || (userId !== undefined && stored.userId !== userId)) return null;
    return stored;
  }

  async function credentialsOf(userId: string) {
    return db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
  }
  const transportsOf = (stored: string | null): AuthenticatorTransport[] | undefined =>
    stored ? (stored.split(',').filter((t) => TRANSPORTS.has(t)) as AuthenticatorTransport[]) : undefined;

  const service = {
    rpID,

    async list(userId: string): Promise<PasskeyView[]> {
      const rows = await db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
      return rows.map(toView);
    },

    /** One of the user's passkeys; null for another user's or an unknown id (callers answer "not found"). */
    async find(userId: string, id: string): Promise<PasskeyView | null> {
      if (!UUID_RE.test(id)) return null;
      const [row] = await db.select().from(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)));
      return row ? toView(row) : null;
    },

    async rename(userId: string, id: string, name: string): Promise<boolean> {
      if (!UUID_RE.test(id)) return false;
      const rows = await db.update(passkeys).set({ name }).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId))).returning({ id: passkeys.id });
      return rows.length === 1;
    },

    /** Deletes one of the user's passkeys; the caller drops the backup codes when no second factor is left. */
    async remove(userId: string, id: string): Promise<PasskeyView | null> {
      if (!UUID_RE.test(id)) return null;
      const [row] = await db.delete(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId))).returning();
      return row ? toView(row) : null;
    },

    async countFor(userId: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
      return Number(row?.n ?? 0);
    },

    /**
     * Options for navigator.credentials.create(): a discoverable credential (so it can sign in
     * without an email), user verification preferred, the account's passkeys excluded (the same
     * authenticator is not registered twice). The challenge is kept under `sessionId`.
     */
    async registrationOptions(input: { userId: string; email: string; displayName: string; sessionId: string; passkeyName: string; origin: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const { generateRegistrationOptions } = await lib();
      const existing = await credentialsOf(input.userId);
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID,
        userName: input.email,
        userDisplayName: input.displayName || input.email,
        userID: userHandleOf(input.userId),
        attestationType: 'none',
        timeout: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
        excludeCredentials: existing.map((c) => ({ id: c.credentialId, ...(transportsOf(c.transports) ? { transports: transportsOf(c.transports)! } : {}) })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
        // Ed25519, ES256, RS256: what every authenticator offers. The library adds ML-DSA where the
        // runtime's WebCrypto has it (Node 24, experimental); a passkey made with it would stop
        // working on a runtime without it, so the list does not depend on the runtime.
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
      await storeChallenge('register', input.sessionId, { challenge: options.challenge, origin: input.origin, userId: input.userId, name: input.passkeyName });
      return options;
    },

    /** Checks the browser's answer to registrationOptions() and stores the new passkey. */
    async verifyRegistration(input: { userId: string; sessionId: string; origin: string; response: unknown }): Promise<RegistrationResult> {
      const stored = await takeChallenge('register', input.sessionId, input.origin, input.userId);
      if (!stored) return { ok: false, reason: 'challenge_missing' };
      const response = asRegistrationResponse(input.response);
      if (!response) return { ok: false, reason: 'malformed' };
      const { verifyRegistrationResponse } = await lib();
      let info;
      try {
        const result = await verifyRegistrationResponse({
          response,
          expectedChallenge: stored.challenge,
          expectedOrigin: input.origin,
          expectedRPID: rpID,
          requireUserVerification: false,
        });
        if (!result.verified) return { ok: false, reason: 'verification_failed' };
        info = result.registrationInfo;
      } catch {
        // The library throws on anything it refuses (and on bytes it cannot parse).
        return { ok: false, reason: 'verification_failed' };
      }
      if ((await service.countFor(input.userId)) >= MAX_PASSKEYS_PER_USER) return { ok: false, reason: 'limit_reached' };
      const transports = (info.credential.transports ?? []).filter((t) => TRANSPORTS.has(t));
      let row;
      try {
        [row] = await db
          .insert(passkeys)
          .values({
            userId: input.userId,
            name: stored.name || 'Passkey',
            credentialId: info.credential.id,
            publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
            counter: info.credential.counter,
            transports: transports.length ? transports.join(',') : null,
            deviceType: info.credentialDeviceType,
            backedUp: info.credentialBackedUp,
            aaguid: info.aaguid,
          })
          .returning();
      } catch (err) {
        if (uniqueViolation(err) !== null) return { ok: false, reason: 'duplicate' };
        throw err;
      }
      return { ok: true, passkey: toView(row!), first: (await service.countFor(input.userId)) === 1 };
    },

    /**
     * Options for navigator.credentials.get(). Passwordless sign-in (`signin`, keyed by a random
     * handle): any discoverable credential, user verification required, since the passkey is then
     * both factors. Second factor (`mfa`, keyed by the pending session): only `userId`'s passkeys.
     */
    async authenticationOptions(ceremony: 'signin' | 'mfa', input: { key: string; origin: string; userId?: string }): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const { generateAuthenticationOptions } = await lib();
      const allow = ceremony === 'mfa' && input.userId ? await credentialsOf(input.userId) : [];
      const options = await generateAuthenticationOptions({
        rpID,
        timeout: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
        userVerification: ceremony === 'signin' ? 'required' : 'preferred',
        allowCredentials: allow.map((c) => ({ id: c.credentialId, ...(transportsOf(c.transports) ? { transports: transportsOf(c.transports)! } : {}) })),
      });
      await storeChallenge(ceremony, input.key, { challenge: options.challenge, origin: input.origin, ...(input.userId ? { userId: input.userId } : {}) });
      return options;
    },

    /**
     * Checks an assertion against the challenge stored under `key` (consumed). For `mfa`, only a
     * passkey of `userId` passes. On success the counter and last use are saved.
     */
    async verifyAuthentication(ceremony: 'signin' | 'mfa', input: { key: string; origin: string; response: unknown; userId?: string }): Promise<AuthenticationResult> {
      const stored = await takeChallenge(ceremony, input.key, input.origin, input.userId);
      if (!stored) return { ok: false, reason: 'challenge_missing', userId: null };
      const response = asAuthenticationResponse(input.response);
      if (!response) return { ok: false, reason: 'malformed', userId: null };
      const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialId, response.id));
      if (!row) return { ok: false, reason: 'unknown_credential', userId: null };
      if (input.userId !== undefined && row.userId !== input.userId) return { ok: false, reason: 'other_user', userId: input.userId };
      // A discoverable credential names its account: it must be the passkey's.
      if (response.response.userHandle && response.response.userHandle !== Buffer.from(userHandleOf(row.userId)).toString('base64url')) {
        return { ok: false, reason: 'verification_failed', userId: row.userId };
      }
      const { verifyAuthenticationResponse } = await lib();
      let info;
      try {
        const result = await verifyAuthenticationResponse({
          response,
          expectedChallenge: stored.challenge,
          expectedOrigin: input.origin,
          expectedRPID: rpID,
          credential: { id: row.credentialId, publicKey: new Uint8Array(Buffer.from(row.publicKey, 'base64url')), counter: row.counter, ...(transportsOf(row.transports) ? { transports: transportsOf(row.transports)! } : {}) },
          requireUserVerification: ceremony === 'signin',
        });
        if (!result.verified) return { ok: false, reason: 'verification_failed', userId: row.userId };
        info = result.authenticationInfo;
      } catch (err) {
        const counter = err instanceof Error && /counter/i.test(err.message);
        return { ok: false, reason: counter ? 'counter_regression' : 'verification_failed', userId: row.userId };
      }
      // Saved only if the counter still moves forward (or stays 0 for authenticators that do not
      // count): of two racing assertions with one counter value, one wins.
      const saved = await db
        .update(passkeys)
        .set({ counter: info.newCounter, lastUsedAt: new Date(), backedUp: info.credentialBackedUp })
        .where(and(eq(passkeys.id, row.id), sql`(${passkeys.counter} < ${info.newCounter} or (${passkeys.counter} = 0 and ${info.newCounter} = 0))`))
        .returning({ id: passkeys.id });
      if (saved.length !== 1) return { ok: false, reason: 'counter_regression', userId: row.userId };
      return { ok: true, userId: row.userId, passkeyId: row.id, userVerified: info.userVerified };
    },

    /** Whether an operator disabled the account (its passkeys then open nothing). */
    async isUserDisabled(userId: string): Promise<boolean> {
      const [row] = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId));
      return !row || row.disabledAt !== null;
    },

    /** A random handle naming a passwordless sign-in's challenge (kept in a short-lived cookie). */
    newHandle(): string {
      return crypto.randomBytes(32).toString('base64url');
    },
  };
  return service;
}

export type Passkeys = ReturnType<typeof createPasskeys>;
