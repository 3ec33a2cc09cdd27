/**
 * Isolation at the SQL level: the app role owns no table, tenant-owned tables force row-level
 * security, and a connection without a tenant context reads no tenant rows. PGlite always runs as
 * a superuser, so these checks only mean something on PostgreSQL: they run when DATABASE_URL is set
 * (as in CI) and are skipped, with a note, otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ne, sql } from 'drizzle-orm';
import { dataItems } from '../../src/modules/data/data.tables.js';
import { auditEvents } from '../../src/modules/audit/audit.tables.js';
import { memberships } from '../../src/modules/tenants/tenants.tables.js';
import { rowsOf } from '../../src/platform/db/migrations.js';
import { createTenantWithOwner, startTestApp, type TestApp } from '../support/test-app.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const skip = onPostgres ? false : 'needs PostgreSQL (set DATABASE_URL): PGlite sessions are superusers, so RLS is not a boundary there';

describe('row-level security on PostgreSQL', { skip }, () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenantWithOwner>>;
  let b: Awaited<ReturnType<typeof createTenantWithOwner>>;

  before(async () => {
    t = await startTestApp();
    a = await createTenantWithOwner(t);
    b = await createTenantWithOwner(t);
    for (const owner of [a, b]) {
      const scope = t.services.tenants.getTenantDb(owner.tenant.id);
      await t.services.data.create(scope, 'premium', { name: `secret of ${owner.tenant.subdomain}` }, owner.userId);
    }
  });
  after(async () => t?.close());

  test('the app connects as saas_app, which owns nothing and cannot bypass RLS', async () => {
    const [row] = rowsOf(
      await t.deps.database.db.execute(
        sql`select current_user as who, (select rolbypassrls from pg_roles where rolname = current_user) as bypass, (select count(*)::int from pg_tables where schemaname = 'public' and tableowner = current_user) as owned`,
      ),
    ) as { who: string; bypass: boolean; owned: number }[];
    assert.equal(row!.who, 'saas_app');
    assert.equal(row!.bypass, false);
    assert.equal(row!.owned, 0);
  });

  test('every table with a tenant_id has RLS enabled and forced', async () => {
    // The audit log is append-only and read through its own policy; it is not forced so that the
    // operator's CLI (the owner) can export every tenant's events (migration 0002).
    const notForced = new Set(['audit_events']);
    const rows = rowsOf(
      await t.deps.database.db.execute(
        sql`select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'r'
              and exists (select 1 from information_schema.columns col where col.table_schema = 'public' and col.table_name = c.relname and col.column_name = 'tenant_id')
            order by c.relname`,
      ),
    ) as { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }[];
    const names = rows.map((r) => r.relname);
    for (const expected of ['data_items', 'memberships', 'invitations', 'tenant_roles']) assert.ok(names.includes(expected), `${expected} has a tenant_id`);
    for (const row of rows) {
      assert.equal(row.relrowsecurity, true, `${row.relname}: RLS enabled`);
      assert.equal(row.relforcerowsecurity, !notForced.has(row.relname), `${row.relname}: RLS forced`);
    }
  });

  test('without a tenant context, a query reads no tenant rows (even with no WHERE clause)', async () => {
    const items = await t.deps.database.db.select().from(dataItems);
    assert.equal(items.length, 0);
    const members = await t.deps.database.db.select().from(memberships);
    assert.equal(members.length, 0);
  });

  test("inside tenant A's scope, an unfiltered query sees only A's rows", async () => {
    const items = await t.deps.database.withTenant(a.tenant.id, (tx) => tx.select().from(dataItems));
    assert.ok(items.length >= 1);
    assert.ok(items.every((i) => i.tenantId === a.tenant.id));
  });

  test("inside tenant A's scope, writing a row for tenant B is refused by the policy", async () => {
    await assert.rejects(
      t.deps.database.withTenant(a.tenant.id, (tx) => tx.insert(dataItems).values({ tenantId: b.tenant.id, name: 'planted' })),
      (err: Error & { cause?: { code?: string } }) => (err.cause?.code ?? (err as { code?: string }).code) === '42501',
    );
    const updated = await t.deps.database.withTenant(a.tenant.id, (tx) =>
      tx.update(dataItems).set({ name: 'hijacked' }).where(sql`${dataItems.tenantId} = ${b.tenant.id}`).returning(),
    );
    assert.equal(updated.length, 0);
  });

  const sqlState = (code: string) => (err: Error & { code?: string; cause?: { code?: string } }) => (err.cause?.code ?? err.code) === code;

  test("a one-message tenant read sees only A's rows and leaves no tenant setting on the pooled connections", async () => {
    const items = await t.deps.database.readTenant(a.tenant.id, (tx) => tx.select().from(dataItems));
    assert.ok(items.length >= 1);
    assert.ok(items.every((i) => i.tenantId === a.tenant.id));
    // More queries than the pool has connections, so every connection that served a read is asked.
    const settings = await Promise.all(
      Array.from({ length: 30 }, () => t.deps.database.db.execute(sql`select coalesce(current_setting('app.tenant_id', true), '') as tenant`)),
    );
    assert.deepEqual(new Set(settings.map((r) => (rowsOf(r)[0] as { tenant: string }).tenant)), new Set(['']));
    assert.equal((await t.deps.database.db.select().from(dataItems)).length, 0);
  });

  test('a tenant read whose values cannot be written as literals is bound in a read-only transaction, still scoped', async () => {
    const items = await t.deps.database.readTenant(a.tenant.id, (tx) => tx.select().from(dataItems).where(ne(dataItems.name, "it's; drop table data_items; --")));
    assert.ok(items.length >= 1);
    assert.ok(items.every((i) => i.tenantId === a.tenant.id));
  });

  test('a tenant read cannot write, on either path', async () => {
    for (const name of ['planted', "plant'ed"]) {
      await assert.rejects(t.deps.database.readTenant(a.tenant.id, (tx) => tx.insert(dataItems).values({ tenantId: a.tenant.id, name })), sqlState('25006'), name);
    }
    const planted = await t.deps.database.withTenant(a.tenant.id, (tx) => tx.select().from(dataItems).where(sql`${dataItems.name} like 'plant%'`));
    assert.equal(planted.length, 0);
  });

  test("interleaved reads of A and B each see only their own tenant's rows", async () => {
    const reads = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b)).map(async (owner) => {
      const items = await t.deps.database.readTenant(owner.tenant.id, (tx) => tx.select().from(dataItems));
      return items.length > 0 && items.every((item) => item.tenantId === owner.tenant.id);
    });
    assert.deepEqual(new Set(await Promise.all(reads)), new Set([true]));
  });

  test('the audit log is append-only for the app, and each tenant or user reads only its own events', async () => {
    // Sign-up recorded, for each owner: auth.signup (no tenant) and tenant.created (their tenant).
    const inA = await t.deps.database.withTenant(a.tenant.id, (tx) => tx.select().from(auditEvents));
    assert.ok(inA.some((e) => e.action === 'tenant.created'));
    assert.ok(inA.every((e) => e.tenantId === a.tenant.id), 'tenant A read another tenant\'s or a personal event');
    const own = await t.deps.database.withUser(a.userId, (tx) => tx.select().from(auditEvents));
    // A user reads what they did, with a tenant or without, and nothing anyone else did.
    assert.ok(own.some((e) => e.action === 'auth.signup' && e.tenantId === null));
    assert.ok(own.some((e) => e.action === 'tenant.created' && e.tenantId === a.tenant.id));
    assert.ok(own.every((e) => e.actorUserId === a.userId));
    assert.equal((await t.deps.database.db.select().from(auditEvents)).length, 0, 'no context, no events');

    // Writing another tenant's event is refused; changing or deleting any is refused.
    await assert.rejects(
      t.deps.database.withTenant(a.tenant.id, (tx) => tx.insert(auditEvents).values({ tenantId: b.tenant.id, action: 'auth.login', outcome: 'success' })),
      sqlState('42501'),
    );
    await assert.rejects(t.deps.database.withTenant(a.tenant.id, (tx) => tx.update(auditEvents).set({ outcome: 'failure' })), sqlState('42501'));
    await assert.rejects(t.deps.database.withTenant(a.tenant.id, (tx) => tx.delete(auditEvents)), sqlState('42501'));
    const after = await t.deps.database.withTenant(a.tenant.id, (tx) => tx.select().from(auditEvents));
    assert.deepEqual(after.map((e) => e.outcome).sort(), inA.map((e) => e.outcome).sort());
  });

  test('even the table owner sees nothing without a tenant context (FORCE ROW LEVEL SECURITY)', async (ctx) => {
    const result = await t.deps.withOwnerDb(async (db) => {
      const [who] = rowsOf(await db.execute(sql`select rolsuper from pg_roles where rolname = current_user`)) as { rolsuper: boolean }[];
      const [count] = rowsOf(await db.execute(sql`select count(*)::int as n from data_items`)) as { n: number }[];
      return { superuser: who!.rolsuper, n: count!.n };
    });
    // Superusers bypass RLS by design; production owners are ordinary roles, where FORCE applies.
    if (result.superuser) return ctx.skip('the migration role here is a superuser, which always bypasses RLS');
    assert.equal(result.n, 0);
  });
});
