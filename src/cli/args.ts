/**
 * Argument parsers for commander: each returns the parsed value or throws `InvalidArgumentError`, which
 * commander reports as a one-line usage error. They import only light modules so `--help` stays instant.
 */
import { InvalidArgumentError } from 'commander';
import { checkPasswordPolicy } from '../modules/auth/passwords.js';
import { PLANS } from '../modules/billing/index.js';
import { checkSubdomain } from '../modules/tenants/subdomains.js';
import { QUEUE_NAMES, type QueueName } from '../platform/queue/queue.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const PLAN_IDS = PLANS.map((p) => p.id);

export function parseEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL_RE.test(email) || email.length > 254) throw new InvalidArgumentError('Expected an email address, like admin@example.com.');
  return email;
}

export function parseSubdomain(value: string): string {
  const subdomain = value.trim().toLowerCase();
  const problem = checkSubdomain(subdomain);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return subdomain;
}

export function parsePassword(value: string): string {
  const problem = checkPasswordPolicy(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

export function parseName(value: string): string {
  const name = value.trim();
  if (!name) throw new InvalidArgumentError('Must not be empty.');
  if (name.length > 100) throw new InvalidArgumentError('Use at most 100 characters.');
  return name;
}

export function integerBetween(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function parseQueues(value: string): QueueName[] {
  const names = value
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`Expected a comma-separated list of: ${QUEUE_NAMES.join(', ')}.`);
  const unknown = names.filter((q) => !(QUEUE_NAMES as readonly string[]).includes(q));
  if (unknown.length) throw new InvalidArgumentError(`Unknown queue ${unknown.map((q) => `"${q}"`).join(', ')}; choose from ${QUEUE_NAMES.join(', ')}.`);
  return [...new Set(names)] as QueueName[];
}

/** Member roles, from the module's small roles file (not its index: that loads the auth library). */
export { MEMBER_ROLES as ROLE_NAMES } from '../modules/access/index.js';
