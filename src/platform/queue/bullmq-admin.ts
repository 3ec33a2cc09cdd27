/**
 * Operations on the BullMQ queues for `saas-cli jobs` and the dashboard: counts, listings, the
 * failed set (jobs that used up their attempts stay there with their error) and retries.
 */
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type QueueName } from './queue.js';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobSummary {
  id: string;
  queue: QueueName;
  name: string;
  state: string;
  attemptsMade: number;
  attempts: number;
  failedReason: string | null;
  data: unknown;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface QueueCounts {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

function summarize(queue: QueueName, job: Job, state: string): JobSummary {
  return {
    id: job.id ?? '',
    queue,
    name: job.name,
    state,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    failedReason: job.failedReason || null,
    data: job.data,
    createdAt: new Date(job.timestamp),
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}

export function createBullmqAdmin(connection: Redis, prefix = 'saas') {
  const queues = new Map<QueueName, Queue>(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection, prefix })]));
  for (const q of queues.values()) q.on('error', () => {});
  const pick = (queue?: QueueName) => (queue ? [queue] : [...QUEUE_NAMES]);

  return {
    /** The BullMQ Queue objects (the dashboard shows them). */
    queues: () => [...queues.values()],

    async stats(): Promise<QueueCounts[]> {
      return Promise.all(
        QUEUE_NAMES.map(async (queue) => {
          const c = await queues.get(queue)!.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
          return { queue, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
        }),
      );
    },

    /** Newest first, across the chosen queues. */
    async list(options: { queue?: QueueName; state: JobState; limit: number }): Promise<JobSummary[]> {
      const all: JobSummary[] = [];
      for (const queue of pick(options.queue)) {
        const jobs = await queues.get(queue)!.getJobs([options.state], 0, options.limit - 1, false);
        all.push(...jobs.filter(Boolean).map((j) => summarize(queue, j, options.state)));
      }
      return all.sort((a, b) => (b.finishedAt ?? b.createdAt).getTime() - (a.finishedAt ?? a.createdAt).getTime()).slice(0, options.limit);
    },

    /** The job with this id and its state, searched in `queue` or in every queue. */
    async find(id: string, queue?: QueueName): Promise<JobSummary | null> {
      for (const name of pick(queue)) {
        const job = await queues.get(name)!.getJob(id);
        if (job) return summarize(name, job, await job.getState());
      }
      return null;
    },

    /** Puts a failed job back on its queue with fresh attempts. 'not_found', or 'not_failed' when it is in another state. */
    async retry(id: string, queue?: QueueName): Promise<{ outcome: 'retried'; job: JobSummary } | { outcome: 'not_found' } | { outcome: 'not_failed'; job: JobSummary }> {
      for (const name of pick(queue)) {
        const job = await queues.get(name)!.getJob(id);
        if (!job) continue;
        const state = await job.getState();
        if (state !== 'failed') return { outcome: 'not_failed', job: summarize(name, job, state) };
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return { outcome: 'retried', job: summarize(name, job, 'waiting') };
      }
      return { outcome: 'not_found' };
    },

    /** Retries every failed job of `queue`, a page at a time; `onProgress(done, total)` after each page. */
    async retryAll(queue: QueueName, onProgress?: (done: number, total: number) => void): Promise<number> {
      const q = queues.get(queue)!;
      const total = await q.getFailedCount();
      let done = 0;
      onProgress?.(0, total);
      for (;;) {
        const page = await q.getFailed(0, 99);
        if (page.length === 0) break;
        for (const job of page) {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => undefined);
          done++;
        }
        onProgress?.(Math.min(done, total), Math.max(total, done));
        if (done >= total * 2 + 100) break; // never loop forever on jobs that fail again at once
      }
      return done;
    },

    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
export type BullmqAdmin = ReturnType<typeof createBullmqAdmin>;
