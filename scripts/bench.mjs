#!/usr/bin/env node
// `npm run bench`: throughput of the app against a bare node:http server measured in the same run,
// plus cold start and memory of both modes. Numbers are read as ratios to the baseline; see
// docs/admin/benchmarks.md. Exits 0 when the run completed (missed targets are reported, not
// failures), non-zero only when the benchmark itself could not run.
//
// Steps: build -> fresh PostgreSQL database (+ Redis db if reachable) -> migrate -> seed through the
// services -> reference servers -> the app in production mode (cold start, log in, load) -> the
// embedded mode (cold start, idle RSS, RSS under load) -> table + var/bench/<timestamp>.json.
//
// Knobs (environment): BENCH_DATABASE_URL, BENCH_REDIS_URL ("none" = without Redis), BENCH_DURATION
// (seconds per target, default 10), BENCH_QUICK=1 (3 s), BENCH_WARMUP (s, default 2),
// BENCH_CONNECTIONS (default 50), BENCH_LOADGEN=autocannon|wrk, BENCH_PIN=0 (no CPU pinning),
// BENCH_SKIP_BUILD=1 (use dist/ as it is), BENCH_SKIP_EMBEDDED=1, BENCH_QUIET_WAIT (seconds to
// wait before each target for other programs to go quiet, default 30, 0 = do not wait),
// BENCH_PROFILE=1 (CPU profiles of the production app and the email worker, in the run's log folder), BENCH_JOBS (emails for
// the jobs figure, default 3000; 1000 with BENCH_QUICK), BENCH_JOBS_CONCURRENCY (default 10),
// BENCH_SKIP_JOBS=1.
//
// The jobs figure: that many welcome emails are queued through the email service and relayed onto
// the BullMQ `email` queue, then `saas-cli worker --queues email` (production mode, SMTP adapter)
// delivers them to an SMTP server in this process. Rate = deliveries between the 10th and the 90th
// percentile of arrivals over that time; every message must arrive once and be marked sent.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL, URLSearchParams } from 'node:url';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { startCountingProxy } from '../tests/performance/roundtrips.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

// ---------------------------------------------------------------- options
const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
const DURATION = positiveNumber('BENCH_DURATION', quick ? 3 : 10);
const WARMUP = positiveNumber('BENCH_WARMUP', quick ? 1 : 2, true);
const CONNECTIONS = positiveNumber('BENCH_CONNECTIONS', 50);
const LOADGEN = (env.BENCH_LOADGEN ?? 'autocannon').toLowerCase();
const ADMIN_URL = env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL_RAW = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const SKIP_BUILD = env.BENCH_SKIP_BUILD === '1';
const SKIP_EMBEDDED = env.BENCH_SKIP_EMBEDDED === '1';
const QUIET_WAIT = positiveNumber('BENCH_QUIET_WAIT', 30, true);
const PROBE_REQUESTS = 50;
const PROFILE = env.BENCH_PROFILE === '1';
const JOBS = positiveNumber('BENCH_JOBS', quick ? 1000 : 3000);
const JOBS_CONCURRENCY = positiveNumber('BENCH_JOBS_CONCURRENCY', 10);
const SKIP_JOBS = env.BENCH_SKIP_JOBS === '1';
const TARGET_JOBS_PER_SECOND = 500;
const READY_TIMEOUT_MS = 60_000;
const IDLE_SETTLE_MS = 5_000;
const TARGET_API_RATIO = 0.1;
const TARGET_COLD_START_MS = 1500;
const TARGET_IDLE_RSS_MB = 200;
const TARGET_LOAD_RSS_MB = 400;

