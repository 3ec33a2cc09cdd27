/**
 * New embedded data directories start from the migrated template that the build makes: every
 * migration is already applied (nothing to run at first start) and the app role exists.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { getMigrationStatus, rowsOf, runMigrations } from '../../src/platform/db/migrations.js';
import { ensureMigratedTemplate, openPglite } from '../../src/platform/db/pglite.js';

test('a new data directory copied from the migrated template has nothing left to migrate', async () => {
  const template = await ensureMigratedTemplate();
  assert.ok(fs.existsSync(path.join(template.dir, 'PG_VERSION')));
  assert.equal((await ensureMigratedTemplate()).fresh, false, 'made once per set of migrations');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-template-'));
  try {
    const handle = await openPglite({ dir });
    try {
      const status = await getMigrationStatus(handle.database.db);
      assert.ok(status.length > 0);
      assert.deepEqual(status.filter((m) => !m.applied).map((m) => m.tag), []);
      assert.deepEqual(await runMigrations(handle.database.db), []);
      const [role] = rowsOf(await handle.database.db.execute(sql`select count(*)::int as n from pg_roles where rolname = 'saas_app'`)) as { n: number }[];
      assert.equal(role?.n, 1);
    } finally {
      await handle.database.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
