/**
 * Daily metrics: each workspace's numbers for a UTC day, stored once per day (a re-run replaces
 * the row), kept apart per workspace, and summed into a month for usage reports.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { emailMessages } from '../../src/modules/email/email.tables.js';
import { previousUtcDay, previousUtcMonth } from '../../src/modules/analytics/index.js';
import { tenantDailyMetrics } from '../../src/modules/analytics/analytics.tables.js';
import { createTenantWithOwner, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const ctx = { ip: null, userAgent: null, requestId: null };

async function workspaceWithActivity(items: number) {
  const w = await createTenantWithOwner(t);
  const other = await createTenantWithOwner(t);
  await t.services.tenants.addMember(w.tenant.id, other.userId, 'member');
  const scope = t.services.tenants.getTenantDb(w.tenant.id);
  for (let i = 0; i < items; i++) await t.services.data.create(scope, 'premium', { name: `item ${i}` }, w.userId);
  // Two sign-ins by the owner and one by the member on the workspace's page, and one failure.
  for (const [userId, outcome] of [[w.userId, 'success'], [w.userId, 'success'], [other.userId, 'success'], [other.userId, 'failure']] as const) {
    await t.services.audit.record({ action: 'auth.login', outcome, tenantId: w.tenant.id, actorUserId: userId, details: { via: 'web' } }, ctx);
  }
  return w;
}

const rowsOf = (tenantId: string) => t.services.tenants.getTenantDb(tenantId).read((tx) => tx.select().from(tenantDailyMetrics).where(sql`${tenantDailyMetrics.tenantId} = ${tenantId}`));

test("a day's numbers per workspace; a re-run replaces the row; workspaces stay apart", async () => {
  const today = new Date().toISOString().slice(0, 10);
  const a = await workspaceWithActivity(3);
  const b = await workspaceWithActivity(1);
  await t.services.analytics.recordDayForTenant(a.tenant.id, today);
  await t.services.analytics.recordDayForTenant(b.tenant.id, today);
  const [rowA] = await rowsOf(a.tenant.id);
  assert.deepEqual(
    { day: rowA!.day, members: rowA!.members, dataItems: rowA!.dataItems, itemsCreated: rowA!.itemsCreated, signIns: rowA!.signIns, activeUsers: rowA!.activeUsers },
    { day: today, members: 2, dataItems: 3, itemsCreated: 3, signIns: 3, activeUsers: 2 },
  );
  const [rowB] = await rowsOf(b.tenant.id);
  assert.equal(rowB!.dataItems, 1);

  // More happens; the job runs again for the same day: still one row, with the new numbers.
  await t.services.data.create(t.services.tenants.getTenantDb(a.tenant.id), 'premium', { name: 'late' }, a.userId);
  await t.services.analytics.recordDayForTenant(a.tenant.id, today);
  const again = await rowsOf(a.tenant.id);
  assert.equal(again.length, 1);
  assert.equal(again[0]!.dataItems, 4);

  // Items created on a later day do not count for an earlier one.
  const yesterday = previousUtcDay();
  await t.services.analytics.recordDayForTenant(a.tenant.id, yesterday);
  const earlier = (await rowsOf(a.tenant.id)).find((r) => r.day === yesterday)!;
  assert.equal(earlier.dataItems, 0);
  assert.equal(earlier.itemsCreated, 0);
  assert.equal(earlier.signIns, 0);
});

test('the job records every workspace for a day, refuses bad payloads, and a month sums its days', async () => {
  const w = await workspaceWithActivity(2);
  const job = t.deps.queue.definitions().find((d) => d.name === 'analytics.daily_metrics')!;
  assert.ok(job, 'the job is registered');
  assert.throws(() => job.parse({ day: '2026-13-01' }), /YYYY-MM-DD/);
  assert.throws(() => job.parse({ day: 'yesterday' }), /YYYY-MM-DD/);
  assert.deepEqual(job.parse({}), {});

  // Two days of a past month, written by the job as the schedule would (one payload per day).
  const month = previousUtcMonth();
  for (const day of [`${month}-01`, `${month}-02`]) await job.handle(job.parse({ day }), { jobId: `test-${day}`, attempt: 1 });
  const days = (await rowsOf(w.tenant.id)).filter((r) => r.day.startsWith(month));
  assert.equal(days.length, 2);
  // Make the days differ, as real ones would.
  await t.services.tenants.getTenantDb(w.tenant.id).run((tx) =>
    tx.execute(sql`update tenant_daily_metrics set sign_ins = 5, active_users = 3, items_created = 2 where tenant_id = ${w.tenant.id} and day = ${`${month}-02`}`),
  );
  const usage = await t.services.analytics.monthlyUsage(w.tenant.id, month);
  assert.equal(usage.daysRecorded, 2);
  assert.equal(usage.signIns, 5);
  assert.equal(usage.peakActiveUsers, 3);
  assert.equal(usage.itemsCreated, 2);
  assert.equal(usage.members, 2);
  assert.deepEqual(usage.days.map((d) => d.day), [`${month}-01`, `${month}-02`]);
  await assert.rejects(t.services.analytics.monthlyUsage(w.tenant.id, '2026-1'), /not a month/);
});

test("a month's usage report goes to every owner of an active workspace, once", async () => {
  const w = await workspaceWithActivity(2);
  const coOwner = await createTenantWithOwner(t);
  await t.services.tenants.addMember(w.tenant.id, coOwner.userId, 'owner');
  const month = previousUtcMonth();
  await t.services.analytics.recordDayForTenant(w.tenant.id, `${month}-15`);
  const before = await t.deps.database.db.select().from(emailMessages).where(eq(emailMessages.template, 'usage-report'));
  assert.equal(await t.services.analytics.sendUsageReport(w.tenant.id, month), 2);
  // Again (a retried job, a second worker): nothing more.
  assert.equal(await t.services.analytics.sendUsageReport(w.tenant.id, month), 0);
  const after = await t.deps.database.db.select().from(emailMessages).where(eq(emailMessages.template, 'usage-report'));
  const ours = after.filter((m) => !before.some((b) => b.id === m.id));
  assert.deepEqual(ours.map((m) => m.toAddress).sort(), [w.email, coOwner.email].sort());
  assert.match(ours[0]!.subject, /your usage for/);
  // A suspended workspace gets none.
  const paused = await workspaceWithActivity(1);
  await t.services.tenants.setStatus(paused.tenant.id, 'suspended');
  assert.equal(await t.services.analytics.sendUsageReport(paused.tenant.id, month), 0);
});