function positiveNumber(name, fallback, allowZero = false) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    console.error(`bench: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}
if (!['autocannon', 'wrk'].includes(LOADGEN)) {
  console.error(`bench: BENCH_LOADGEN must be autocannon or wrk, got "${LOADGEN}"`);
  process.exit(2);
}

const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '').replace('T', '_').replace('Z', '');
const outDir = path.join(root, 'var', 'bench');
const logDir = path.join(outDir, `${stamp}-logs`);
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

// ---------------------------------------------------------------- state and clean-up
const children = new Set();
const tmpDirs = [];
let benchDb = null; // name of the database we created
let cleaning = null;
let interrupted = false;

function say(line = '') {
  process.stdout.write(`${line}\n`);
}

async function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(1000)]);
  }
  children.delete(child);
}

async function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => stopChild(c)));
    if (benchDb) {
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await admin.unsafe(`drop database if exists "${benchDb}" with (force)`);
        benchDb = null;
      } catch (err) {
        console.error(`bench: could not drop database ${benchDb}: ${err.message}`);
      } finally {
        await admin.end({ timeout: 2 });
      }
    }
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    say(`\nbench: ${signal}: stopping processes and dropping the benchmark database...`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('uncaughtException', (err) => {
  console.error(`\nbench: unexpected error: ${err?.stack ?? err}`);
  void cleanup().finally(() => process.exit(1));
});
// Last resort (the async clean-up did not get to run): no process outlives the benchmark.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

// ---------------------------------------------------------------- processes, HTTP, /proc
const pinning = env.BENCH_PIN !== '0' && os.cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const SERVER_CORE = '0';
const LOADGEN_CORE = '1';

function pinned(core, cmd, args) {
  return pinning ? ['taskset', ['-c', core, cmd, ...args]] : [cmd, args];
}

/** Environment for an app process: inherited, minus every key the app reads, plus `extra`. */
function appEnv(extra) {
  const base = { ...env };
  for (const key of Object.keys(base)) {
    if (/^(DATABASE_|REDIS_|SMTP_|BENCH_)/.test(key)) delete base[key];
  }
  for (const key of ['NODE_ENV', 'HOST', 'PORT', 'PUBLIC_URL', 'APP_BASE_DOMAIN', 'DATA_DIR', 'SECRET_KEY', 'TRUST_PROXY', 'LOG_LEVEL', 'ACCESS_LOG', 'SEED_DEMO', 'ALLOW_INSECURE_HTTP', 'ALLOW_EMBEDDED_DATABASE', 'MAIL_FROM', 'BODY_LIMIT_BYTES']) {
    delete base[key];
  }
  return { ...base, ...extra };
}

function startProcess(name, cmd, args, { env: childEnv, cwd = root, core = SERVER_CORE } = {}) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const [c, a] = pinned(core, cmd, args);
  const child = spawn(c, a, { cwd, env: childEnv ?? env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.logFile = logFile;
  child.on('error', (err) => fs.appendFileSync(logFile, `spawn error: ${err.message}\n`));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Runs a command to completion; throws with its output when it fails. */
function runToEnd(label, cmd, args, { env: childEnv, cwd = root, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv ?? env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = globalThis.setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      globalThis.clearTimeout(timer);
      children.delete(child);
      reject(new Error(`${label}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      globalThis.clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve({ out, err });
      else reject(Object.assign(new Error(`${label} failed (${signal ?? `exit ${code}`}):\n${(err || out).trim()}`), { out, err }));
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One HTTP request with node:http (a Host header of our choosing, cookies kept raw). */
function request(port, { method = 'GET', path: urlPath = '/', headers = {}, body, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: globalThis.Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Spawn-to-first-200 of `pathname`, polling every 20 ms. `startedAt` is taken just before spawn. */
async function waitReady(child, port, startedAt, pathname = '/ready') {
  const deadline = startedAt + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`process exited (${child.signalCode ?? child.exitCode}) before ${pathname} answered; last output:\n${tail(child.logFile)}`);
    }
    try {
      const res = await request(port, { path: pathname, headers: { host: `localhost:${port}` }, timeoutMs: 1000 });
      if (res.status === 200) return performance.now() - startedAt;
      last = `${res.status} ${res.body.slice(0, 300)}`;
    } catch (err) {
      last = err.code ?? err.message;
    }
    await sleep(20);
  }
  throw new Error(`${pathname} did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last}); output:\n${tail(child.logFile)}`);
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) used so far by `pid`, plus its finished children's (wrk) with `withChildren`. */
function cpuSeconds(pid, withChildren = false) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime (and cutime, cstime) in clock ticks (USER_HZ = 100)
    return (Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds() {
  try {
    const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) / 100;
  } catch {
    return null;
  }
}

/**
 * Waits (up to BENCH_QUIET_WAIT seconds) until the rest of the machine is nearly idle, so another
 * program's burst does not land in a measurement. Returns the seconds waited and the last reading.
 */
async function waitForQuiet() {
  const deadline = performance.now() + QUIET_WAIT * 1000;
  let busy = null;
  for (;;) {
    const a = machineBusySeconds();
    await sleep(500);
    const b = machineBusySeconds();
    busy = a === null || b === null ? null : (b - a) / 0.5;
    if (busy === null || busy < 0.15 || performance.now() >= deadline) break;
  }
  return { waited: Math.max(0, (performance.now() - (deadline - QUIET_WAIT * 1000)) / 1000 - 0.5), busy };
}

/**
 * Loads one target from a pinned child process (tests/performance/load.mjs). `server` is the process
 * under test: its CPU use over the measured part tells whether it, not the load generator, was the limit.
 */
async function loadTarget(name, { port, urlPath, headers = {}, server, sampleRssOf = null }) {
  const spec = { url: `http://127.0.0.1:${port}${urlPath}`, headers, connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, tool: LOADGEN };
  const [cmd, args] = pinned(LOADGEN_CORE, process.execPath, [path.join(root, 'tests/performance/load.mjs'), JSON.stringify(spec)]);
  process.stdout.write(`  ${name.padEnd(34)} `);
  const quiet = QUIET_WAIT > 0 ? await waitForQuiet() : null;

  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  let cpuStart = null;
  let loadgenStart = null;
  let machineStart = null;
  let wallStart = null;
  let peakRss = 0;
  const sampler = sampleRssOf ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(sampleRssOf) ?? 0)), 200) : null;
  let loadgenEnd = null;
  let machineEnd = null;
  let cpuEnd = null;
  let wallEnd = null;
  child.stdout.on('data', (d) => {
    out += d;
    // The result line is written as the measured run ends, before the process exits.
    if (loadgenEnd === null && out.includes('\n')) {
      loadgenEnd = cpuSeconds(child.pid, true);
      machineEnd = machineBusySeconds();
      cpuEnd = cpuSeconds(server.pid);
      wallEnd = performance.now();
    }
  });
  child.stderr.on('data', (d) => {
    err += d;
    if (cpuStart === null && err.includes('measuring\n')) {
      cpuStart = cpuSeconds(server.pid);
      loadgenStart = cpuSeconds(child.pid, true);
      machineStart = machineBusySeconds();
      wallStart = performance.now();
    }
  });
  const code = await new Promise((resolve) => {
    child.on('error', (e) => {
      err += e.message;
      resolve(-1);
    });
    child.on('close', resolve);
  });
  if (sampler) clearInterval(sampler);
  children.delete(child);
  const wall = wallStart === null || wallEnd === null ? null : (wallEnd - wallStart) / 1000;
  const lastLine = out.trim().split('\n').pop();
  if (code !== 0 || !lastLine) throw new Error(`load generator failed on ${name} (exit ${code}):\n${err.replace('measuring\n', '').trim()}`);
  const result = JSON.parse(lastLine);
  result.serverCpu = cpuStart !== null && cpuEnd !== null && wall ? (cpuEnd - cpuStart) / wall : null;
  result.loadgenCpu = loadgenStart !== null && loadgenEnd !== null && wall ? (loadgenEnd - loadgenStart) / wall : null;
  // Everything else on the machine (the database for the targets that use it, and any other program).
  result.otherCpu =
    machineStart !== null && machineEnd !== null && wall && result.serverCpu !== null && result.loadgenCpu !== null
      ? Math.max(0, (machineEnd - machineStart) / wall - result.serverCpu - result.loadgenCpu)
      : null;
  if (sampleRssOf) result.peakRssMb = peakRss || null;
  if (quiet) result.quietWait = quiet;
  const errs = result.non2xx + result.errors + result.timeouts;
  const waited = quiet && quiet.waited >= 1 ? `  (waited ${quiet.waited.toFixed(0)} s for other programs to go quiet${quiet.busy >= 0.15 ? `; they still used ${fmtPct(quiet.busy)} of a core` : ''})` : '';
  say(`${fmtNum(result.rps).padStart(9)} req/s  p50 ${fmtMs(result.p50)} ms  p99 ${fmtMs(result.p99)} ms${errs ? `  ERRORS ${errs}` : ''}${waited}`);
  return { name, path: urlPath, ...result };
}

