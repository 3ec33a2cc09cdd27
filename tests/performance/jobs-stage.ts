/**
 * Benchmark staging for the jobs figure: queues BENCH_JOBS welcome emails through the app's own
 * email service (rendered, stored in `email_messages`, outbox row in the same transaction), then
 * relays the outbox onto the BullMQ `email` queue, so that a worker started afterwards finds every
 * `email.send` job waiting. Run with tsx against the benchmark database and Redis:
 *
 *   DATABASE_URL=postgres://... REDIS_URL=redis://... BENCH_JOBS=3000 tsx tests/performance/jobs-stage.ts
 *
 * Progress goes to stderr; one JSON line on stdout: {"jobs","stageMs","relayMs","recipientDomain"}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { benchConfig } from './bench-config.js';
import { buildDeps } from '../../src/platform/deps.js';
import { createServices } from '../../src/services.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 3000);
/** Messages queued at once (each in its own transaction, like sign-ups arriving together). */
const PARALLEL = 10;
export const RECIPIENT_DOMAIN = 'bench.example.com';

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('DATABASE_URL and REDIS_URL are required');
  if (!Number.isInteger(JOBS) || JOBS < 1) throw new Error(`BENCH_JOBS must be a positive whole number, got ${process.env.BENCH_JOBS}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-bench-jobs-'));
  const config = benchConfig(dataDir, { REDIS_URL: process.env.REDIS_URL });
  const log = pino({ level: 'warn' }, pino.destination(2));
  const deps = await buildDeps(config, log, { migrate: false });
  try {
    const services = createServices(deps);
    // Rows for other queues (the seed's, made without Redis) stay where they are.
    const pendingBefore = await services.outbox.pendingCount();
    let t = performance.now();
    let next = 0;
    const queueOne = async () => {
      for (let i = next++; i < JOBS; i = next++) {
        await services.email.sendTemplateEmail({
          to: `person-${i}@${RECIPIENT_DOMAIN}`,
          template: 'welcome',
          context: { name: `Person ${i}`, email: `person-${i}@${RECIPIENT_DOMAIN}`, workspaceName: 'Bench workspace', workspaceUrl: 'http://bench.localhost:8000/' },
        });
        if ((i + 1) % 1000 === 0) process.stderr.write(`  queued ${i + 1}/${JOBS} messages\n`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, queueOne));
    const stageMs = performance.now() - t;

    t = performance.now();
    while ((await services.outbox.relayOnce(500)) > 0);
    const relayMs = performance.now() - t;
    const left = (await services.outbox.pendingCount()) - pendingBefore;
    if (left !== 0) throw new Error(`${left} outbox rows were not relayed`);
    process.stdout.write(JSON.stringify({ jobs: JOBS, stageMs, relayMs, recipientDomain: RECIPIENT_DOMAIN }) + '\n');
  } finally {
    await deps.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`jobs staging failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
