/**
 * Run once before the test processes start: migrates PostgreSQL when DATABASE_URL is set, otherwise
 * writes a migrated PGlite snapshot for the in-memory test databases.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Db } from '../../src/platform/db/database.js';
import { runMigrations } from '../../src/platform/db/migrations.js';
import { openPostgres } from '../../src/platform/db/postgres.js';
import { PGLITE_SNAPSHOT_PATH } from './snapshot.js';

if (process.env.DATABASE_URL) {
  const owner = openPostgres({ url: process.env.DATABASE_URL, poolSize: 1, asAppRole: false });
  const applied = await runMigrations(owner.db);
  await owner.close();
  console.log(`test setup: PostgreSQL migrated (${applied.length} applied)`);
} else {
  const started = Date.now();
  const pg = await PGlite.create();
  await runMigrations(drizzle(pg) as unknown as Db);
  const dump = await pg.dumpDataDir('gzip');
  await pg.close();
  fs.mkdirSync(path.dirname(PGLITE_SNAPSHOT_PATH), { recursive: true });
  fs.writeFileSync(PGLITE_SNAPSHOT_PATH, Buffer.from(await dump.arrayBuffer()));
  console.log(`test setup: PGlite snapshot written (${Date.now() - started} ms)`);
}
