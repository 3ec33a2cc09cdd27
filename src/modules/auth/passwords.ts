/** Password hashing: Argon2id (@node-rs/argon2, prebuilt), parameters per OWASP (19 MiB, t=2, p=1). */
import { createRequire } from 'node:module';
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

// algorithm 2 = Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Unicode-normalised so the same passphrase typed on two keyboards matches. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), OPTIONS);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, normalizePassword(password));
  } catch {
    return false; // malformed hash: treat as a mismatch, never as a crash
  }
}

/** Length the forms suggest (NIST SP 800-63B recommends 15 for a password used alone); 8 is the minimum accepted. */
export const PASSWORD_RECOMMENDED_LENGTH = 15;

export const COMMON_PASSWORD_MESSAGE =
  'This password is on a list of the most common passwords, so it would be among the first guessed. Choose another: a few unrelated words make a strong one.';

/**
 * The passwords people pick most, from zxcvbn's ranked list of about 49,000 (leaked-password
 * corpora), kept when long enough to pass the length rule (about 18,000). Loaded on first use (about
 * 30 ms, 2 MB), so commands that never check a password do not pay for it.
 */
let commonPasswords: Set<string> | null = null;
function isCommonPassword(normalized: string): boolean {
  if (!commonPasswords) {
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as { dictionary: Record<'passwords-common', string[]> };
    commonPasswords = new Set(dictionary['passwords-common'].filter((p) => [...p].length >= PASSWORD_MIN_LENGTH));
  }
  return commonPasswords.has(normalized.toLowerCase());
}

/**
 * Returns a message for the user, or null when acceptable. No composition rules (length is what
 * matters), no truncation (the whole password is hashed), Unicode normalised first; the most common
 * passwords are refused with the reason.
 */
export function checkPasswordPolicy(password: string): string | null {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  if (isCommonPassword(normalized)) return COMMON_PASSWORD_MESSAGE;
  return null;
}
