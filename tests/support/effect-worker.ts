/**
 * A worker process for the worker tests, started as a child and killed or stopped by them.
 *
 * `light` mode builds the dependencies as src/worker.ts does and consumes one test job,
 * `test.effect`, with startBullmqWorkers (short locks, so a killed worker's jobs come back within
 * seconds). `full` mode runs the real worker (runWorker: probes, SIGTERM handling) with that job
 * added. `light` prints `ready` on stdout once it takes jobs; `full`
 * logs `worker started` (LOG_LEVEL=info).
 *
 * The job's database effect is exactly once for real: in one transaction it marks the key done
 * (`on conflict do nothing`) and, only when the mark is new, counts the effect. A run cut short
 * before the commit leaves nothing; one cut short after it finds the mark and does nothing.
 * Every start of the handler is counted too (outside the transaction), to show re-runs happened.
 *
 * Env: QUEUE_PREFIX, EFFECT_TABLES (a suffix for the job_effects_* tables), WORKER_MODE, JOB_MS.
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import type { Database } from '../../src/platform/db/database.js';
import { defineJob, type JobDefinition } from '../../src/platform/queue/queue.js';

export const EFFECT_JOB = 'test.effect';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The tables of one test run (created by the test as the schema owner). */
export function effectTables(suffix: string) {
  if (!/^[a-z0-9_]+$/.test(suffix)) throw new Error('bad table suffix');
  return {
    done: `job_done_${suffix}`,
    effects: `job_effects_${suffix}`,
    starts: `job_starts_${suffix}`,
    create: [
      `create table if not exists job_done_${suffix} (key text primary key)`,
      `create table if not exists job_effects_${suffix} (key text primary key, runs int not null)`,
      `create table if not exists job_starts_${suffix} (key text primary key, runs int not null)`,
    ],
  };
}

export function effectJob(database: Database, suffix: string, jobMs: number): JobDefinition<unknown> {
  const t = effectTables(suffix);
  return defineJob<{ key: string }>({
    name: EFFECT_JOB,
    queue: 'maintenance',
    parse: (payload) => {
      const key = (payload as { key?: unknown } | null)?.key;
      if (typeof key !== 'string' || !key) throw new Error('test.effect: payload needs a key');
      return { key };
    },
    attempts: 3,
    backoffMs: 100,
    async handle({ key }) {
      await database.db.execute(sql`insert into ${sql.identifier(t.starts)} (key, runs) values (${key}, 1) on conflict (key) do update set runs = ${sql.identifier(t.starts)}.runs + 1`);
      await sleep(jobMs / 3);
      await database.transaction(async (tx) => {
        const marked = await tx.execute(sql`insert into ${sql.identifier(t.done)} (key) values (${key}) on conflict do nothing returning key`);
        const rows = Array.isArray(marked) ? marked : ((marked as { rows?: unknown[] }).rows ?? []);
        if (rows.length === 0) return; // done by an earlier run
        await tx.execute(sql`insert into ${sql.identifier(t.effects)} (key, runs) values (${key}, 1) on conflict (key) do update set runs = ${sql.identifier(t.effects)}.runs + 1`);
        await sleep(jobMs / 3); // inside the transaction: a kill here rolls the mark back too
      });
      await sleep(jobMs / 3);
    },
  }) as JobDefinition<unknown>;
}

async function main() {
  const prefix = process.env.QUEUE_PREFIX!;
  const suffix = process.env.EFFECT_TABLES!;
  const jobMs = Number(process.env.JOB_MS ?? 150);
  if (process.env.WORKER_MODE === 'full') {
    const { runWorker } = await import('../../src/worker.js');
    const { buildDeps } = await import('../../src/platform/deps.js');
    const { loadConfig } = await import('../../src/platform/config.js');
    // The job's own database handle (the worker's deps are inside runWorker).
    const deps = await buildDeps(loadConfig(), pino({ level: 'silent' }), { queuePrefix: prefix });
    await runWorker({
      queues: ['maintenance'],
      concurrency: 2,
      testing: { queuePrefix: prefix, jobs: [effectJob(deps.database, suffix, jobMs)], schedules: [], outboxRelay: false, lockDurationMs: 2000, stalledIntervalMs: 1000 },
    });
    await deps.close();
    process.exit(0);
  }
  const { loadConfig } = await import('../../src/platform/config.js');
  const { buildDeps } = await import('../../src/platform/deps.js');
  const { startBullmqWorkers } = await import('../../src/platform/queue/bullmq-worker.js');
  const config = loadConfig();
  const log = pino({ level: 'silent' });
  const deps = await buildDeps(config, log, { queuePrefix: prefix });
  deps.queue.register([effectJob(deps.database, suffix, jobMs)]);
  startBullmqWorkers({
    redisUrl: config.redisUrl!,
    definitions: deps.queue.definitions(),
    queues: ['maintenance'],
    concurrency: 3,
    log,
    prefix,
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    // Killed ten times, a job may be cut short more than once: it must come back each time, not fail.
    maxStalledCount: 100,
  });
  process.stdout.write('ready\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
