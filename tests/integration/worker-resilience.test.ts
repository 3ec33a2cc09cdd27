/**
 * The worker against real Redis and PostgreSQL: a worker killed with SIGKILL ten times in the middle
 * of 200 jobs loses none and each job's database effect happens exactly once; a job that always fails
 * ends in the failed set after its attempts and can be retried; workers starting together register
 * each schedule once; SIGTERM lets the running job finish, /ready answers 503 meanwhile, exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createRedisClient } from '../../src/platform/cache/redis-cache.js';
import { createBullmqAdmin, type BullmqAdmin } from '../../src/platform/queue/bullmq-admin.js';
import { startBullmqWorkers } from '../../src/platform/queue/bullmq-worker.js';
import { defineJob, QUEUE_NAMES, type JobDefinition } from '../../src/platform/queue/queue.js';
import { registerBullmqSchedules } from '../../src/platform/queue/schedules.js';
import { SCHEDULES } from '../../src/modules/jobs/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { EFFECT_JOB, effectJob, effectTables } from '../support/effect-worker.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const skip = process.env.REDIS_URL && process.env.DATABASE_URL ? false : 'needs Redis and PostgreSQL (set REDIS_URL and DATABASE_URL): the worker is a separate process';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SUFFIX = `w${crypto.randomBytes(4).toString('hex')}`;
const tables = effectTables(SUFFIX);

let t: TestApp;
let admin: BullmqAdmin;
const children = new Set<ChildProcess>();

function rows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}

async function query<T>(text: string): Promise<T[]> {
  return rows<T>(await t.deps.database.db.execute(sql.raw(text)));
}

/** Starts tests/support/effect-worker.ts; resolves once it takes jobs (`ready`, or the worker's start line). */
function startChild(mode: 'light' | 'full', env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/effect-worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      SECRET_KEY: 'worker-test-secret-0123456789abcdef-0123',
      APP_BASE_DOMAIN: 'localhost',
      SEED_DEMO: 'false',
      LOG_LEVEL: mode === 'full' ? 'info' : 'silent',
      WORKER_HEALTH_PORT: '0',
      QUEUE_PREFIX: t.deps.queuePrefix,
      EFFECT_TABLES: SUFFIX,
      WORKER_MODE: mode,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 30_000);
    const check = () => {
      if (/^ready$|"msg":"worker started"/m.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it started:\n${out}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

async function until(what: string, fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('worker process', { skip }, () => {
  before(async () => {
    t = await startTestApp();
    await t.deps.withOwnerDb(async (db) => {
      for (const statement of tables.create) await db.execute(sql.raw(statement));
    });
    t.deps.queue.register([effectJob(t.deps.database, SUFFIX, 150)]);
    admin = createBullmqAdmin(t.deps.redis!, t.deps.queuePrefix);
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await admin?.close();
    await t?.deps.withOwnerDb(async (db) => {
      for (const name of [tables.done, tables.effects, tables.starts]) await db.execute(sql.raw(`drop table if exists ${name}`));
    });
    await t?.close();
  });

  test('SIGKILL ten times in the middle of 200 jobs: none lost, each effect exactly once', { timeout: 90_000 }, async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `kill-${i}`);
    for (const key of keys) await t.deps.queue.enqueue(EFFECT_JOB, { key });
    for (let i = 0; i < 10; i++) {
      const { child } = await startChild('light');
      await sleep(250 + crypto.randomInt(600));
      child.kill('SIGKILL');
      await exited(child);
    }
    const { child } = await startChild('light');
    await until(
      'every job to finish',
      async () => {
        const [done] = await query<{ n: number }>(`select count(*)::int as n from ${tables.done} where key like 'kill-%'`);
        const counts = (await admin.stats()).find((c) => c.queue === 'maintenance')!;
        return done!.n === 200 && counts.waiting + counts.active + counts.delayed === 0;
      },
      45_000,
    );
    child.kill('SIGTERM');
    await exited(child);

    const effects = await query<{ key: string; runs: number }>(`select key, runs from ${tables.effects} where key like 'kill-%'`);
    assert.deepEqual(effects.map((e) => e.key).sort(), [...keys].sort());
    assert.deepEqual(effects.filter((e) => e.runs !== 1), [], 'an effect ran more than once');
    // The kills did cut jobs short: some handlers started more than once, yet no effect doubled.
    const [starts] = await query<{ n: number }>(`select coalesce(sum(runs), 0)::int as n from ${tables.starts} where key like 'kill-%'`);
    assert.ok(starts!.n > 200, `expected re-runs after the kills, got ${starts!.n} starts for 200 jobs`);
    assert.equal((await admin.stats()).find((c) => c.queue === 'maintenance')!.failed, 0);
  });

  test('a job that always fails ends in the failed set after its attempts, with its error; retry puts it back', async () => {
    const failing = defineJob<Record<string, never>>({
      name: 'test.always_fails',
      queue: 'maintenance',
      parse: () => ({}),
      attempts: 3,
      backoffMs: 10,
      async handle() {
        throw new Error('the payment provider said no');
      },
    }) as JobDefinition<unknown>;
    t.deps.queue.register([failing]);
    const workers = startBullmqWorkers({ redisUrl: t.config.redisUrl!, definitions: [failing], queues: ['maintenance'], concurrency: 1, log: pino({ level: 'silent' }), prefix: t.deps.queuePrefix });
    await t.deps.queue.enqueue('test.always_fails', {});
    let failed: Awaited<ReturnType<BullmqAdmin['list']>>[number] | undefined;
    await until(
      'the job to fail for good',
      async () => {
        failed = (await admin.list({ queue: 'maintenance', state: 'failed', limit: 10 })).find((j) => j.name === 'test.always_fails');
        return Boolean(failed);
      },
      10_000,
    );
    await workers.close();
    assert.equal(failed!.attemptsMade, 3);
    assert.equal(failed!.attempts, 3);
    assert.match(failed!.failedReason ?? '', /the payment provider said no/);

    const retried = await admin.retry(failed!.id);
    assert.equal(retried.outcome, 'retried');
    const again = await admin.find(failed!.id, 'maintenance');
    assert.equal(again?.state, 'waiting');
    assert.equal(again?.attemptsMade, 0);
    assert.equal((await admin.retry(failed!.id)).outcome, 'not_failed');
    assert.equal((await admin.retry('no-such-job')).outcome, 'not_found');
  });

  test('two workers starting at once register each schedule once; a schedule dropped from code is removed', async () => {
    const prefix = `saas-test-sched-${crypto.randomBytes(4).toString('hex')}`;
    const log = pino({ level: 'silent' });
    const definitions = t.deps.queue.definitions();
    const [a, b] = [createRedisClient(t.config.redisUrl!, { forQueue: true }), createRedisClient(t.config.redisUrl!, { forQueue: true })];
    try {
      await Promise.all([a, b].map((connection) => registerBullmqSchedules({ connection, prefix, schedules: SCHEDULES, definitions, log })));
      const known = new Set(definitions.map((d) => d.name));
      const expected = SCHEDULES.filter((s) => known.has(s.job)).map((s) => s.id);
      assert.ok(expected.includes('maintenance-cleanup') && expected.includes('tenants-purge-due') && expected.includes('domains-verify-pending'));
      const schedulers = async () => {
        const ids: string[] = [];
        const probe = createBullmqAdmin(a, prefix);
        for (const q of probe.queues()) for (const s of await q.getJobSchedulers(0, -1)) ids.push(s.id ?? s.key);
        const patterns = Object.fromEntries(await Promise.all(probe.queues().map(async (q) => [q.name, (await q.getJobSchedulers(0, -1)).map((s) => `${s.pattern}@${s.tz}`)])));
        await probe.close();
        return { ids: ids.sort(), patterns };
      };
      const first = await schedulers();
      assert.deepEqual(first.ids, [...expected].sort());
      assert.ok((first.patterns.maintenance as string[]).includes('15 * * * *@UTC'));

      await registerBullmqSchedules({ connection: a, prefix, schedules: SCHEDULES.filter((s) => s.id !== 'domains-verify-pending'), definitions, log });
      assert.deepEqual((await schedulers()).ids, expected.filter((id) => id !== 'domains-verify-pending').sort());
    } finally {
      const cleanup = createBullmqAdmin(a, prefix);
      for (const q of cleanup.queues()) await q.obliterate({ force: true }).catch(() => undefined);
      await cleanup.close();
      await Promise.all([a.quit(), b.quit()]);
    }
    assert.equal(QUEUE_NAMES.length, 5);
  });

  test('SIGTERM while a job runs: the job completes, /ready answers 503 meanwhile, the process exits 0', { timeout: 90_000 }, async () => {
    const port = 20_000 + crypto.randomInt(20_000);
    const { child, output } = await startChild('full', { WORKER_HEALTH_PORT: String(port), JOB_MS: '4000', WORKER_SHUTDOWN_SECONDS: '30' });
    const probe = async (p: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`);
      return { status: res.status, body: (await res.json()) as { status: string; checks?: Record<string, { status: string }> } };
    };
    await until('the probe server', async () => (await probe('/health').catch(() => null))?.status === 200, 15_000);
    const ready = await probe('/ready');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal(ready.body.checks?.workers?.status, 'ok');

    await t.deps.queue.enqueue(EFFECT_JOB, { key: 'slow-1' });
    await until('the slow job to start', async () => (await query(`select 1 from ${tables.starts} where key = 'slow-1'`)).length === 1, 15_000);
    child.kill('SIGTERM');
    // The job holds the shutdown for a few seconds: meanwhile the worker is alive but not ready.
    await until('/ready to answer 503', async () => (await probe('/ready').catch(() => null))?.status === 503, 3000);
    assert.equal((await probe('/health')).status, 200);
    assert.equal(child.exitCode, null, 'the worker waited for the running job');
    const code = await exited(child);
    assert.equal(code, 0, output());
    const effects = await query<{ runs: number }>(`select runs from ${tables.effects} where key = 'slow-1'`);
    assert.deepEqual(effects.map((e) => e.runs), [1]);
    const job = (await admin.list({ queue: 'maintenance', state: 'completed', limit: 500 })).find((j) => (j.data as { key?: string }).key === 'slow-1');
    assert.ok(job, 'the slow job completed (it was not handed back as stalled)');
    assert.match(output(), /worker stopping: finishing running jobs/);
    assert.match(output(), /worker stopped/);
  });
});
