/**
 * BullMQ consumers for the registered jobs: one Worker per queue, each job handled by its
 * definition (payload checked by `parse` first). Used by the worker process and by tests that run
 * jobs on Redis. `close()` stops taking jobs and waits for the running ones.
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
}

export function startBullmqWorkers(options: BullmqWorkersOptions): { close(): Promise<void> } {
  const byName = new Map(options.definitions.map((j) => [j.name, j]));
  const connection = createRedisClient(options.redisUrl, { forQueue: true });
  const workers = options.queues.map(
    (queue) =>
      new Worker(
        queue,
        async (job) => {
          const definition = byName.get(job.name);
          if (!definition) throw new Error(`no handler for job "${job.name}"`);
          await definition.handle(definition.parse(job.data), { jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
        },
        { connection, prefix: options.prefix ?? 'saas', concurrency: options.concurrency },
      ),
  );
  for (const w of workers) w.on('failed', (job, err) => options.log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'job failed'));
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
