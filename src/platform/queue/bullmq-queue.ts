/** BullMQ producer: enqueues onto Redis; `saas-cli worker` / `npm run worker` consumes. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { QUEUE_NAMES, type JobDefinition, type JobQueue, type QueueName } from './queue.js';

/** `prefix`: the Redis key prefix; producers and workers must agree on it (tests use their own). */
export function createBullmqQueue(connection: Redis, log: Logger, definitions: JobDefinition<unknown>[] = [], prefix = 'saas'): JobQueue {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const queues = new Map<QueueName, Queue>(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection, prefix })]));
  // Without a listener, every queue prints raw connection errors while Redis is down; the
  // connection itself already logs them once, through our logger.
  for (const queue of queues.values()) queue.on('error', (err) => log.debug({ err: err.message, queue: queue.name }, 'queue error'));
  return {
    channel: prefix,
    register(more) {
      for (const d of more) byName.set(d.name, d);
    },
    definitions: () => [...byName.values()],
    async enqueue(name, payload, options = {}) {
      const definition = byName.get(name);
      if (!definition) throw new Error(`Unknown job "${name}"`);
      definition.parse(payload);
      await queues.get(definition.queue)!.add(name, payload, {
        ...(options.dedupeKey ? { deduplication: { id: options.dedupeKey } } : {}),
        delay: options.delayMs,
        attempts: definition.attempts ?? 3,
        backoff: { type: 'exponential', delay: definition.backoffMs ?? 1000, jitter: 0.5 },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: false,
      });
    },
    async ping() {
      await connection.ping();
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
