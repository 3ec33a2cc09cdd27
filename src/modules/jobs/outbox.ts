/**
 * The transactional outbox (docs/decisions/015-jobs-outbox-email.md). A write that must cause a job
 * (sign-up -> welcome email, invitation -> email) calls `add(tx, ...)` inside its own transaction:
 * the row commits with the write or not at all. The relay then moves committed rows to the queue
 * and marks them dispatched, so a process killed between the commit and the enqueue loses nothing:
 * the next relay pass (in any process) queues the job.
 *
 * Delivery is at least once: a relay killed after enqueueing but before marking the row queues the
 * job again, so handlers stay idempotent (they key their effect on ids in the payload).
 */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, Db } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/queue/queue.js';
import { outboxMessages } from './jobs.tables.js';

export interface OutboxAddOptions {
  /** Dropped while a job with the same key is pending (see the queue port). */
  dedupeKey?: string;
  /** Queue it no earlier than this many milliseconds from now. */
  delayMs?: number;
}

/** How many rows one relay pass moves. */
const BATCH = 100;
/** How often the relay looks for rows when nothing nudged it. */
const DEFAULT_POLL_MS = 1000;

export function createOutbox(deps: { database: Database; queue: JobQueue; log: Logger }) {
  let nudge: (() => void) | null = null;

  const outbox = {
    /**
     * Records that `job` must run with `payload`, in the caller's transaction (any Drizzle handle of
     * it, tenant-scoped or not). The job is queued once the transaction has committed.
     */
    async add(tx: Db, job: string, payload: unknown, options: OutboxAddOptions = {}): Promise<string> {
      const [row] = await tx
        .insert(outboxMessages)
        .values({
          job,
          channel: deps.queue.channel,
          payload,
          dedupeKey: options.dedupeKey ?? null,
          ...(options.delayMs ? { availableAt: sql`now() + ${`${Math.max(0, Math.round(options.delayMs))} milliseconds`}::interval` } : {}),
        })
        .returning({ id: outboxMessages.id });
      // The transaction has not committed yet: wake the relay shortly, it polls anyway.
      setTimeout(() => nudge?.(), 25).unref();
      return row!.id;
    },

    /**
     * One relay pass: queues committed, due rows (oldest first) and marks them dispatched. Rows are
     * locked with SKIP LOCKED, so several processes relay side by side without queueing a row twice
     * in the same moment. Returns how many rows it queued.
     */
    async relayOnce(limit = BATCH): Promise<number> {
      return deps.database.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(outboxMessages)
          .where(and(eq(outboxMessages.channel, deps.queue.channel), isNull(outboxMessages.dispatchedAt), lte(outboxMessages.availableAt, sql`now()`)))
          .orderBy(asc(outboxMessages.availableAt))
          .limit(limit)
          .for('update', { skipLocked: true });
        let queued = 0;
        let failures = 0;
        for (const row of rows) {
          try {
            await deps.queue.enqueue(row.job, row.payload, { dedupeKey: row.dedupeKey ?? `outbox:${row.id}` });
          } catch (err) {
            // The queue is unreachable, or the job unknown: keep the row and try it again later, each
            // time a little later (up to 10 minutes), so one bad row never holds up the others.
            deps.log.warn({ err, job: row.job, outboxId: row.id }, 'outbox: could not queue a job; will retry');
            const waitSeconds = Math.min(600, 2 ** Math.min(row.attempts, 10));
            await tx
              .update(outboxMessages)
              .set({
                attempts: sql`${outboxMessages.attempts} + 1`,
                lastError: (err as Error).message.slice(0, 500),
                availableAt: sql`now() + ${`${waitSeconds} seconds`}::interval`,
              })
              .where(eq(outboxMessages.id, row.id));
            // Several failures in a row: the queue is down; the next pass tries again.
            if (++failures >= 3) break;
            continue;
          }
          failures = 0;
          await tx.update(outboxMessages).set({ dispatchedAt: sql`now()` }).where(eq(outboxMessages.id, row.id));
          queued++;
        }
        return queued;
      });
    },

    /** Rows not yet on the queue (for probes and `saas-cli jobs stats`). */
    async pendingCount(): Promise<number> {
      const [row] = await deps.database.db.select({ n: sql<number>`count(*)::int` }).from(outboxMessages).where(isNull(outboxMessages.dispatchedAt));
      return Number(row?.n ?? 0);
    },

    /**
     * Runs the relay in this process until `stop()`: a pass every `pollMs`, and soon after each
     * `add`. A pass that fails (database away) is logged and tried again at the next tick.
     */
    start(options: { pollMs?: number } = {}): { stop(): Promise<void> } {
      const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
      let stopped = false;
      let running: Promise<void> | null = null;
      let again = false;
      const pass = () => {
        if (stopped) return;
        if (running) {
          again = true;
          return;
        }
        running = (async () => {
          do {
            again = false;
            try {
              // A full batch means more may be waiting.
              while (!stopped && (await outbox.relayOnce()) === BATCH);
            } catch (err) {
              deps.log.warn({ err }, 'outbox: relay pass failed; will retry');
            }
          } while (again && !stopped);
        })().finally(() => {
          running = null;
        });
      };
      nudge = pass;
      const timer = setInterval(pass, pollMs);
      timer.unref();
      pass();
      return {
        async stop() {
          stopped = true;
          clearInterval(timer);
          if (nudge === pass) nudge = null;
          await running;
        },
      };
    },
  };
  return outbox;
}

export type Outbox = ReturnType<typeof createOutbox>;
