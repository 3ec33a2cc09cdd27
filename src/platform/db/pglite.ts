/**
 * Embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in DATA_DIR, or in memory for tests.
 * PGlite has no lock of its own and two processes on one directory lose rows, so we hold a lockfile.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { APP_ROLE, createDatabase, type Database, type Db } from './database.js';
import { acquireDataDirLock, DataDirError } from './data-dir-lock.js';
import { defaultMigrationsFolder, runMigrations } from './migrations.js';

export interface PgliteOptions {
  /** Directory for the data files; null = in memory (tests). */
  dir: string | null;
  /** Start from this snapshot (a `dumpDataDir()` tarball) instead of an empty database: fast test setup. */
  loadDataDir?: Blob;
  /** Called before a new database is created (a few seconds, once per data directory). */
  onCreate?: (dataDir: string) => void;
}

export interface PgliteHandle {
  client: PGlite;
  /** Switches the single session to the app role, once migrations are done. */
  useAppRole(): Promise<void>;
  database: Database;
}

/**
 * PostgreSQL's default 128 MB of shared buffers live inside the WebAssembly heap, which never
 * shrinks: a development database of a few megabytes needs far less (the operating system caches
 * the data files anyway). With 128 MB the embedded app idled at about 360 MB after a restart.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=8MB'];

export async function openPglite({ dir, loadDataDir, onCreate }: PgliteOptions): Promise<PgliteHandle> {
  const release = dir ? acquireDataDirLock(dir) : () => {};
  let client: PGlite;
  try {
    const dataDir = dir ? path.join(dir, 'pgdata') : undefined;
    if (dataDir && !loadDataDir) await initDataDir(dataDir, onCreate);
    // Keep PostgreSQL's WebAssembly on V8's baseline compiler: optimised recompiles of hot functions
    // stay resident (about 40 MB here) and, measured on the embedded API, bought no throughput
    // (838 vs 830 requests/s; docs/admin/benchmarks.md). Process-wide, so only the embedded mode sets it.
    v8.setFlagsFromString('--liftoff-only');
    client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}), startParams: START_PARAMS });
  } catch (err) {
    release();
    throw err;
  }
  const db = drizzle(client) as unknown as Db;
  // PGlite is a single connection: queries queue on it, so transactions never interleave.
  const database = createDatabase('pglite', db, async () => {
    try {
      await client.close();
    } finally {
      release();
    }
  });
  return {
    client,
    database,
    async useAppRole() {
      await client.exec(`SET ROLE ${APP_ROLE}`);
    },
  };
}

/**
 * Gives a new data directory its cluster by copying a template: the migrated template when the build
 * made one for these migrations (nothing left to apply at start), otherwise the bare template cluster
 * (see `ensureTemplateCluster`). A file copy of a few tens of megabytes instead of seconds of initdb,
 * and none of initdb's memory in this process. The copy goes to a sibling folder renamed into place
 * at the end, so an interrupted first start leaves no half-made cluster behind.
 */
async function initDataDir(dataDir: string, onCreate?: (dataDir: string) => void): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new DataDirError(`${dataDir} is not empty but holds no database (no PG_VERSION file): move it away or remove it, then start again`);
  }
  onCreate?.(dataDir);
  const staging = `${dataDir}.init`; // one process at a time holds the data directory lock
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const migrated = migratedTemplateDir();
  const template = fs.existsSync(path.join(migrated, 'PG_VERSION')) ? migrated : await ensureTemplateCluster().catch((err: NodeJS.ErrnoException) => {
    // A read-only install (a container image, a shared node_modules): make this cluster directly.
    if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') return null;
    throw err;
  });
  if (template) fs.cpSync(template, staging, { recursive: true });
  else await initdbInChild(staging);
  fs.rmSync(dataDir, { recursive: true, force: true }); // an empty folder at most (checked above)
  fs.renameSync(staging, dataDir);
}

/**
 * The template cluster: what initdb makes, made once per PGlite version and kept in
 * node_modules/.cache (`npm run build` makes it ahead of the first start). Safe when several
 * processes race: each builds in its own folder and the first rename wins.
 */
export async function ensureTemplateCluster(): Promise<string> {
  const template = templateClusterDir();
  if (fs.existsSync(path.join(template, 'PG_VERSION'))) return template;
  const staging = `${template}.${process.pid}`;
  fs.mkdirSync(path.dirname(template), { recursive: true });
  fs.accessSync(path.dirname(template), fs.constants.W_OK); // EACCES here, rather than from inside the child
  await initdbInChild(staging);
  try {
    fs.renameSync(staging, template);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(path.join(template, 'PG_VERSION'))) throw err; // otherwise another process made it first
  }
  return template;
}

function templateClusterDir(): string {
  const pkgDir = findPackageDir(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  return path.join(pkgDir, '..', '..', '.cache', 'saas-app', `pglite-${version}-cluster`);
}

/** A hash of the migration files: a migrated template serves only the migrations it was made with. */
function migrationsKey(folder = defaultMigrationsFolder()): string {
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(name).update('\0').update(fs.readFileSync(path.join(folder, name))).update('\0');
  }
  hash.update(fs.readFileSync(path.join(folder, 'meta', '_journal.json')));
  return hash.digest('hex').slice(0, 16);
}

function migratedTemplateDir(): string {
  return `${templateClusterDir()}-migrated-${migrationsKey()}`;
}

/**
 * The template cluster with every migration applied, made by `npm run build` (the app only uses it):
 * a new data directory then starts with nothing to migrate, about 0.3 s sooner, and the migrations'
 * memory stays out of the app's WebAssembly heap. Templates made for older migrations are removed.
 */
export async function ensureMigratedTemplate(): Promise<{ dir: string; fresh: boolean }> {
  const dir = migratedTemplateDir();
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return { dir, fresh: false };
  const base = await ensureTemplateCluster();
  const staging = `${dir}.${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(base, staging, { recursive: true });
  try {
    const client = await PGlite.create({ dataDir: staging, startParams: START_PARAMS });
    try {
      await runMigrations(drizzle(client) as unknown as Db);
    } finally {
      await client.close();
    }
    fs.renameSync(staging, dir);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw err; // otherwise another process made it first
  }
  const prefix = `${path.basename(base)}-migrated-`;
  for (const old of fs.readdirSync(path.dirname(base))) {
    if (old.startsWith(prefix) && old !== path.basename(dir) && !old.slice(prefix.length).includes('.')) fs.rmSync(path.join(path.dirname(base), old), { recursive: true, force: true });
  }
  return { dir, fresh: true };
}

/**
 * Runs initdb in a short-lived child process: it grows the WebAssembly heap to several hundred
 * megabytes that a process never gets back, and in a child that memory ends with it.
 */
async function initdbInChild(dir: string): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  const pgliteUrl = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(pgliteUrl)}); const db = await PGlite.create({ dataDir: ${JSON.stringify(dir)} }); await db.close();`;
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 || !fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const detail = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-5).join('\n');
    throw new DataDirError(`Could not create an embedded database cluster in ${dir} (initdb exited with ${code})${detail ? `:\n${detail}` : ''}`);
  }
}

function findPackageDir(file: string): string {
  let dir = path.dirname(file);
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(path.dirname(dir)) !== '@electric-sql') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the @electric-sql/pglite package above ${file}`);
    dir = parent;
  }
  return dir;
}
