/**
 * The transactional outbox: a job recorded in a transaction is queued only if the transaction
 * commits, reaches the queue through the relay, and survives a queue that is down (or a process
 * that dies) between the commit and the enqueue.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { createOutbox } from '../../src/modules/jobs/index.js';
import { outboxMessages } from '../../src/modules/jobs/jobs.tables.js';
import type { JobQueue } from '../../src/platform/queue/queue.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  // These tests drive the relay themselves.
  t = await startTestApp({ OUTBOX_RELAY: 'false' });
});
after(async () => t?.close());

/** A queue that records what it is given (or refuses while `down`). */
function recordingQueue() {
  const queued: { name: string; payload: unknown; dedupeKey?: string | undefined }[] = [];
  const queue: JobQueue & { down: boolean } = {
    // One channel for every outbox of this file: rows written by one are relayed by another.
    channel: 'outbox-test',
    down: false,
    register() {},
    definitions: () => [],
    async enqueue(name, payload, options = {}) {
      if (queue.down) throw new Error('queue unreachable');
      queued.push({ name, payload, dedupeKey: options.dedupeKey });
    },
    async ping() {},
    async close() {},
  };
  return { queue, queued };
}

const marker = () => `m-${Math.random().toString(36).slice(2)}`;
const rowsFor = (m: string) => t.deps.database.db.select().from(outboxMessages).where(sql`${outboxMessages.payload}->>'marker' = ${m}`);

test('a rolled-back transaction queues nothing; a committed one queues its job once', async () => {
  const { queue, queued } = recordingQueue();
  const outbox = createOutbox({ database: t.deps.database, queue, log: pino({ level: 'silent' }) });
  const rolledBack = marker();
  await assert.rejects(
    t.deps.database.transaction(async (tx) => {
      await outbox.add(tx, 'test.job', { marker: rolledBack });
      throw new Error('the write failed');
    }),
    /the write failed/,
  );
  const committed = marker();
  await t.deps.database.transaction((tx) => outbox.add(tx, 'test.job', { marker: committed }));
  // Relay until our row is through (other tests' rows may share the table).
  for (let i = 0; i < 20 && !queued.some((q) => (q.payload as { marker: string }).marker === committed); i++) await outbox.relayOnce();
  const ours = queued.filter((q) => [rolledBack, committed].includes((q.payload as { marker: string }).marker));
  assert.deepEqual(ours.map((q) => (q.payload as { marker: string }).marker), [committed]);
  assert.match(ours[0]!.dedupeKey ?? '', /^outbox:/);
  assert.equal((await rowsFor(rolledBack)).length, 0);
  const [row] = await rowsFor(committed);
  assert.ok(row?.dispatchedAt, 'marked dispatched');
  // A second pass does not queue it again.
  await outbox.relayOnce();
  assert.equal(queued.filter((q) => (q.payload as { marker: string }).marker === committed).length, 1);
});

test('a queue that is down keeps the row; the next pass (here, another process) queues it', async () => {
  const first = recordingQueue();
  first.queue.down = true;
  const log = pino({ level: 'silent' });
  const dying = createOutbox({ database: t.deps.database, queue: first.queue, log });
  const m = marker();
  await t.deps.database.transaction((tx) => dying.add(tx, 'test.job', { marker: m }));
  for (let i = 0; i < 5; i++) await dying.relayOnce();
  const [kept] = await rowsFor(m);
  assert.equal(kept?.dispatchedAt, null);
  assert.ok((kept?.attempts ?? 0) >= 1);
  assert.match(kept?.lastError ?? '', /unreachable/);

  // The failed row waits a little before its next try; make it due now.
  await t.deps.database.db.update(outboxMessages).set({ availableAt: sql`now()` }).where(eq(outboxMessages.id, kept!.id));
  const second = recordingQueue();
  const survivor = createOutbox({ database: t.deps.database, queue: second.queue, log });
  for (let i = 0; i < 20 && !second.queued.some((q) => (q.payload as { marker: string }).marker === m); i++) await survivor.relayOnce();
  assert.equal(second.queued.filter((q) => (q.payload as { marker: string }).marker === m).length, 1);
  const [done] = await t.deps.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, kept!.id));
  assert.ok(done?.dispatchedAt);
});

test('a delayed row waits until it is due', async () => {
  const { queue, queued } = recordingQueue();
  const outbox = createOutbox({ database: t.deps.database, queue, log: pino({ level: 'silent' }) });
  const m = marker();
  await t.deps.database.transaction((tx) => outbox.add(tx, 'test.job', { marker: m }, { delayMs: 60_000 }));
  for (let i = 0; i < 3; i++) await outbox.relayOnce();
  assert.equal(queued.filter((q) => (q.payload as { marker: string }).marker === m).length, 0);
  await t.deps.database.db.update(outboxMessages).set({ availableAt: sql`now() - interval '1 second'` }).where(sql`${outboxMessages.payload}->>'marker' = ${m}`);
  for (let i = 0; i < 20 && !queued.some((q) => (q.payload as { marker: string }).marker === m); i++) await outbox.relayOnce();
  assert.equal(queued.filter((q) => (q.payload as { marker: string }).marker === m).length, 1);
});

test('a row that cannot be queued (an unknown job) does not hold up the rows behind it', async () => {
  const { queue, queued } = recordingQueue();
  const picky: JobQueue = { ...queue, enqueue: async (name, payload, options) => (name === 'test.gone' ? Promise.reject(new Error('Unknown job "test.gone"')) : queue.enqueue(name, payload, options)) };
  const outbox = createOutbox({ database: t.deps.database, queue: picky, log: pino({ level: 'silent' }) });
  const poison = marker();
  const fine = marker();
  await t.deps.database.transaction(async (tx) => {
    await outbox.add(tx, 'test.gone', { marker: poison });
    await outbox.add(tx, 'test.job', { marker: fine });
  });
  for (let i = 0; i < 20 && !queued.some((q) => (q.payload as { marker: string }).marker === fine); i++) await outbox.relayOnce();
  assert.equal(queued.filter((q) => (q.payload as { marker: string }).marker === fine).length, 1);
  const [stuck] = await rowsFor(poison);
  assert.equal(stuck?.dispatchedAt, null);
  assert.ok(stuck!.availableAt.getTime() > Date.now(), 'the failed row waits before its next try');
});
