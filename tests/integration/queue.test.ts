/** The job queue port: the in-process runner (embedded default) and the BullMQ producer (Redis). */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import pino from 'pino';
import { createInProcessQueue } from '../../src/platform/queue/in-process-queue.js';
import { defineJob, type JobDefinition } from '../../src/platform/queue/queue.js';

const log = pino({ level: 'silent' });

function parseIds(payload: unknown): { id: string } {
  if (!payload || typeof payload !== 'object' || typeof (payload as { id?: unknown }).id !== 'string') throw new Error('payload.id must be a string');
  return payload as { id: string };
}

test('in-process: a job runs, a failing one is retried, bad payloads are refused at enqueue', async () => {
  const done: string[] = [];
  let flaky = 0;
  const jobs = [
    defineJob({ name: 'test.ok', queue: 'maintenance', parse: parseIds, handle: async (p) => void done.push(p.id) }),
    defineJob({
      name: 'test.flaky',
      queue: 'maintenance',
      attempts: 3,
      backoffMs: 1,
      parse: parseIds,
      handle: async (p) => {
        if (++flaky < 3) throw new Error('not yet');
        done.push(p.id);
      },
    }),
  ] as JobDefinition<unknown>[];
  const queue = createInProcessQueue(log, jobs);
  await queue.enqueue('test.ok', { id: 'a' });
  await queue.enqueue('test.flaky', { id: 'b' });
  await assert.rejects(queue.enqueue('test.ok', { nope: 1 }), /payload.id/);
  await assert.rejects(queue.enqueue('test.unknown', { id: 'x' }), /Unknown job/);
  await queue.drain();
  assert.deepEqual(done.sort(), ['a', 'b']);
  assert.equal(flaky, 3);

  // A dedupe key drops a second job while the first is pending, and is free again once it ran.
  await queue.enqueue('test.ok', { id: 'c' }, { dedupeKey: 'k' });
  await queue.enqueue('test.ok', { id: 'd' }, { dedupeKey: 'k' });
  await queue.drain();
  await queue.enqueue('test.ok', { id: 'e' }, { dedupeKey: 'k' });
  await queue.drain();
  assert.deepEqual(done.sort(), ['a', 'b', 'c', 'e']);
  await queue.close();
});

test('BullMQ: enqueued jobs land on their queue in Redis with retries configured', { skip: process.env.REDIS_URL ? false : 'needs Redis (set REDIS_URL)' }, async () => {
  const { createRedisClient } = await import('../../src/platform/cache/redis-cache.js');
  const { createBullmqQueue } = await import('../../src/platform/queue/bullmq-queue.js');
  const { Queue } = await import('bullmq');
  const redis = createRedisClient(process.env.REDIS_URL!, { forQueue: true });
  const jobs = [defineJob({ name: 'test.noop', queue: 'maintenance', attempts: 4, parse: parseIds, handle: async () => {} })] as JobDefinition<unknown>[];
  // Queues of its own: nothing else on this Redis sees or takes these jobs.
  const prefix = `saas-test-${crypto.randomUUID()}`;
  const queue = createBullmqQueue(redis, log, jobs, prefix);
  const dedupeKey = `test-${crypto.randomUUID()}`;
  const inspect = new Queue('maintenance', { connection: redis, prefix });
  try {
    await queue.enqueue('test.noop', { id: 'x' }, { dedupeKey });
    await queue.enqueue('test.noop', { id: 'x' }, { dedupeKey }); // same key while the first waits: dropped
    await queue.enqueue('test.noop', { id: 'y' });
    const waiting = await inspect.getJobs(['waiting']);
    assert.equal(waiting.length, 2);
    const job = waiting.find((j) => (j.data as { id: string }).id === 'x')!;
    assert.equal(job.name, 'test.noop');
    assert.equal(job.opts.attempts, 4);
    assert.deepEqual(job.opts.backoff, { type: 'exponential', delay: 1000, jitter: 0.5 });
    assert.equal(job.opts.deduplication?.id, dedupeKey);
    await inspect.obliterate({ force: true });
  } finally {
    await inspect.close();
    await queue.close();
    await redis.quit();
  }
});
