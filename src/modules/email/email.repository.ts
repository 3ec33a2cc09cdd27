/** SQL for `email_messages` (global: no tenant scope). */
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { emailMessages } from './email.tables.js';

export type EmailMessageRow = typeof emailMessages.$inferSelect;

/**
 * The two statements every `email.send` runs, built once per database handle: building a query
 * with drizzle costs more CPU than the mail itself at a worker's full pace (docs/admin/benchmarks.md).
 */
function buildHotStatements(db: Db) {
  return {
    claim: db
      .update(emailMessages)
      .set({ status: 'sending', claimedBy: sql`${sql.placeholder('jobId')}`, claimedAt: sql`now()` })
      .where(
        and(
          eq(emailMessages.id, sql.placeholder('id')),
          or(
            eq(emailMessages.status, 'queued'),
            and(
              eq(emailMessages.status, 'sending'),
              or(eq(emailMessages.claimedBy, sql.placeholder('jobId')), lt(emailMessages.claimedAt, sql`now() - make_interval(mins => ${sql.placeholder('staleMinutes')}::int)`)),
            ),
          ),
        ),
      )
      .returning()
      .prepare('email_claim_for_send'),
    markSent: db
      .update(emailMessages)
      .set({
        status: 'sent',
        sentAt: sql`now()`,
        providerMessageId: sql`${sql.placeholder('providerMessageId')}`,
        html: null,
        textBody: null,
        attempts: sql`${emailMessages.attempts} + 1`,
        lastError: null,
        claimedBy: null,
        claimedAt: null,
      })
      .where(eq(emailMessages.id, sql.placeholder('id')))
      .prepare('email_mark_sent'),
  };
}
const hotStatementsByDb = new WeakMap<Db, ReturnType<typeof buildHotStatements>>();
function hotStatements(db: Db) {
  let statements = hotStatementsByDb.get(db);
  if (!statements) hotStatementsByDb.set(db, (statements = buildHotStatements(db)));
  return statements;
}

export const emailRepository = {
  async insert(db: Db, values: typeof emailMessages.$inferInsert): Promise<string> {
    const [row] = await db.insert(emailMessages).values(values).returning({ id: emailMessages.id });
    return row!.id;
  },

  /**
   * Claims the message for the job run `jobId` and returns it; null when it is gone, sent, failed,
   * or being sent by another run. A claim older than `staleAfterMinutes` (its worker died) can be
   * taken over; the run that holds it can take it again (BullMQ hands the same job back after a
   * crash). One statement, no lock held while the mail server talks.
   */
  async claimForSend(db: Db, id: string, jobId: string, staleAfterMinutes: number): Promise<EmailMessageRow | null> {
    const [row] = await hotStatements(db).claim.execute({ id, jobId, staleMinutes: staleAfterMinutes });
    return row ?? null;
  },

  async markSent(db: Db, id: string, providerMessageId: string): Promise<void> {
    await hotStatements(db).markSent.execute({ id, providerMessageId: providerMessageId.slice(0, 500) });
  },

  /** Gives the claim back (`queued`, for the retry) or ends the message (`failed`). */
  async markAttemptFailed(db: Db, id: string, error: string, final: boolean): Promise<void> {
    await db
      .update(emailMessages)
      .set({ attempts: sql`${emailMessages.attempts} + 1`, lastError: error.slice(0, 1000), status: final ? 'failed' : 'queued', claimedBy: null, claimedAt: null })
      .where(eq(emailMessages.id, id));
  },

  async find(db: Db, id: string): Promise<EmailMessageRow | null> {
    const [row] = await db.select().from(emailMessages).where(eq(emailMessages.id, id));
    return row ?? null;
  },

  /**
   * Messages still queued `olderThanMinutes` after they were asked for, then messages whose sending
   * run has held them that long (its worker died); oldest first.
   */
  async listStale(db: Db, olderThanMinutes: number, limit: number): Promise<string[]> {
    const before = sql`now() - ${`${olderThanMinutes} minutes`}::interval`;
    const queued = await db
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.status, 'queued'), lt(emailMessages.createdAt, before)))
      .orderBy(emailMessages.createdAt)
      .limit(limit);
    const abandoned =
      queued.length < limit
        ? await db
            .select({ id: emailMessages.id })
            .from(emailMessages)
            .where(and(eq(emailMessages.status, 'sending'), lt(emailMessages.claimedAt, before)))
            .orderBy(emailMessages.claimedAt)
            .limit(limit - queued.length)
        : [];
    return [...queued, ...abandoned].map((r) => r.id);
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
