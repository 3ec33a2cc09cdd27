/** SQL for `email_messages` (global: no tenant scope). */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { emailMessages } from './email.tables.js';

export type EmailMessageRow = typeof emailMessages.$inferSelect;

export const emailRepository = {
  async insert(db: Db, values: typeof emailMessages.$inferInsert): Promise<string> {
    const [row] = await db.insert(emailMessages).values(values).returning({ id: emailMessages.id });
    return row!.id;
  },

  /** The message, locked for this transaction; null when it is gone or another worker holds it. */
  async lockForSend(tx: Db, id: string): Promise<EmailMessageRow | null> {
    const [row] = await tx.select().from(emailMessages).where(eq(emailMessages.id, id)).for('update', { skipLocked: true });
    return row ?? null;
  },

  async markSent(tx: Db, id: string, providerMessageId: string): Promise<void> {
    await tx
      .update(emailMessages)
      .set({ status: 'sent', sentAt: sql`now()`, providerMessageId: providerMessageId.slice(0, 500), html: null, textBody: null, attempts: sql`${emailMessages.attempts} + 1`, lastError: null })
      .where(eq(emailMessages.id, id));
  },

  async markAttemptFailed(tx: Db, id: string, error: string, final: boolean): Promise<void> {
    await tx
      .update(emailMessages)
      .set({ attempts: sql`${emailMessages.attempts} + 1`, lastError: error.slice(0, 1000), ...(final ? { status: 'failed' } : {}) })
      .where(eq(emailMessages.id, id));
  },

  async find(db: Db, id: string): Promise<EmailMessageRow | null> {
    const [row] = await db.select().from(emailMessages).where(eq(emailMessages.id, id));
    return row ?? null;
  },

  /** Messages still queued `olderThanMinutes` after they were asked for (oldest first). */
  async listStale(db: Db, olderThanMinutes: number, limit: number): Promise<string[]> {
    const rows = await db
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.status, 'queued'), lt(emailMessages.createdAt, sql`now() - ${`${olderThanMinutes} minutes`}::interval`)))
      .orderBy(emailMessages.createdAt)
      .limit(limit);
    return rows.map((r) => r.id);
  },

  /** Template ids of sent messages, by what the mailer answered (the dev mail viewer labels its list with them). */
  async templatesByProviderId(db: Db, providerIds: string[]): Promise<Map<string, string>> {
    if (providerIds.length === 0) return new Map();
    const rows = await db
      .select({ providerMessageId: emailMessages.providerMessageId, template: emailMessages.template })
      .from(emailMessages)
      .where(inArray(emailMessages.providerMessageId, providerIds))
      .orderBy(desc(emailMessages.createdAt));
    return new Map(rows.map((r) => [r.providerMessageId!, r.template]));
  },
};
