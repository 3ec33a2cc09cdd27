/**
 * Worker process: consumes the job queues. In production, BullMQ workers on Redis; on the embedded
 * default, jobs already run inside the web process, so a separate worker has nothing to do.
 * SIGTERM: stop taking jobs, let running ones finish (BullMQ hands back what it cannot finish), exit.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, withDevSecretKey } from './platform/config.js';
import { buildDeps } from './platform/deps.js';
import { createLogger } from './platform/log.js';
import { createServices } from './services.js';
import { startBullmqWorkers } from './platform/queue/bullmq-worker.js';
import { QUEUE_NAMES, type QueueName } from './platform/queue/queue.js';

export interface WorkerOptions {
  queues?: string[];
  concurrency?: number;
}

export async function runWorker(options: WorkerOptions = {}): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(withDevSecretKey());
  const log = createLogger(config, 'saas-worker');
  if (!config.redisUrl) {
    log.info('REDIS_URL is not set: jobs run inside the web process on the embedded default; no separate worker is needed');
    return;
  }
  const queues = (options.queues?.length ? options.queues : [...QUEUE_NAMES]) as QueueName[];
  const unknown = queues.filter((q) => !QUEUE_NAMES.includes(q));
  if (unknown.length) throw new ConfigError([`unknown queue(s): ${unknown.join(', ')}; expected some of ${QUEUE_NAMES.join(', ')}`]);
  // The handlers call the same services as the web app, on the same database and Redis.
  const deps = await buildDeps(config, log);
  const services = createServices(deps); // registers every job on deps.queue
  // Committed writes' jobs reach the queue even when no web process runs.
  const relay = services.outbox.start();
  const concurrency = options.concurrency ?? 5;
  const workers = startBullmqWorkers({ redisUrl: config.redisUrl, definitions: deps.queue.definitions(), queues, concurrency, log });
  log.info({ queues, concurrency }, 'worker started');

  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      log.info({ signal }, 'worker stopping: finishing running jobs');
      await relay.stop();
      await workers.close();
      await deps.close();
      resolve();
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWorker().catch((err) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  });
}
