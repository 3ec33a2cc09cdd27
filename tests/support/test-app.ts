/**
 * Test harness: the real app on the real adapters. With DATABASE_URL / REDIS_URL set (CI), PostgreSQL
 * and Redis; otherwise an in-memory PGlite started from a migrated snapshot and in-memory stores.
 * Each test makes its own tenants and users with unique names, so tests never share data by accident.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { InjectOptions } from 'light-my-request';
import pino from 'pino';
import { createLogger } from '../../src/platform/log.js';
import { buildApp } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/platform/config.js';
import { buildDeps, type Deps } from '../../src/platform/deps.js';
import type { DnsResolver } from '../../src/platform/dns/resolver.js';
import { createServices, type Services } from '../../src/services.js';
import { PGLITE_SNAPSHOT_PATH } from './snapshot.js';
import { startBullmqWorkers } from '../../src/platform/queue/bullmq-worker.js';
import { QUEUE_NAMES } from '../../src/platform/queue/queue.js';

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  services: Services;
  config: AppConfig;
  close(): Promise<void>;
}

export const TEST_BASE_DOMAIN = 'localhost';

export async function startTestApp(env: Record<string, string> = {}, options: { logStream?: NodeJS.WritableStream; dnsResolver?: DnsResolver; runJobs?: boolean } = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: 'test-secret-key-0123456789abcdef-0123456789',
    APP_BASE_DOMAIN: TEST_BASE_DOMAIN,
    PORT: '8000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: 'false',
    // Mail reaches the dev outbox through the outbox relay and the email queue: relay often.
    OUTBOX_POLL_MS: '50',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  // The app's own logger (redaction and serializers included), to stdout or to a stream the test reads.
  const log = options.logStream ? createLogger(config, 'saas-app', options.logStream) : pino({ level: config.logLevel });
  const snapshot = config.databaseUrl
    ? undefined
    : fs.existsSync(PGLITE_SNAPSHOT_PATH)
      ? new Blob([fs.readFileSync(PGLITE_SNAPSHOT_PATH)])
      : ('memory' as const);
  // Each app has queues of its own on Redis: test files run in parallel on one Redis.
  const queuePrefix = `saas-test-${crypto.randomBytes(4).toString('hex')}`;
  const deps = await buildDeps(config, log, {
    ...(snapshot ? { pgliteSnapshot: snapshot } : {}),
    // No test reaches real DNS: without records of its own, every name has none.
    dnsResolver: options.dnsResolver ?? { resolveTxt: async () => [] },
    queuePrefix,
  });
  const services = createServices(deps);
  // `runJobs`: queued jobs run, as a worker process would run them (on the embedded default they
  // always run in this process). The email queue always runs: tests read mail from the dev outbox.
  const workers = config.redisUrl
    ? startBullmqWorkers({ redisUrl: config.redisUrl, definitions: deps.queue.definitions(), queues: options.runJobs ? QUEUE_NAMES : ['email'], concurrency: 5, log, prefix: queuePrefix })
    : null;
  const app = await buildApp(deps, services);
  await app.ready();
  return {
    app,
    deps,
    services,
    config,
    async close() {
      // The app first: its outbox relay stops, so nothing is queued after the workers are gone.
      await app.close();
      await workers?.close();
      await deps.close();
    },
  };
}

/** A log destination that keeps every line, for tests that read what the app logged. */
export function captureLog(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines };
}

/** A unique, valid subdomain / email local part for this test run. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

export function hostFor(subdomain: string | null, port = 8000): string {
  return subdomain ? `${subdomain}.${TEST_BASE_DOMAIN}:${port}` : `${TEST_BASE_DOMAIN}:${port}`;
}

/** A signed-up tenant with its owner, made through the service (fast) rather than the form. */
export async function createTenantWithOwner(t: TestApp, overrides: Partial<{ companyName: string; subdomain: string; email: string; password: string; plan: string }> = {}) {
  const subdomain = overrides.subdomain ?? uniqueName('co');
  const email = overrides.email ?? `${uniqueName('owner')}@example.com`;
  const password = overrides.password ?? 'correct horse battery staple';
  const companyName = overrides.companyName ?? `Company ${subdomain}`;
  const { tenant, userId } = await t.services.tenants.signUp({ companyName, subdomain, email, password, ...(overrides.plan ? { plan: overrides.plan } : {}) });
  return { tenant, userId, email, password };
}

/** A client address of its own, as separate clients have: per-address limits (shared in Redis across test files) are not what most tests exercise. */
export function randomClientAddress(): string {
  return `127.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;
}

/** Logs in through `POST /auth/login` and returns the bearer token. */
export async function loginForToken(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

/** An inject() bound to a host and optional bearer token: the seed's `client_for_tenant`. */
export function clientFor(t: TestApp, subdomain: string | null, token?: string) {
  return (options: InjectOptions) =>
    t.app.inject({
      ...options,
      headers: { host: hostFor(subdomain), ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.headers ?? {}) },
    });
}

/** Cookie jar for browser-like flows over inject(): keeps cookies per host. */
export class CookieJar {
  private jar = new Map<string, Map<string, string>>();
  store(host: string, setCookie: string | string[] | undefined) {
    if (!setCookie) return;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair] = line.split(';', 1);
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }
  header(host: string): string {
    return [...(this.jar.get(host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }
}

/**
 * A simulated browser over inject(): a cookie jar per host and a client address of its own, as real
 * visitors have (per-address limits apply to each).
 */
export function createBrowser(t: TestApp) {
  const jar = new CookieJar();
  const remoteAddress = randomClientAddress();
  const request = async (method: 'GET' | 'POST' | 'DELETE', host: string, url: string, form?: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({
      method,
      url,
      remoteAddress,
      headers: {
        host,
        cookie: jar.header(host),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      // A list is sent as the same field repeated, as checkboxes are.
      ...(form ? { payload: new URLSearchParams(Object.entries(form).flatMap(([k, v]) => [v].flat().map((one) => [k, one]))).toString() } : {}),
    });
    jar.store(host, res.headers['set-cookie'] as string | string[] | undefined);
    return res;
  };
  /** Signs in with the login form on `subdomain`'s host (null: the root site). */
  const login = async (subdomain: string | null, email: string, password: string) => {
    const page = await request('GET', hostFor(subdomain), '/login');
    return request('POST', hostFor(subdomain), '/login', { _csrf: csrfFrom(page.body), email, password });
  };
  return { jar, request, login, remoteAddress };
}

/** Pulls the CSRF token out of a rendered form. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in page');
  return match[1]!;
}

/**
 * A new workspace's owner, signed in on its host with a browser; `csrf(host?)` reads a fresh token
 * from `formPage` (a page with a form), on the workspace's host unless told otherwise.
 */
export async function signedInOwner(t: TestApp, formPage = '/settings/workspace') {
  const owner = await createTenantWithOwner(t);
  const host = hostFor(owner.tenant.subdomain);
  const b = createBrowser(t);
  await b.login(owner.tenant.subdomain, owner.email, owner.password);
  const csrf = async (h = host) => csrfFrom((await b.request('GET', h, formPage)).body);
  return { owner, host, b, csrf };
}
