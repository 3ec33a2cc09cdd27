/**
 * Embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in DATA_DIR, or in memory for tests.
 * PGlite has no lock of its own and two processes on one directory lose rows, so we hold a lockfile.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { APP_ROLE, createDatabase, type Database, type Db } from './database.js';
import { acquireDataDirLock, DataDirError } from './data-dir-lock.js';

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
 * Creates the cluster (initdb) in a short-lived child process when the directory has none yet.
 * initdb grows the WebAssembly heap to several hundred megabytes that a process never gets back;
 * in a child that memory ends with it, and the app opens the finished directory with a small heap.
 * The child works in a sibling folder renamed into place at the end, so an interrupted first start
 * leaves no half-made cluster behind.
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
  const pgliteUrl = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(pgliteUrl)}); const db = await PGlite.create({ dataDir: ${JSON.stringify(staging)} }); await db.close();`;
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 || !fs.existsSync(path.join(staging, 'PG_VERSION'))) {
    fs.rmSync(staging, { recursive: true, force: true });
    const detail = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-5).join('\n');
    throw new DataDirError(`Could not create the embedded database in ${dataDir} (initdb exited with ${code})${detail ? `:\n${detail}` : ''}`);
  }
  fs.rmSync(dataDir, { recursive: true, force: true }); // an empty folder at most (checked above)
  fs.renameSync(staging, dataDir);
}
