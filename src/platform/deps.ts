/**
 * The composition root: every port gets its adapter here, once, from config.
 * Embedded default (no DATABASE_URL / REDIS_URL / SMTP_URL): PGlite in DATA_DIR, in-memory cache and
 * jobs, dev mail and text-message outboxes. Production: PostgreSQL, Redis, BullMQ, SMTP, Twilio.
 * Feature code never asks which.
 */
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import type { Cache } from './cache/cache.js';
import { APP_ROLE, type Database, type Db } from './db/database.js';
import { getMigrationStatus, runMigrations } from './db/migrations.js';
import type { Mailer } from './mail/mailer.js';
import type { SmsSender } from './sms/sms.js';
import type { JobQueue } from './queue/queue.js';
import { createThrottles, type Throttles } from './rate-limit/throttles.js';
import { createSystemResolver, type DnsResolver } from './dns/resolver.js';

export interface Deps {
  config: AppConfig;
  log: Logger;
  database: Database;
  cache: Cache;
  queue: JobQueue;
  mailer: Mailer;
  /** Text messages: Twilio, or the dev outbox; null when they are off (production without Twilio), so nothing offers them. */
  sms: SmsSender | null;
  /** The shared Redis connection in production, null on the embedded default. For adapters that need Redis itself (rate limits). */
  redis: Redis | null;
  /** The Redis key prefix of the job queues (BullMQ): the dashboard and `saas-cli jobs` look there. */
  queuePrefix: string;
  /** Attempt counters (brute-force protection): in Redis when configured, else in memory. */
  throttles: Throttles;
  /** DNS lookups (custom domain verification): the system resolvers, or a test's records. */
  dns: DnsResolver;
  /** Runs `fn` with a connection that owns the schema (migrations, reset). Never used by request handling. */
  withOwnerDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Pending migrations, by tag (empty when up to date). */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface BuildDepsOptions {
  /** Apply pending migrations at start. Defaults to true on the embedded database, false on PostgreSQL. */
  migrate?: boolean;
  /** Tests: an in-memory PGlite started from this snapshot instead of DATA_DIR. */
  pgliteSnapshot?: Blob | 'memory';
  /** Tests: DNS answers from here instead of the system resolvers. */
  dnsResolver?: DnsResolver;
  /** Tests: a Redis key prefix of their own for the job queues, so one test app's jobs never reach another's workers. */
  queuePrefix?: string;
}

export async function buildDeps(config: AppConfig, log: Logger, options: BuildDepsOptions = {}): Promise<Deps> {
  const closers: (() => Promise<void>)[] = [];
  // Adapters are imported only when chosen: a production process never loads PGlite, an embedded one
  // never loads BullMQ or nodemailer (start-up time is mostly module loading).
  try {
    // Database
    let database: Database;
    let withOwnerDb: Deps['withOwnerDb'];
    if (config.databaseUrl) {
      const { openPostgres } = await import('./db/postgres.js');
      const url = config.databaseUrl;
      database = openPostgres({ url, poolSize: config.databasePoolSize, asAppRole: true });
      closers.push(() => database.close());
      withOwnerDb = async (fn) => {
        const owner = openPostgres({ url, poolSize: 1, asAppRole: false });
        try {
          return await fn(owner.db);
        } finally {
          await owner.close();
        }
      };
      if (options.migrate === true) await withOwnerDb((db) => runMigrations(db));
    } else {
      const { openPglite } = await import('./db/pglite.js');
      const snapshot = options.pgliteSnapshot;
      const handle = await openPglite(
        snapshot === undefined
          ? { dir: config.dataDir, onCreate: (dir) => log.info({ dir }, 'creating the embedded database (first start on this data directory)') }
          : { dir: null, ...(snapshot instanceof Blob ? { loadDataDir: snapshot } : {}) },
      );
      database = handle.database;
      closers.push(() => database.close());
      // The app role is created by the first migrations: until they ran (a CLI opening a new
      // database with migrate: false), the session stays the owner.
      const useAppRoleIfPresent = async () => {
        const { rows } = await handle.client.query(`select 1 from pg_roles where rolname = $1`, [APP_ROLE]);
        if (rows.length > 0) await handle.useAppRole();
      };
      // One connection: the owner's turn is a RESET ROLE / SET ROLE pair around it.
      withOwnerDb = async (fn) => {
        await handle.client.exec('RESET ROLE');
        try {
          return await fn(database.db);
        } finally {
          await useAppRoleIfPresent();
        }
      };
      if (options.migrate !== false) {
        const applied = await runMigrations(database.db);
        if (applied.length) log.info({ applied }, 'embedded database migrated');
      }
      await useAppRoleIfPresent();
    }

    // Cache and Redis
    let redis: Redis | null = null;
    let cache: Cache;
    if (config.redisUrl) {
      const { createRedisCache, createRedisClient } = await import('./cache/redis-cache.js');
      redis = createRedisClient(config.redisUrl, { forQueue: true });
      redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
      cache = createRedisCache(redis);
      closers.push(() => cache.close());
    } else {
      const { createMemoryCache } = await import('./cache/memory-cache.js');
      cache = createMemoryCache();
      closers.push(() => cache.close());
    }

    // Jobs
    const queue = redis
      ? (await import('./queue/bullmq-queue.js')).createBullmqQueue(redis, log, [], options.queuePrefix)
      : (await import('./queue/in-process-queue.js')).createInProcessQueue(log);
    closers.unshift(() => queue.close()); // close first: running jobs may still use the db

    // Mail
    const mailer = config.smtpUrl
      ? (await import('./mail/smtp.js')).createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom })
      : (await import('./mail/dev-outbox.js')).createDevOutbox({ dir: options.pgliteSnapshot === undefined ? path.join(config.dataDir, 'mail') : null, from: config.mailFrom });
    closers.push(() => mailer.close());

    // Text messages
    const sms = !config.sms
      ? null
      : config.sms.provider === 'twilio'
        ? (await import('./sms/twilio.js')).createTwilioSender(config.sms)
        : (await import('./sms/dev-outbox.js')).createDevSmsOutbox({ dir: options.pgliteSnapshot === undefined ? path.join(config.dataDir, 'sms') : null, log });
    if (sms) closers.push(() => sms.close());

    return {
      config,
      log,
      database,
      cache,
      queue,
      mailer,
      sms,
      redis,
      queuePrefix: options.queuePrefix ?? 'saas',
      throttles: createThrottles(redis),
      dns: options.dnsResolver ?? createSystemResolver(),
      withOwnerDb,
      async pendingMigrations() {
        // The app role may read the history (granted by a migration).
        const status = await getMigrationStatus(database.db);
        return status.filter((m) => !m.applied).map((m) => m.tag);
      },
      async close() {
        for (const close of closers) await close().catch((err) => log.warn({ err }, 'error while closing'));
      },
    };
  } catch (err) {
    for (const close of closers) await close().catch(() => {});
    throw err;
  }
}
