/**
 * Embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in DATA_DIR, or in memory for tests.
 * PGlite has no lock of its own and two processes on one directory lose rows, so we hold a lockfile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { APP_ROLE, createDatabase, type Database, type Db } from './database.js';

export class DataDirLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(
      `The embedded database in ${dir} is in use by another process (pid ${pid}). ` +
        'Stop that process first (e.g. the running app), or point DATABASE_URL at PostgreSQL to share one database between processes.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/.lock` for this process; a stale lock (dead pid) is taken over. Returns the release function. */
export function acquireDataDirLock(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      fs.unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  throw new Error(`Could not take the lock on ${dir}`);
}

export interface PgliteOptions {
  /** Directory for the data files; null = in memory (tests). */
  dir: string | null;
  /** Start from this snapshot (a `dumpDataDir()` tarball) instead of an empty database: fast test setup. */
  loadDataDir?: Blob;
}

export interface PgliteHandle {
  client: PGlite;
  /** Switches the single session to the app role, once migrations are done. */
  useAppRole(): Promise<void>;
  database: Database;
}

export async function openPglite({ dir, loadDataDir }: PgliteOptions): Promise<PgliteHandle> {
  const release = dir ? acquireDataDirLock(dir) : () => {};
  let client: PGlite;
  try {
    const dataDir = dir ? path.join(dir, 'pgdata') : undefined;
    client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
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
