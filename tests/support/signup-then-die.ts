/**
 * A process that signs up a workspace with the outbox relay off and is killed (SIGKILL) right after
 * the commit: the welcome email is then only in the database (its message and its outbox row).
 * Prints `{"email": ..., "subdomain": ...}` on stdout before it dies. Used by email-delivery.test.ts.
 */
import crypto from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../src/platform/config.js';
import { buildDeps } from '../../src/platform/deps.js';
import { createServices } from '../../src/services.js';

const config = loadConfig({
  NODE_ENV: 'test',
  SECRET_KEY: 'test-secret-key-0123456789abcdef-0123456789',
  APP_BASE_DOMAIN: 'localhost',
  PORT: '8000',
  SEED_DEMO: 'false',
  OUTBOX_RELAY: 'false',
  DATABASE_URL: process.env.DATABASE_URL ?? '',
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
});
if (!config.databaseUrl) throw new Error('signup-then-die: needs DATABASE_URL (a second process cannot share an embedded database)');
// The test app's queues (TEST_QUEUE_PREFIX): the outbox row is written for them, so its relay takes it.
const deps = await buildDeps(config, pino({ level: 'silent' }), process.env.TEST_QUEUE_PREFIX ? { queuePrefix: process.env.TEST_QUEUE_PREFIX } : {});
const services = createServices(deps);
const suffix = crypto.randomBytes(5).toString('hex');
const email = `killed-${suffix}@example.com`;
const subdomain = `killed-${suffix}`;
await services.tenants.signUp({ companyName: `Killed ${suffix}`, subdomain, email, password: 'correct horse battery staple' });
process.stdout.write(`${JSON.stringify({ email, subdomain })}\n`, () => process.kill(process.pid, 'SIGKILL'));