function fmtNum(n) {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en-US');
}
function fmtMs(n) {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(2) : n.toFixed(1);
}
function fmtPct(n) {
  return n === null || n === undefined ? '-' : `${Math.round(n * 100)}%`;
}
function ratio(n, base) {
  return base ? n / base : null;
}
function fmtRatio(r) {
  return r === null ? '-' : r.toFixed(2);
}

function countLogProblems(file) {
  let warn = 0;
  let error = 0;
  const samples = [];
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { warn, error, samples };
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.level >= 50) error++;
      else if (entry.level >= 40) warn++;
      else continue;
      if (samples.length < 5) samples.push(`${entry.level >= 50 ? 'error' : 'warn'}: ${entry.msg}${entry.route ? ` ${entry.route}` : ''}${entry.ms ? ` (${entry.ms} ms)` : ''}`);
    } catch {
      /* not a log line */
    }
  }
  return { warn, error, samples };
}

function printTable(headers, rows, alignRight) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (cells) => cells.map((c, i) => (alignRight[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  say(fmt(headers));
  say(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) say(fmt(r));
}

/** Browser-style form login on the tenant host: returns the Cookie header a browser would then send. */
async function formLogin(port, host, email, password) {
  const page = await request(port, { path: '/login', headers: { host } });
  if (page.status !== 200) throw new Error(`GET /login on ${host}: ${page.status}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error('GET /login: no CSRF token in the form');
  const jar = new Map();
  const keep = (setCookie) => {
    for (const line of [setCookie ?? []].flat()) {
      const pair = line.split(';', 1)[0];
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), value);
    }
  };
  keep(page.headers['set-cookie']);
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = new URLSearchParams({ _csrf: csrf, email, password, next: '/dashboard' }).toString();
  const res = await request(port, {
    method: 'POST',
    path: '/login',
    headers: { host, cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': globalThis.Buffer.byteLength(form) },
    body: form,
  });
  keep(res.headers['set-cookie']);
  const session = [...jar.keys()].find((k) => k.endsWith('session_token'));
  if (res.status >= 400 || !session) throw new Error(`POST /login on ${host}: ${res.status}, no session cookie (${res.body.slice(0, 200)})`);
  return { cookie: cookieHeader(), sessionCookieName: session };
}

async function tokenLogin(port, email, password) {
  const body = JSON.stringify({ email, password });
  const res = await request(port, {
    method: 'POST',
    path: '/auth/login',
    headers: { host: `localhost:${port}`, 'content-type': 'application/json', 'content-length': globalThis.Buffer.byteLength(body) },
    body,
  });
  if (res.status !== 200) throw new Error(`POST /auth/login: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body).access_token;
}

// ---------------------------------------------------------------- steps
function build() {
  if (SKIP_BUILD) {
    say('build: skipped (BENCH_SKIP_BUILD=1)');
  } else {
    const t = performance.now();
    const res = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
    if (res.status !== 0) throw new Error('build failed: fix the errors above (or set BENCH_SKIP_BUILD=1 to use dist/ as it is)');
    say(`build: done (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  if (!fs.existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build`');
}

async function preparePostgres() {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const name = `saas_bench_${stamp}`;
  try {
    const [{ version }] = await admin`select current_setting('server_version') as version`;
    await admin.unsafe(`create database "${name}"`);
    benchDb = name;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return { url: url.toString(), version };
  } catch (err) {
    throw new Error(`PostgreSQL at ${redactUrl(ADMIN_URL)} is not usable (${err.message}); set BENCH_DATABASE_URL to a server where this role may create databases`);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

function redactUrl(raw) {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

async function prepareRedis() {
  if (!REDIS_URL_RAW || REDIS_URL_RAW === 'none') return { url: null, note: 'disabled (BENCH_REDIS_URL=none)' };
  const client = new Redis(REDIS_URL_RAW, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.flushdb();
    const info = await client.info('server');
    return { url: REDIS_URL_RAW, version: /redis_version:(\S+)/.exec(info)?.[1] ?? '?' };
  } catch (err) {
    return { url: null, note: `not reachable at ${REDIS_URL_RAW} (${err.message}): in-memory cache and rate limits` };
  } finally {
    client.disconnect();
  }
}

async function migrate(databaseUrl, workDir) {
  const cli = path.join(root, 'dist/src/cli.js');
  const childEnv = appEnv({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, SECRET_KEY: crypto.randomBytes(36).toString('base64url'), ALLOW_INSECURE_HTTP: 'true', PUBLIC_URL: 'http://localhost:8000', DATA_DIR: workDir, LOG_LEVEL: 'warn' });
  if (fs.existsSync(cli)) {
    try {
      await runToEnd('saas-cli db migrate', process.execPath, [cli, 'db', 'migrate'], { env: childEnv, cwd: workDir });
      return 'saas-cli db migrate';
    } catch (err) {
      say(`  note: ${err.message.split('\n')[0]}; migrating with tests/performance/migrate.ts instead`);
    }
  }
  await runToEnd('migrate', tsx, [path.join(root, 'tests/performance/migrate.ts')], { env: { ...childEnv }, cwd: root });
  return 'tests/performance/migrate.ts';
}

async function seed(databaseUrl, secretKey) {
  const { out } = await runToEnd('seed', tsx, [path.join(root, 'tests/performance/seed.ts')], {
    env: appEnv({ DATABASE_URL: databaseUrl, SECRET_KEY: secretKey }),
    cwd: root,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

async function startServer(name, script, extraEnv) {
  const port = await freePort();
  const child = startProcess(name, process.execPath, [script], { env: { ...env, ...extraEnv, PORT: String(port), HOST: '127.0.0.1' } });
  await waitReady(child, port, performance.now(), '/');
  return { child, port };
}

/**
 * Statements and commands per request: a second app process talks to PostgreSQL and Redis through
 * counting proxies; each target is requested one request at a time (after a warm-up that fills the
 * caches and prepares the statements).
 */
async function roundTripProbe(baseEnv, pgUrl, redisUrl, targets) {
  const pgAddr = new URL(pgUrl);
  const pgProxy = await startCountingProxy('postgres', { host: pgAddr.hostname, port: Number(pgAddr.port || 5432) });
  const viaPg = new URL(pgUrl);
  viaPg.hostname = '127.0.0.1';
  viaPg.port = String(pgProxy.port);
  let redisProxy = null;
  let viaRedis = null;
  if (redisUrl) {
    const r = new URL(redisUrl);
    redisProxy = await startCountingProxy('redis', { host: r.hostname, port: Number(r.port || 6379) });
    r.hostname = '127.0.0.1';
    r.port = String(redisProxy.port);
    viaRedis = r.toString();
  }
  const port = await freePort();
  const probeEnv = { ...baseEnv, DATABASE_URL: viaPg.toString(), PORT: String(port), PUBLIC_URL: `http://localhost:${port}` };
  if (viaRedis) probeEnv.REDIS_URL = viaRedis;
  const child = startProcess('app-roundtrips', process.execPath, [path.join(root, 'dist/src/main.js')], { env: probeEnv, cwd: baseEnv.DATA_DIR });
  const out = [];
  try {
    await waitReady(child, port, performance.now());
    const counts = async () => {
      await sleep(150); // let the last replies and any follow-up writes land
      return { pg: pgProxy.stats(), redis: redisProxy?.stats() ?? null };
    };
    // A quiet period with no requests: background work (job queues, timers) is subtracted below.
    pgProxy.reset();
    redisProxy?.reset();
    const idleStarted = performance.now();
    await sleep(2000);
    const idle = await counts();
    const idleSeconds = (performance.now() - idleStarted) / 1000;
    const idlePg = idle.pg.statements / idleSeconds;
    const idleRedis = idle.redis ? idle.redis.commands / idleSeconds : 0;
    for (const t of targets) {
      const headers = { ...t.headers, host: t.headers.host.replace(/:\d+$/, `:${port}`) };
      for (let i = 0; i < 20; i++) await request(port, { path: t.path, headers });
      await sleep(150);
      pgProxy.reset();
      redisProxy?.reset();
      const started = performance.now();
      const statuses = {};
      for (let i = 0; i < PROBE_REQUESTS; i++) {
        const res = await request(port, { path: t.path, headers });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
      const c = await counts();
      const seconds = (performance.now() - started) / 1000;
      const perRequest = (n, idleRate) => Math.max(0, n - idleRate * seconds) / PROBE_REQUESTS;
      const byName = Object.fromEntries(Object.entries(c.redis?.byName ?? {}).map(([k, v]) => [k, v / PROBE_REQUESTS]));
      out.push({
        name: t.name,
        key: t.key,
        requests: PROBE_REQUESTS,
        statuses,
        pgStatements: perRequest(c.pg.statements, idlePg),
        pgNewConnections: c.pg.connections,
        redisCommands: c.redis ? perRequest(c.redis.commands, idleRedis) : null,
        redisByName: byName,
        idlePerSecond: { pg: idlePg, redis: idleRedis },
      });
    }
    return out;
  } finally {
    await stopChild(child);
    await pgProxy.close();
    await redisProxy?.close();
  }
}

/**
 * Jobs per second through `email.send` with the SMTP adapter on Redis: queue JOBS emails (outbox
 * relayed to BullMQ), start one worker process on the email queue, count arrivals at a local SMTP
 * server. Checks afterwards that each message arrived exactly once and is marked sent.
 */
async function jobsBenchmark(databaseUrl, redisUrl, secretKey, workDir) {
  const { SMTPServer } = await import('smtp-server');
  const arrivals = [];
  const seen = new Set();
  let duplicates = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 1000,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        arrivals.push(performance.now());
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? `missing-${arrivals.length}`;
        if (seen.has(id)) duplicates++;
        seen.add(id);
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(0, '127.0.0.1', resolve);
  });
  const smtpPort = smtp.server.address().port;
  let worker = null;
  try {
    const staged = JSON.parse(
      (
        await runToEnd('jobs staging', tsx, [path.join(root, 'tests/performance/jobs-stage.ts')], {
          env: appEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SECRET_KEY: secretKey, BENCH_JOBS: String(JOBS) }),
        })
      ).out
        .trim()
        .split('\n')
        .pop(),
    );
    say(`  staged ${staged.jobs} emails through the email service in ${(staged.stageMs / 1000).toFixed(1)} s, relayed to the email queue in ${(staged.relayMs / 1000).toFixed(1)} s`);

    const healthPort = await freePort();
    const workerEnv = appEnv({
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      SECRET_KEY: secretKey,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Bench <no-reply@bench.example.com>',
      PUBLIC_URL: 'http://localhost:8000',
      ALLOW_INSECURE_HTTP: 'true',
      APP_BASE_DOMAIN: 'localhost',
      HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'warn',
      DATA_DIR: workDir,
    });
    const started = performance.now();
    const workerProfile = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`, '--cpu-prof-name=worker-email.cpuprofile'] : [];
    worker = startProcess('worker-email', process.execPath, [...workerProfile, path.join(root, 'dist/src/cli.js'), 'worker', '--queues', 'email', '--concurrency', String(JOBS_CONCURRENCY)], { env: workerEnv, cwd: workDir });
    const deadline = started + 60_000 + (JOBS / 20) * 1000; // 20 jobs/s at the very least
    const low = Math.floor(JOBS * 0.1);
    const high = Math.ceil(JOBS * 0.9);
    let cpuLow = null;
    let cpuHigh = null;
    while (arrivals.length < JOBS && performance.now() < deadline) {
      if (worker.exitCode !== null || worker.signalCode !== null) throw new Error(`the worker exited (${worker.signalCode ?? worker.exitCode}); output:\n${tail(worker.logFile)}`);
      if (cpuLow === null && arrivals.length >= low) cpuLow = { cpu: cpuSeconds(worker.pid), at: performance.now() };
      if (cpuHigh === null && arrivals.length >= high) cpuHigh = { cpu: cpuSeconds(worker.pid), at: performance.now() };
      await sleep(10);
    }
    const finished = performance.now();
    await sleep(500); // late duplicates, if any, arrive now
    const windowSeconds = arrivals.length >= high ? (arrivals[high - 1] - arrivals[low]) / 1000 : null;
    const rate = windowSeconds ? (high - 1 - low) / windowSeconds : null;
    const workerCpu = cpuLow && cpuHigh && cpuHigh.at > cpuLow.at ? (cpuHigh.cpu - cpuLow.cpu) / ((cpuHigh.at - cpuLow.at) / 1000) : null;

    const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    let statuses;
    try {
      statuses = Object.fromEntries((await db`select status, count(*)::int as n from email_messages group by status`).map((r) => [r.status, r.n]));
    } finally {
      await db.end({ timeout: 2 });
    }
    await stopChild(worker, 15_000);
    const log = countLogProblems(worker.logFile);
    const result = {
      jobs: JOBS,
      concurrency: JOBS_CONCURRENCY,
      delivered: arrivals.length,
      duplicates,
      statuses,
      jobsPerSecond: rate,
      overallSeconds: ((arrivals.at(-1) ?? finished) - started) / 1000,
      firstDeliveryMs: arrivals.length ? arrivals[0] - started : null,
      workerCpu,
      log,
      staged,
    };
    say(
      `  email.send -> SMTP, concurrency ${JOBS_CONCURRENCY}: ${fmtNum(rate)} jobs/s (10th to 90th percentile of arrivals), worker CPU ${fmtPct(workerCpu)}; ` +
        `${arrivals.length}/${JOBS} delivered in ${result.overallSeconds.toFixed(1)} s from the worker's spawn, ${duplicates} duplicates, statuses ${JSON.stringify(statuses)}`,
    );
    if (log.error || log.warn) say(`  worker log: ${log.error} errors, ${log.warn} warnings${log.samples.length ? `: ${log.samples.join('; ')}` : ''}`);
    return result;
  } finally {
    if (worker) await stopChild(worker);
    await new Promise((resolve) => smtp.close(resolve));
  }
}

// ---------------------------------------------------------------- main
async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  fs.mkdirSync(outDir, { recursive: true });
  say(`bench: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per target, load generator ${LOADGEN}` + (pinning ? ', server on CPU 0, load generator on CPU 1' : ', no CPU pinning'));
  if (!pinning) say('  note: taskset unavailable or fewer than 2 CPUs (or BENCH_PIN=0): figures are not comparable with pinned runs');

  build();

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-bench-'));
  tmpDirs.push(workDir);
  const pg = await preparePostgres();
  const redis = await prepareRedis();
  say(`postgres: ${pg.version}, database ${benchDb}`);
  say(`redis: ${redis.url ? `${redis.version} at ${redis.url} (flushed)` : redis.note}`);

  const migratedWith = await migrate(pg.url, workDir);
  say(`migrate: done (${migratedWith})`);
  const secretKey = crypto.randomBytes(36).toString('base64url'); // 48 characters
  const seeded = await seed(pg.url, secretKey);
  say(`seed: tenant "${seeded.subdomain}" with ${seeded.items} items, owner ${seeded.email}`);

  const results = [];
  const checks = [];

  // Reference servers, one at a time.
  say('\nload:');
  const baselineScript = path.join(root, 'tests/performance/baseline-server.mjs');
  let srv = await startServer('baseline', baselineScript, {});
  results.push({ key: 'baseline', ...(await loadTarget('baseline node:http GET /', { port: srv.port, urlPath: '/', server: srv.child })) });
  await stopChild(srv.child);

  srv = await startServer('baseline-postgres', baselineScript, { BASELINE_DATABASE_URL: pg.url, BASELINE_ROW_ID: seeded.tenantId });
  const probe = await request(srv.port, { path: '/' });
  if (probe.status !== 200 || !probe.body.includes(seeded.subdomain)) throw new Error(`postgres.js reference server: unexpected answer ${probe.status} ${probe.body.slice(0, 200)}`);
  results.push({ key: 'pgref', ...(await loadTarget('node:http + postgres.js 1 query', { port: srv.port, urlPath: '/', server: srv.child })) });
  await stopChild(srv.child);

  srv = await startServer('baseline-page', baselineScript, { BASELINE_DATABASE_URL: pg.url, BASELINE_PAGE_TENANT: seeded.tenantId });
  const pageProbe = await request(srv.port, { path: '/' });
  if (pageProbe.status !== 200 || JSON.parse(pageProbe.body).length !== 20) throw new Error(`postgres.js page reference server: unexpected answer ${pageProbe.status} ${pageProbe.body.slice(0, 200)}`);
  results.push({ key: 'pgpage', ...(await loadTarget('node:http + postgres.js, /api/data page', { port: srv.port, urlPath: '/', server: srv.child })) });
  await stopChild(srv.child);

  // The app in production mode on PostgreSQL.
  const appPort = await freePort();
  const appDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-bench-app-'));
  tmpDirs.push(appDataDir);
  const prodEnv = appEnv({
    NODE_ENV: 'production',
    DATABASE_URL: pg.url,
    ...(redis.url ? { REDIS_URL: redis.url } : {}),
    SECRET_KEY: secretKey,
    PUBLIC_URL: `http://localhost:${appPort}`,
    ALLOW_INSECURE_HTTP: 'true',
    APP_BASE_DOMAIN: 'localhost',
    HOST: '127.0.0.1',
    PORT: String(appPort),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    DATA_DIR: appDataDir,
  });
  let t0 = performance.now();
  const profileArgs = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`, '--cpu-prof-name=app-production.cpuprofile'] : [];
  const app = startProcess('app-production', process.execPath, [...profileArgs, path.join(root, 'dist/src/main.js')], { env: prodEnv, cwd: appDataDir });
  const prodColdStartMs = await waitReady(app, appPort, t0);
  const tenantHost = `${seeded.subdomain}.localhost:${appPort}`;

  const token = await tokenLogin(appPort, seeded.email, seeded.password);
  const web = await formLogin(appPort, tenantHost, seeded.email, seeded.password);

  const apiHeaders = { host: tenantHost, authorization: `Bearer ${token}` };
  const apiProbe = await request(appPort, { path: '/api/data', headers: apiHeaders });
  const apiItems = apiProbe.status === 200 ? JSON.parse(apiProbe.body).length : null;
  checks.push({ name: 'GET /api/data answers 200 with a page of items', ok: apiProbe.status === 200 && apiItems > 0, detail: `${apiProbe.status}, ${apiItems ?? 0} items` });
  const dashHeaders = { host: tenantHost, cookie: web.cookie };
  const dashProbe = await request(appPort, { path: '/dashboard', headers: dashHeaders });
  checks.push({ name: 'GET /dashboard answers 200 with the tenant name', ok: dashProbe.status === 200 && dashProbe.body.includes('tenant-name'), detail: `${dashProbe.status}, ${dashProbe.body.length} bytes` });
  for (const c of checks) if (!c.ok) say(`  CHECK FAILED: ${c.name}: ${c.detail} (loading anyway; the table shows the errors)`);

  // Each app target is checked again right after its run: credentials that stopped working under load
  // (a redirect to the login page is fast, and a 3xx is not an error to every load generator) show up here.
  const appTargets = [
    { key: 'health', name: 'app GET /health', urlPath: '/health', headers: { host: `localhost:${appPort}` }, expect: '"healthy"' },
    { key: 'api', name: 'app GET /api/data (bearer)', urlPath: '/api/data', headers: apiHeaders, expect: '"created_at"' },
    { key: 'dashboard', name: 'app GET /dashboard (cookie)', urlPath: '/dashboard', headers: dashHeaders, expect: 'tenant-name' },
  ];
  for (const t of appTargets) {
    results.push({ key: t.key, ...(await loadTarget(t.name, { port: appPort, urlPath: t.urlPath, headers: t.headers, server: app })) });
    const after = await request(appPort, { path: t.urlPath, headers: t.headers }).catch((err) => ({ status: err.code ?? err.message, body: '' }));
    const check = { name: `${t.name} still answers 200 after its run`, ok: after.status === 200 && after.body.includes(t.expect), detail: `${after.status}${after.headers?.location ? ` -> ${after.headers.location}` : ''}` };
    checks.push(check);
    if (!check.ok) say(`  CHECK FAILED: ${check.name}: ${check.detail}`);
  }
  const prodRssAfterLoad = rssMb(app.pid);
  await sleep(1000); // requests cut off by the end of the last run finish before the log is read
  const prodLog = countLogProblems(app.logFile);
  await stopChild(app);
  const prodLogAll = countLogProblems(app.logFile);
  const prodShutdownLog = { warn: prodLogAll.warn - prodLog.warn, error: prodLogAll.error - prodLog.error };

  say('\nround trips per request (one request at a time, app talking through counting proxies):');
  const roundTrips = await roundTripProbe(prodEnv, pg.url, redis.url, appTargets.map((t) => ({ key: t.key, name: t.name, path: t.urlPath, headers: t.headers })));
  printTable(
    ['target', 'PG statements', 'Redis commands', 'Redis commands by name', 'statuses'],
    roundTrips.map((r) => [
      r.name,
      r.pgStatements.toFixed(1),
      r.redisCommands === null ? '- (no Redis)' : r.redisCommands.toFixed(1),
      Object.entries(r.redisByName).map(([k, v]) => `${k} ${+v.toFixed(2)}`).join(', ') || '-',
      Object.entries(r.statuses).map(([k, v]) => `${k}:${v}`).join(' '),
    ]),
    [false, true, true, false, false],
  );

  let jobs = null;
  if (SKIP_JOBS) say('\njobs: skipped (BENCH_SKIP_JOBS=1)');
  else if (!redis.url) say('\njobs: skipped (needs Redis; BullMQ is the production queue)');
  else {
    say('\njobs:');
    await waitForQuiet();
    jobs = await jobsBenchmark(pg.url, redis.url, secretKey, appDataDir);
  }

  // Embedded mode: PGlite in a fresh DATA_DIR, demo data seeded at start.
  let embedded = null;
  if (!SKIP_EMBEDDED) {
    say('\nembedded mode:');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-bench-embedded-'));
    tmpDirs.push(dataDir);
    const port = await freePort();
    const embEnv = appEnv({ NODE_ENV: 'development', DATA_DIR: dataDir, SEED_DEMO: 'true', HOST: '127.0.0.1', PORT: String(port), APP_BASE_DOMAIN: 'localhost', PUBLIC_URL: `http://localhost:${port}`, LOG_LEVEL: 'warn' });
    t0 = performance.now();
    let emb = startProcess('app-embedded', process.execPath, [path.join(root, 'dist/src/main.js')], { env: embEnv, cwd: dataDir });
    const coldStartMs = await waitReady(emb, port, t0);
    say(`  cold start (fresh data dir, migrate + demo seed) ${Math.round(coldStartMs)} ms`);
    await sleep(IDLE_SETTLE_MS);
    const idleRssMb = rssMb(emb.pid);
    say(`  idle RSS after ${IDLE_SETTLE_MS / 1000} s                            ${idleRssMb?.toFixed(0)} MB`);
    await stopChild(emb);
    const firstLog = countLogProblems(emb.logFile);

    // Second start on the same data dir: what a developer sees on every restart.
    t0 = performance.now();
    emb = startProcess('app-embedded-restart', process.execPath, [path.join(root, 'dist/src/main.js')], { env: embEnv, cwd: dataDir });
    const restartMs = await waitReady(emb, port, t0);
    say(`  restart (existing data dir)                    ${Math.round(restartMs)} ms`);
    await sleep(IDLE_SETTLE_MS);
    const restartIdleRssMb = rssMb(emb.pid);
    say(`  idle RSS after restart                         ${restartIdleRssMb?.toFixed(0)} MB`);

    const { DEMO } = await import(pathToFileURL(path.join(root, 'dist/src/seed.js')).href);
    const embToken = await tokenLogin(port, DEMO.email, DEMO.password);
    const load = await loadTarget('embedded GET /api/data', { port, urlPath: '/api/data', headers: { host: `${DEMO.subdomain}.localhost:${port}`, authorization: `Bearer ${embToken}` }, server: emb, sampleRssOf: emb.pid });
    results.push({ key: 'embedded-api', ...load });
    await stopChild(emb);
    const restartLog = countLogProblems(emb.logFile);
    const log = { warn: firstLog.warn + restartLog.warn, error: firstLog.error + restartLog.error, samples: [...firstLog.samples, ...restartLog.samples].slice(0, 5) };
    embedded = { coldStartMs, restartMs, idleRssMb, restartIdleRssMb, loadRssMb: load.peakRssMb, log };
  }

  // ---------------------------------------------------------------- report
  const base = results.find((r) => r.key === 'baseline').rps;
  const pgref = results.find((r) => r.key === 'pgref').rps;
  const byKey = Object.fromEntries(results.map((r) => [r.key, r]));
  say('\nresults (ratios to the bare node:http baseline measured in this run):');
  printTable(
    ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'ratio', 'srv CPU', 'other CPU'],
    results.map((r) => {
      const errs = r.non2xx + r.errors + r.timeouts;
      const codes = Object.entries(r.status ?? {}).filter(([c]) => !c.startsWith('2')).map(([c, n]) => `${c}:${n}`);
      const detail = errs ? ` (${[...codes, r.errors ? `socket:${r.errors}` : '', r.timeouts ? `timeout:${r.timeouts}` : ''].filter(Boolean).join(' ') || `non2xx:${r.non2xx}`})` : '';
      return [r.name, fmtNum(r.rps), fmtMs(r.p50), fmtMs(r.p99), `${errs}${detail}`, fmtRatio(ratio(r.rps, base)), fmtPct(r.serverCpu), fmtPct(r.otherCpu)];
    }),
    [false, true, true, true, true, true, true, true],
  );

  const targets = [];
  const target = (name, ok, value) => targets.push({ name, ok, value });
  const apiRatio = ratio(byKey.api.rps, base);
  target(`GET /api/data >= ${TARGET_API_RATIO.toFixed(2)} of baseline`, apiRatio >= TARGET_API_RATIO, fmtRatio(apiRatio));
  const pageRef = byKey.pgpage.rps;
  target('GET /api/data >= 0.50 of the same page from postgres.js alone (design budget)', byKey.api.rps >= 0.5 * pageRef, fmtRatio(ratio(byKey.api.rps, pageRef)));
  target('GET /dashboard >= 0.40 of the postgres.js one-query route (design budget)', byKey.dashboard.rps >= 0.4 * pgref, fmtRatio(ratio(byKey.dashboard.rps, pgref)));
  target(`cold start to /ready < ${TARGET_COLD_START_MS / 1000} s, production on PostgreSQL`, prodColdStartMs < TARGET_COLD_START_MS, `${Math.round(prodColdStartMs)} ms`);
  target('cold start to /ready < 1.0 s, production on PostgreSQL (design budget)', prodColdStartMs < 1000, `${Math.round(prodColdStartMs)} ms`);
  if (embedded) {
    target(`cold start to /ready < ${TARGET_COLD_START_MS / 1000} s, embedded (fresh data dir)`, embedded.coldStartMs < TARGET_COLD_START_MS, `${Math.round(embedded.coldStartMs)} ms`);
    target(`idle RSS < ${TARGET_IDLE_RSS_MB} MB, embedded`, embedded.idleRssMb !== null && embedded.idleRssMb < TARGET_IDLE_RSS_MB, `${embedded.idleRssMb?.toFixed(0)} MB`);
    target(`RSS under load < ${TARGET_LOAD_RSS_MB} MB, embedded`, embedded.loadRssMb !== null && embedded.loadRssMb < TARGET_LOAD_RSS_MB, `${embedded.loadRssMb?.toFixed(0)} MB`);
  }
  if (jobs) {
    const complete = jobs.delivered === jobs.jobs && jobs.duplicates === 0 && jobs.statuses.sent === jobs.jobs;
    target(`email.send jobs/s through SMTP on Redis, concurrency ${jobs.concurrency}, >= ${TARGET_JOBS_PER_SECOND}`, jobs.jobsPerSecond !== null && jobs.jobsPerSecond >= TARGET_JOBS_PER_SECOND, fmtNum(jobs.jobsPerSecond));
    target('every queued email delivered once and marked sent', complete, `${jobs.delivered}/${jobs.jobs}, ${jobs.duplicates} duplicates`);
  }
  const withErrors = results.filter((r) => r.non2xx + r.errors + r.timeouts > 0);
  target('no errors under load (non-2xx, socket errors, timeouts)', withErrors.length === 0, withErrors.length ? withErrors.map((r) => r.name).join(', ') : 'none');

  say('\ntargets:');
  printTable(['target', 'measured', ''], targets.map((t) => [t.name, t.value, t.ok ? 'PASS' : 'MISS']), [false, true, false]);

  say('\nother figures:');
  say(`  production RSS after load            ${prodRssAfterLoad?.toFixed(0) ?? '-'} MB`);
  if (embedded) {
    say(`  embedded restart (existing data dir) ${Math.round(embedded.restartMs)} ms`);
    say(`  embedded idle RSS after a restart    ${embedded.restartIdleRssMb?.toFixed(0) ?? '-'} MB`);
  }
  for (const [label, problems] of [['production app log during the runs', prodLog], ['embedded app log', embedded?.log]]) {
    if (!problems) continue;
    say(`  ${label.padEnd(36)} ${problems.error} errors, ${problems.warn} warnings${problems.samples.length ? `: ${problems.samples.join('; ')}` : ''}`);
  }
  if (prodShutdownLog.error || prodShutdownLog.warn) say(`  production app log at shutdown       ${prodShutdownLog.error} errors, ${prodShutdownLog.warn} warnings (see ${path.relative(root, app.logFile)})`);
  const busy = results.filter((r) => r.otherCpu !== null && r.otherCpu > 0.15 && !['pgref', 'pgpage', 'api', 'dashboard', 'embedded-api'].includes(r.key));
  if (busy.length) {
    say(`  WARNING: other programs used CPU during the run (${busy.map((r) => `${fmtPct(r.otherCpu)} of a core during "${r.name}"`).join(', ')}): ratios are unreliable, run again on a quiet machine`);
  }
  const loadBound = results.filter((r) => r.serverCpu !== null && r.serverCpu < 0.85);
  if (loadBound.length) say(`  note: the server used < 85% of its core on: ${loadBound.map((r) => r.name).join(', ')} (load generator, database or waiting was the limit, not the server's CPU)`);
  for (const c of checks) if (!c.ok) say(`  CHECK FAILED: ${c.name}: ${c.detail}`);

  const report = {
    date: new Date().toISOString(),
    machine: { loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg()[0], cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, node: process.version, platform: `${os.type()} ${os.release()}`, pinned: pinning },
    settings: { connections: CONNECTIONS, durationSeconds: DURATION, warmupSeconds: WARMUP, loadGenerator: LOADGEN, postgres: pg.version, redis: redis.url ? redis.version : null },
    results: results.map((r) => ({ ...r, ratio: ratio(r.rps, base) })),
    coldStartMs: { production: prodColdStartMs, embedded: embedded?.coldStartMs ?? null, embeddedRestart: embedded?.restartMs ?? null },
    rssMb: { productionAfterLoad: prodRssAfterLoad, embeddedIdle: embedded?.idleRssMb ?? null, embeddedIdleAfterRestart: embedded?.restartIdleRssMb ?? null, embeddedUnderLoad: embedded?.loadRssMb ?? null },
    roundTrips,
    jobs,
    checks,
    targets,
    logs: { production: prodLog, productionShutdown: prodShutdownLog, embedded: embedded?.log ?? null, dir: path.relative(root, logDir) },
    totalSeconds: (performance.now() - started) / 1000,
  };
  const outFile = path.join(outDir, `${stamp}.json`);
  fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
  say(`\nwrote ${path.relative(root, outFile)} (process logs in ${path.relative(root, logDir)}/) in ${report.totalSeconds.toFixed(0)} s`);
}

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (err) {
  if (!interrupted) console.error(`\nbench: could not complete: ${err?.message ?? err}`);
  await cleanup();
  process.exit(interrupted ? 130 : 1);
}
