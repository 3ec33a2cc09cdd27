/**
 * Worker process: consumes the job queues. In production, BullMQ workers on Redis; on the embedded
 * default, jobs already run inside the web process, so a separate worker has nothing to do.
 * At start it registers the schedules (idempotent: several workers starting at once leave one
 * scheduler per schedule). SIGTERM/SIGINT: stop taking jobs, wait for the running ones up to
 * WORKER_SHUTDOWN_SECONDS, then close (BullMQ hands back what did not finish as stalled), exit 0.
 * A second signal exits at once. Probes: `GET /health` and `GET /ready` on WORKER_HEALTH_PORT.
 */
import fs from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, withDevSecretKey } from './platform/config.js';
import { buildDeps } from './platform/deps.js';
import { createLogger } from './platform/log.js';
import { createServices } from './services.js';
import { startBullmqWorkers } from './platform/queue/bullmq-worker.js';
import { QUEUE_NAMES, type JobDefinition, type QueueName } from './platform/queue/queue.js';
import { registerBullmqSchedules, type Schedule } from './platform/queue/schedules.js';
import { SCHEDULES } from './modules/jobs/index.js';

export interface WorkerOptions {
  queues?: string[];
  concurrency?: number;
  /** Tests only: queues of their own (a Redis key prefix), extra jobs, no outbox relay, other schedules, short locks. */
  testing?: {
    queuePrefix: string;
    jobs?: JobDefinition<unknown>[];
    schedules?: readonly Schedule[];
    outboxRelay?: boolean;
    lockDurationMs?: number;
    stalledIntervalMs?: number;
  };
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);
}

/** Checks the queue names and concurrency; throws a ConfigError that lists the valid values. */
export function checkWorkerOptions(options: WorkerOptions): { queues: QueueName[]; concurrency: number } {
  const problems: string[] = [];
  const queues = (options.queues?.length ? options.queues : [...QUEUE_NAMES]).map((q) => q.trim()) as QueueName[];
  const unknown = queues.filter((q) => !QUEUE_NAMES.includes(q));
  if (unknown.length) problems.push(`unknown queue(s): ${unknown.join(', ')}; valid queues are ${QUEUE_NAMES.join(', ')}`);
  const concurrency = options.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) problems.push(`concurrency: expected a whole number from 1 to 100, got ${concurrency}`);
  if (problems.length) throw new ConfigError(problems);
  return { queues: [...new Set(queues)], concurrency };
}

export async function runWorker(options: WorkerOptions = {}): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(withDevSecretKey());
  const { queues, concurrency } = checkWorkerOptions(options);
  const log = createLogger(config, 'saas-worker');
  if (!config.redisUrl) {
    log.info('REDIS_URL is not set: jobs run inside the web process on the embedded default; no separate worker is needed');
    return;
  }
  // The handlers call the same services as the web app, on the same database and Redis.
  const testing = options.testing;
  const deps = await buildDeps(config, log, testing ? { queuePrefix: testing.queuePrefix } : {});
  const services = createServices(deps); // registers every job on deps.queue
  if (testing?.jobs) deps.queue.register(testing.jobs);
  await registerBullmqSchedules({ connection: deps.redis!, prefix: deps.queuePrefix, schedules: testing?.schedules ?? SCHEDULES, definitions: deps.queue.definitions(), log });
  // Committed writes' jobs reach the queue even when no web process runs.
  const relay = testing?.outboxRelay === false ? { stop: async () => {} } : services.outbox.start({ pollMs: config.outboxPollMs });
  const workers = startBullmqWorkers({
    redisUrl: config.redisUrl,
    definitions: deps.queue.definitions(),
    queues,
    concurrency,
    log,
    prefix: deps.queuePrefix,
    ...(testing?.lockDurationMs ? { lockDurationMs: testing.lockDurationMs } : {}),
    ...(testing?.stalledIntervalMs ? { stalledIntervalMs: testing.stalledIntervalMs } : {}),
  });
  let stopping = false;

  const health = config.workerHealthPort ? startHealthServer() : null;
  function startHealthServer(): http.Server {
    const server = http.createServer((request, response) => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        response.end(JSON.stringify(body));
      };
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, { error: 'method not allowed' });
      if (path === '/health') return send(200, { status: 'healthy', active_jobs: workers.active() });
      if (path !== '/ready') return send(404, { error: 'not found' });
      void (async () => {
        const checks: Record<string, { status: 'ok' | 'failing'; detail?: string }> = {};
        const run = async (name: string, fn: () => Promise<unknown>) => {
          try {
            await withTimeout(fn(), CHECK_TIMEOUT_MS);
            checks[name] = { status: 'ok' };
          } catch (err) {
            checks[name] = { status: 'failing', detail: (err as Error).message.replace(/\/\/[^@\s]*@/g, '//***@') };
          }
        };
        await Promise.all([run('database', () => deps.database.ping()), run('redis', () => deps.queue.ping())]);
        checks.workers = stopping ? { status: 'failing', detail: 'shutting down' } : workers.running() ? { status: 'ok' } : { status: 'failing', detail: 'not running' };
        const ready = Object.values(checks).every((c) => c.status === 'ok');
        send(ready ? 200 : 503, { status: ready ? 'ready' : stopping ? 'stopping' : 'not_ready', checks });
      })();
    });
    server.on('error', (err) => log.error({ err, port: config.workerHealthPort }, 'worker probe server failed'));
    server.listen(config.workerHealthPort, config.host);
    return server;
  }
  log.info({ queues, concurrency, healthPort: config.workerHealthPort || null }, 'worker started');

  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      const waitMs = config.workerShutdownSeconds * 1000;
      log.info({ signal, activeJobs: workers.active(), waitSeconds: config.workerShutdownSeconds }, 'worker stopping: finishing running jobs');
      await relay.stop();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        workers.close().then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), waitMs))),
      ]);
      clearTimeout(timer);
      // Not finished in time: exit without them. Their locks lapse and BullMQ hands them back as
      // stalled to another worker (handlers are idempotent).
      if (!finished) log.warn({ activeJobs: workers.active() }, 'jobs still running after the shutdown wait: leaving them to be handed back');
      await new Promise<void>((r) => {
        if (!health) return r();
        health.close(() => r());
        health.closeAllConnections();
      });
      await Promise.race([deps.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
      log.info('worker stopped');
      resolve();
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWorker().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
      process.exit(1);
    },
  );
}
