/**
 * BullMQ consumers for the registered jobs: one Worker per queue, each job handled by its
 * definition (payload checked by `parse` first). Used by the worker process and by tests that run
 * jobs on Redis. `close()` stops taking jobs and waits for the running ones; `close({ force: true })`
 * stops at once, and BullMQ hands the unfinished jobs back as stalled once their locks expire.
 */
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createRedisClient } from '../cache/redis-cache.js';
import type { JobDefinition, QueueName } from './queue.js';

export interface BullmqWorkersOptions {
  redisUrl: string;
  definitions: JobDefinition<unknown>[];
  queues: readonly QueueName[];
  concurrency: number;
  log: Logger;
  /** The Redis key prefix of the queues (as the producer's). */
  prefix?: string;
  /** How long a running job's lock lasts before it must be renewed (renewed at half of it); default 30 s. */
  lockDurationMs?: number;
  /** How often a worker looks for jobs whose lock expired (their worker died) and puts them back; default 30 s. */
  stalledIntervalMs?: number;
  /** How many times a job may be handed back as stalled before it fails; default 1 (BullMQ's). */
  maxStalledCount?: number;
}

export interface BullmqWorkers {
  /** True while every worker takes jobs. */
  running(): boolean;
  /** Jobs being handled by this process now. */
  active(): number;
  close(options?: { force?: boolean }): Promise<void>;
}

export function startBullmqWorkers(options: BullmqWorkersOptions): BullmqWorkers {
  const byName = new Map(options.definitions.map((j) => [j.name, j]));
  const connection = createRedisClient(options.redisUrl, { forQueue: true });
  let active = 0;
  const workers = options.queues.map(
    (queue) =>
      new Worker(
        queue,
        async (job) => {
          const definition = byName.get(job.name);
          if (!definition) throw new Error(`no handler for job "${job.name}"`);
          active++;
          try {
            await definition.handle(definition.parse(job.data), { jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
          } finally {
            active--;
          }
        },
        {
          connection,
          prefix: options.prefix ?? 'saas',
          concurrency: options.concurrency,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          maxStalledCount: options.maxStalledCount ?? 1,
        },
      ),
  );
  for (const w of workers) {
    w.on('failed', (job, err) => {
      const attempts = job?.opts.attempts ?? 1;
      const attempt = job?.attemptsMade ?? 0;
      const final = attempt >= attempts;
      options.log[final ? 'error' : 'warn']({ queue: w.name, job: job?.name, jobId: job?.id, attempt, attempts, err: err.message }, final ? 'job failed for good: kept in the failed set' : 'job failed, will retry');
    });
    w.on('stalled', (jobId) => options.log.warn({ queue: w.name, jobId }, 'job stalled (its worker stopped): handed back to the queue'));
    w.on('error', (err) => options.log.warn({ queue: w.name, err: err.message }, 'worker error'));
  }
  return {
    running: () => workers.every((w) => w.isRunning()),
    active: () => active,
    async close(closeOptions = {}) {
      await Promise.all(workers.map((w) => w.close(closeOptions.force === true)));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
