/**
 * Embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in DATA_DIR, or in memory for tests.
 * PGlite has no lock of its own and two processes on one directory lose rows, so we hold a lockfile.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { APP_ROLE, createDatabase, type Database, type Db } from './database.js';
import { acquireDataDirLock } from './data-dir-lock.js';

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
