/**
 * Who may get marketing mail: a person opts in (sign-up box, preferences page) and opts out the same
 * way or from any marketing mail (a link, or one click from the mail client, RFC 8058). Every change
 * is recorded with its time, source and client (email_consent_events). No row means never asked:
 * no marketing mail.
 */
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../../platform/db/database.js';
import { emailConsentEvents, emailSubscriptions } from './campaigns.tables.js';

export type ConsentSource = 'signup' | 'preferences' | 'unsubscribe-link' | 'one-click' | 'cli';

export interface ConsentClient {
  ip?: string | null;
  userAgent?: string | null;
}

export interface Subscription {
  marketing: boolean;
  changedAt: Date | null;
  source: string | null;
}

export function createSubscriptions(deps: { database: Database; secretKey: string }) {
  // Unsubscribe links must keep working for as long as old mail exists: a keyed hash of the user id,
  // not a stored token. Rotating SECRET_KEY ends old links (the preferences page still works).
  const key = Buffer.from(crypto.hkdfSync('sha256', deps.secretKey, 'saas-app', 'email-unsubscribe-v1', 32));
  const tokenFor = (userId: string) => crypto.createHmac('sha256', key).update(userId).digest('base64url');

  return {
    async get(userId: string): Promise<Subscription> {
      const [row] = await deps.database.db.select().from(emailSubscriptions).where(eq(emailSubscriptions.userId, userId)).limit(1);
      return row ? { marketing: row.marketing, changedAt: row.changedAt, source: row.source } : { marketing: false, changedAt: null, source: null };
    },

    /**
     * Records a choice and its consent event in one transaction (the caller's when given: sign-up).
     * Returns whether it changed anything (the same choice again records no event).
     */
    async setMarketing(userId: string, marketing: boolean, source: ConsentSource, client: ConsentClient = {}, tx?: Db): Promise<boolean> {
      const write = async (db: Db) => {
        const [current] = await db.select().from(emailSubscriptions).where(eq(emailSubscriptions.userId, userId)).for('update');
        // Saying no before ever saying yes is still recorded: it is a choice, and the page shows it.
        if (current && current.marketing === marketing) return false;
        await db
          .insert(emailSubscriptions)
          .values({ userId, marketing, source })
          .onConflictDoUpdate({ target: emailSubscriptions.userId, set: { marketing, source, changedAt: sql`now()` } });
        await db.insert(emailConsentEvents).values({ userId, marketing, source, ip: client.ip ?? null, userAgent: client.userAgent?.slice(0, 300) ?? null });
        return true;
      };
      return tx ? write(tx) : deps.database.transaction(write);
    },

    /** The token of a person's unsubscribe link. */
    unsubscribeToken: tokenFor,

    /** Whether `token` is `userId`'s unsubscribe token (constant time). */
    verifyUnsubscribeToken(userId: string, token: string): boolean {
      const expected = Buffer.from(tokenFor(userId));
      const given = Buffer.from(String(token));
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
