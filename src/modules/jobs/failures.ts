/**
 * The failed set of the embedded default. The in-process runner reports each job that used up its
 * attempts; it is kept in `job_failures` (so a restart does not forget it) until an operator queues
 * it again from /admin/jobs or `saas-cli jobs retry`. With Redis, BullMQ keeps the failed set and
 * nothing is written here.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/database.js';
import type { FailedJob, JobQueue } from '../../platform/queue/queue.js';
import { jobFailures } from './jobs.tables.js';

export type JobFailureRow = typeof jobFailures.$inferSelect;

/** What a retry did. */
export type RetryOutcome = 'queued' | 'not_found' | 'already_retried' | 'unknown_job';

export function createJobFailures(deps: { database: Database; queue: JobQueue; log: Logger }) {
  const known = (name: string) => deps.queue.definitions().some((d) => d.name === name);

  const failures = {
    /** Starts keeping the in-process runner's failures (no-op with BullMQ). */
    listen(): void {
      deps.queue.onFailed?.((f) => failures.record(f));
    },

    async record(f: FailedJob): Promise<void> {
      await deps.database.db.insert(jobFailures).values({ jobId: f.jobId, job: f.name, queue: f.queue, payload: f.payload ?? {}, error: f.error.slice(0, 2000), attempts: f.attempts });
    },

    /** Failures not retried yet, newest first. */
    async list(options: { limit?: number; queue?: string } = {}): Promise<JobFailureRow[]> {
      return deps.database.db
        .select()
        .from(jobFailures)
        .where(and(isNull(jobFailures.retriedAt), options.queue ? eq(jobFailures.queue, options.queue) : undefined))
        .orderBy(desc(jobFailures.failedAt))
        .limit(options.limit ?? 50);
    },

    async count(): Promise<number> {
      const [row] = await deps.database.db.select({ n: sql<number>`count(*)::int` }).from(jobFailures).where(isNull(jobFailures.retriedAt));
      return Number(row?.n ?? 0);
    },

    /**
     * Queues a failed job again with its payload and marks it retried (once: a second retry of the
     * same failure does nothing). If it fails again, that is a new failure.
     */
    async retry(id: string): Promise<RetryOutcome> {
      const claimed = await failures.take(id);
      if (typeof claimed === 'string') return claimed;
      await deps.queue.enqueue(claimed.job, claimed.payload);
      deps.log.info({ job: claimed.job, failureId: id }, 'failed job queued again');
      return 'queued';
    },

    /** Marks a failure retried and returns it, for the caller to run; or why it cannot be. */
    async take(id: string): Promise<JobFailureRow | Exclude<RetryOutcome, 'queued'>> {
      return deps.database.transaction(async (tx) => {
        const [row] = await tx.select().from(jobFailures).where(eq(jobFailures.id, id)).for('update');
        if (!row) return 'not_found' as const;
        if (row.retriedAt) return 'already_retried' as const;
        if (!known(row.job)) return 'unknown_job' as const;
        await tx.update(jobFailures).set({ retriedAt: sql`now()` }).where(eq(jobFailures.id, id));
        return row;
      });
    },

  };
  return failures;
}

export type JobFailures = ReturnType<typeof createJobFailures>;
