/**
 * The transactional outbox: a write that must cause a job inserts a row here in its own
 * transaction; the relay moves committed rows to the queue. Global (not tenant-owned): payloads
 * carry ids, the tenant's among them.
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The job to queue, such as `email.send`. */
    job: text('job').notNull(),
    /** The queues it goes to (the queue port's `channel`): a relay takes only its own channel's rows. */
    channel: text('channel').notNull().default('saas'),
    payload: jsonb('payload').notNull(),
    dedupeKey: text('dedupe_key'),
    /** Queue the job no earlier than this. */
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set once the job is on the queue. */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    /** Failed attempts to queue it (the queue was unreachable), and why the last one failed. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_messages_pending_idx').on(t.channel, t.availableAt).where(sql`${t.dispatchedAt} is null`)],
);

/**
 * Jobs that used up their attempts on the embedded default (the in-process runner), with their
 * error: its failed set, kept across restarts, shown at /admin/jobs and by `saas-cli jobs failed`.
 * With Redis, BullMQ keeps the failed set itself and this table stays empty.
 */
export const jobFailures = pgTable(
  'job_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The run's id (the in-process runner's). */
    jobId: text('job_id').notNull(),
    /** The job, such as `email.send`, and its queue. */
    job: text('job').notNull(),
    queue: text('queue').notNull(),
    payload: jsonb('payload').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when an operator queued it again. */
    retriedAt: timestamp('retried_at', { withTimezone: true }),
  },
  (t) => [index('job_failures_open_idx').on(t.failedAt).where(sql`${t.retriedAt} is null`)],
);
