/**
 * The tenant-scoped handle on whichever engine runs the suite (PGlite by default, PostgreSQL in CI):
 * `run` and `read` see the tenant's rows, and `read` refuses to write. The isolation guarantees
 * themselves (RLS as a boundary) are proven on PostgreSQL in tests/security/row-level-security.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { dataItems } from '../../src/modules/data/data.tables.js';
import { captureLog, clientFor, createTenantWithOwner, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

describe('tenant scope', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof createTenantWithOwner>>;

  before(async () => {
    t = await startTestApp();
    owner = await createTenantWithOwner(t);
    const scope = t.services.tenants.getTenantDb(owner.tenant.id);
    await t.services.data.create(scope, 'premium', { name: 'first' }, owner.userId);
    await t.services.data.create(scope, 'premium', { name: "O'Brien's list" }, owner.userId);
  });
  after(async () => t?.close());

  test('read returns the same rows as run, whatever the values in the statement', async () => {
    const scope = t.services.tenants.getTenantDb(owner.tenant.id);
    for (const name of ['first', "O'Brien's list"]) {
      const byRun = await scope.run((tx) => tx.select().from(dataItems).where(eq(dataItems.name, name)));
      const byRead = await scope.read((tx) => tx.select().from(dataItems).where(eq(dataItems.name, name)));
      assert.equal(byRead.length, 1, name);
      assert.deepEqual(byRead, byRun);
      assert.ok(byRead[0]!.createdAt instanceof Date);
    }
  });

  test('read refuses writes and leaves nothing behind', async () => {
    const scope = t.services.tenants.getTenantDb(owner.tenant.id);
    await assert.rejects(
      scope.read((tx) => tx.insert(dataItems).values({ tenantId: owner.tenant.id, name: 'written in a read' })),
      (err: Error & { cause?: Error }) => /read-only transaction/.test(err.cause?.message ?? err.message),
    );
    const rows = await scope.run((tx) => tx.select().from(dataItems).where(eq(dataItems.name, 'written in a read')));
    assert.equal(rows.length, 0);
  });
});

test("every log line of a workspace's request names the workspace; the root site's name none", async () => {
  const { stream, lines } = captureLog();
  const t = await startTestApp({ ACCESS_LOG: 'true', LOG_LEVEL: 'info' }, { logStream: stream });
  try {
    const owner = await createTenantWithOwner(t);
    const token = await loginForToken(t, owner.email, owner.password);
    const res = await clientFor(t, owner.tenant.subdomain, token)({ method: 'GET', url: '/api/data' });
    assert.equal(res.statusCode, 200);
    await t.app.inject({ method: 'GET', url: '/pricing', headers: { host: hostFor(null) } });
    const entries = lines.map((l) => JSON.parse(l) as { msg?: string; tenant_id?: string; req?: { url?: string }; reqId?: string });
    const completed = (url: string) => {
      const started = entries.find((e) => e.req?.url === url);
      assert.ok(started, `a line for ${url}`);
      return entries.filter((e) => e.reqId === started.reqId && e.msg === 'request completed');
    };
    const tenantLines = completed('/api/data');
    assert.equal(tenantLines.length, 1);
    assert.equal(tenantLines[0]!.tenant_id, owner.tenant.id);
    const rootLines = completed('/pricing');
    assert.equal(rootLines.length, 1);
    assert.equal(rootLines[0]!.tenant_id, undefined);
  } finally {
    await t.close();
  }
});
