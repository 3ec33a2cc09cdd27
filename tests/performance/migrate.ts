/**
 * Applies the migrations to DATABASE_URL over an owner connection. The benchmark uses this only when
 * the compiled CLI (`dist/src/cli.js db migrate`) is not there.
 */
import { runMigrations } from '../../src/platform/db/migrations.js';
import { openPostgres } from '../../src/platform/db/postgres.js';

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const owner = openPostgres({ url, poolSize: 1, asAppRole: false });
  try {
    const applied = await runMigrations(owner.db);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'already up to date\n');
  } finally {
    await owner.close();
  }
}

main().catch((err) => {
  process.stderr.write(`migrate failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
