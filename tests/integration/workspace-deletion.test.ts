/**
 * Deleting a workspace: the confirmation (its address and the password) is required; scheduling
 * closes the workspace (403 tenant_deletion_pending) except the export and the deletion page;
 * cancelling opens it again; the purge does nothing before its time, and after it deletes every row
 * the workspace owns (the audit log keeps its rows), writes the final archive, frees the address,
 * and is harmless when run again. Owners are told by email at each step.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let dataDir: string;
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-deletion-'));
  t = await startTestApp({ DATA_DIR: dataDir });
});
after(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const DELETE_PAGE = '/settings/workspace/delete';
const SYSTEM = { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' as const };

/** A workspace with two owners (both get the emails), signed in as the first. */
async function workspace(plan = 'starter') {
  const owner = await createTenantWithOwner(t, { plan });
  const coOwner = await createTenantWithOwner(t);
  await t.services.tenants.addMember(owner.tenant.id, coOwner.userId, 'owner');
  const host = hostFor(owner.tenant.subdomain);
  const b = createBrowser(t);
  await b.login(owner.tenant.subdomain, owner.email, owner.password);
  const csrf = async () => csrfFrom((await b.request('GET', host, DELETE_PAGE)).body);
  return { owner, coOwner, host, b, csrf };
}

const scheduledFor = async (tenantId: string) => (await t.services.tenants.requireTenant(tenantId)).deletionScheduledFor;
const auditActions = async (tenantId: string) =>
  (await t.deps.database.withTenant(tenantId, (tx) => t.services.audit.listForTenant(tx, {}, 1, 100))).items.map((e) => e.action);
const mailsNow = async (email: string, subject: RegExp) => (await t.deps.mailer.listOutbox(500)).filter((m) => m.to === email && subject.test(m.subject));
/** Mail leaves through the outbox and the email queue, a moment after the request: waits for the first match (3 s at most). */
async function mailsTo(email: string, subject: RegExp) {
  for (let i = 0; i < 100; i++) {
    const found = await mailsNow(email, subject);
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return mailsNow(email, subject);
}

/** Every table with a tenant_id column (read from the catalogue as the schema owner). */
async function tenantTables(): Promise<string[]> {
  const rows = await t.deps.withOwnerDb((db) =>
    db.execute(sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by table_name`),
  );
  return (rows as unknown as { rows?: { table_name: string }[] }).rows?.map((r) => r.table_name) ?? (rows as unknown as { table_name: string }[]).map((r) => r.table_name);
}

/** Rows per table that belong to `tenantId` (counted inside its scope: RLS is forced even for the owner). */
async function rowCounts(tenantId: string, tables: string[]): Promise<Record<string, number>> {
  return t.deps.database.withTenant(tenantId, async (tx) => {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const result = await tx.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenantId}`);
      const rows = (result as unknown as { rows?: { n: number }[] }).rows ?? (result as unknown as { n: number }[]);
      counts[table] = Number(rows[0]!.n);
    }
    return counts;
  });
}

/** One row in every tenant-owned table (beyond the owner's membership and the data item). */
async function fillEveryTable(tenantId: string, ownerId: string) {
  await t.services.data.create(t.services.tenants.getTenantDb(tenantId), 'starter', { name: 'Doomed item' }, ownerId);
  await t.services.invitations.invite(tenantId, { userId: ownerId, role: 'owner' }, { email: `${tenantId.slice(0, 8)}-invitee@example.com`, role: 'member' }, SYSTEM);
  await t.deps.database.withTenant(tenantId, async (tx) => {
    await tx.execute(sql`insert into tenant_roles (key, name, permissions) values ('custom:auditors', 'Auditors', array['data:read'])`);
    await tx.execute(sql`insert into tenant_logos (content_type, data) values ('image/png', '\\x89504e47'::bytea)`);
    await tx.execute(sql`insert into custom_domains (hostname, verification_token) values (${`app.${tenantId.slice(0, 8)}.example.com`}, 'token-value')`);
    await tx.execute(sql`insert into subdomain_redirects (subdomain, expires_at) values (${`old-${tenantId.slice(0, 8)}`}, now() + interval '30 days')`);
    await tx.execute(sql`insert into tenant_daily_metrics (day, members, data_items, items_created, sign_ins, active_users) values ('2026-11-30', 1, 1, 1, 1, 1)`);
    await tx.execute(sql`insert into usage_reports (month, recipients) values ('2026-11', 1)`);
  });
}

describe('workspace deletion', () => {
  test('the address and the password are required; nothing is scheduled without both', async () => {
    const { owner, host, b, csrf } = await workspace();
    const empty = await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf() });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, new RegExp(`Type ${owner.tenant.subdomain} to confirm`));
    const wrongAddress = await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf(), confirm: 'someone-else', current_password: owner.password });
    assert.equal(wrongAddress.statusCode, 422);
    assert.match(wrongAddress.body, /That is not this workspace&#39;s address|That is not this workspace's address/);
    const wrongPassword = await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf(), confirm: owner.tenant.subdomain, current_password: 'not the password' });
    assert.equal(wrongPassword.statusCode, 422);
    assert.match(wrongPassword.body, /That is not your current password/);
    assert.match(wrongPassword.body, new RegExp(`value="${owner.tenant.subdomain}"`), 'the typed address is kept');
    const noCsrf = await b.request('POST', host, DELETE_PAGE, { confirm: owner.tenant.subdomain, current_password: owner.password });
    assert.equal(noCsrf.statusCode, 403);

    assert.equal(await scheduledFor(owner.tenant.id), null);
    assert.ok(!(await auditActions(owner.tenant.id)).includes('tenant.deletion_scheduled'));
    assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 200);
  });

  test('wrong passwords are limited like every password re-check', async () => {
    const { owner, host, b, csrf } = await workspace();
    let last = 0;
    for (let i = 0; i < 6; i++) {
      last = (await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf(), confirm: owner.tenant.subdomain, current_password: `wrong ${i}` })).statusCode;
    }
    assert.equal(last, 429);
    const right = await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf(), confirm: owner.tenant.subdomain, current_password: owner.password });
    assert.equal(right.statusCode, 429, 'even the right password waits');
    assert.equal(await scheduledFor(owner.tenant.id), null);
  });

  test('only roles with tenant:delete see the page or can schedule', async () => {
    const { owner, host } = await workspace('professional');
    for (const role of ['admin', 'member', 'viewer']) {
      const person = await createTenantWithOwner(t);
      await t.services.tenants.addMember(owner.tenant.id, person.userId, role);
      const b = createBrowser(t);
      await b.login(owner.tenant.subdomain, person.email, person.password);
      const page = await b.request('GET', host, DELETE_PAGE);
      assert.equal(page.statusCode, 403, role);
      const csrf = csrfFrom((await b.request('GET', host, '/account')).body);
      const post = await b.request('POST', host, DELETE_PAGE, { _csrf: csrf, confirm: owner.tenant.subdomain, current_password: person.password });
      assert.equal(post.statusCode, 403, role);
      const settings = await b.request('GET', host, '/settings/workspace');
      if (role === 'admin') assert.ok(!settings.body.includes('id="workspace-delete-link"'), 'admins get no delete button');
    }
    assert.equal(await scheduledFor(owner.tenant.id), null);
  });

  test('scheduled: the workspace closes except export and the deletion page; owners are told; cancelling opens it again', async () => {
    const { owner, coOwner, host, b, csrf } = await workspace();
    const member = await createTenantWithOwner(t);
    await t.services.tenants.addMember(owner.tenant.id, member.userId, 'member');
    const memberApi = clientFor(t, owner.tenant.subdomain, await loginForToken(t, member.email, member.password));

    const started = Date.now();
    const res = await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf(), confirm: ` ${owner.tenant.subdomain.toUpperCase()} `, current_password: owner.password });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${DELETE_PAGE}?done=scheduled`);
    const at = await scheduledFor(owner.tenant.id);
    assert.ok(at, 'scheduled');
    const graceMs = 14 * 24 * 3600 * 1000;
    assert.ok(Math.abs(at.getTime() - (started + graceMs)) < 60_000, `about 14 days from now: ${at.toISOString()}`);
    assert.ok((await auditActions(owner.tenant.id)).includes('tenant.deletion_scheduled'));
    for (const to of [owner.email, coOwner.email]) assert.equal((await mailsTo(to, /will be deleted on/)).length, 1, `scheduled mail to ${to}`);
    assert.equal((await mailsNow(member.email, /will be deleted/)).length, 0, 'members who are not owners get no mail');

    const page = await b.request('GET', host, `${DELETE_PAGE}?done=scheduled`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="deletion-cancel-button"/);
    assert.match(page.body, /Deletion scheduled/);

    // Everything else is closed, for pages and the API.
    const dashboard = await b.request('GET', host, '/dashboard');
    assert.equal(dashboard.statusCode, 403);
    assert.match(dashboard.body, /scheduled for deletion/);
    assert.match(dashboard.body, /href="\/settings\/export"/);
    assert.match(dashboard.body, /href="\/settings\/workspace\/delete"/);
    const list = await memberApi({ method: 'GET', url: '/api/data' });
    assert.equal(list.statusCode, 403);
    assert.equal(list.json().code, 'tenant_deletion_pending');
    // Scheduling twice is refused: the page shows the schedule that stands.
    const again = await b.request('POST', host, DELETE_PAGE, { _csrf: await csrf(), confirm: owner.tenant.subdomain, current_password: owner.password });
    assert.equal(again.statusCode, 409);
    assert.equal((await scheduledFor(owner.tenant.id))?.getTime(), at.getTime());

    // Members can still sign in, land on a page that says why and where to go, and export.
    const mb = createBrowser(t);
    const signIn = await mb.login(owner.tenant.subdomain, member.email, member.password);
    assert.equal(signIn.statusCode, 303);
    const landing = await mb.request('GET', host, String(signIn.headers.location));
    assert.equal(landing.statusCode, 403);
    assert.match(landing.body, /Export the data/);
    assert.equal((await mb.request('GET', host, '/export.zip')).statusCode, 200);
    assert.equal((await memberApi({ method: 'GET', url: '/api/export' })).statusCode, 200);
    assert.equal((await mb.request('GET', host, DELETE_PAGE)).statusCode, 403, 'members cannot cancel');

    const cancel = await b.request('POST', host, `${DELETE_PAGE}/cancel`, { _csrf: await csrf() });
    assert.equal(cancel.statusCode, 303);
    assert.equal(cancel.headers.location, `${DELETE_PAGE}?done=cancelled`);
    assert.equal(await scheduledFor(owner.tenant.id), null);
    assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 200);
    assert.equal((await memberApi({ method: 'GET', url: '/api/data' })).statusCode, 200);
    assert.ok((await auditActions(owner.tenant.id)).includes('tenant.deletion_cancelled'));
    for (const to of [owner.email, coOwner.email]) assert.equal((await mailsTo(to, /will not be deleted/)).length, 1);
    // The purge that was queued for the old schedule finds nothing to do.
    assert.equal(await t.services.deletion.purge(owner.tenant.id, new Date(at.getTime() + 1000)), 'not_due');
  });

  test('the purge: nothing before its time; after it every tenant row goes (audit log kept), the archive is written, the address is free', async () => {
    const { owner, coOwner } = await workspace();
    const other = await createTenantWithOwner(t);
    await fillEveryTable(owner.tenant.id, owner.userId);
    await fillEveryTable(other.tenant.id, other.userId);
    const tables = await tenantTables();
    for (const table of ['memberships', 'invitations', 'tenant_roles', 'data_items', 'tenant_logos', 'custom_domains', 'subdomain_redirects', 'audit_events']) {
      assert.ok(tables.includes(table), `${table} has a tenant_id`);
    }
    const before = await rowCounts(owner.tenant.id, tables);
    for (const table of tables) assert.ok(before[table]! > 0, `${table} has rows of the workspace before`);
    const otherBefore = await rowCounts(other.tenant.id, tables);

    await t.services.deletion.schedule(owner.tenant.id, owner.tenant.subdomain, { userId: owner.userId, email: owner.email }, { ...SYSTEM, via: 'web' });
    assert.equal(await t.services.deletion.purge(owner.tenant.id), 'not_due', 'not before its time');
    assert.ok(await t.services.tenants.getTenantById(owner.tenant.id));

    await t.deps.database.db.execute(sql`update tenants set deletion_scheduled_for = now() - interval '1 minute' where id = ${owner.tenant.id}`);
    assert.ok((await t.services.deletion.listDue()).some((d) => d.id === owner.tenant.id));
    assert.equal(await t.services.deletion.purge(owner.tenant.id), 'purged');

    const afterCounts = await rowCounts(owner.tenant.id, tables);
    for (const table of tables) {
      if (table === 'audit_events') assert.ok(afterCounts[table]! > before[table]!, 'the audit log keeps its rows, and the deletion');
      else assert.equal(afterCounts[table], 0, `${table} has no rows of the workspace left`);
    }
    assert.deepEqual(await rowCounts(other.tenant.id, tables), otherBefore, "other workspaces' rows are untouched");
    assert.equal(await t.services.tenants.getTenantById(owner.tenant.id), null);
    assert.ok((await auditActions(owner.tenant.id)).includes('tenant.deleted'));

    const date = new Date().toISOString().slice(0, 10);
    const archive = path.join(dataDir, 'exports', `${owner.tenant.subdomain}-${owner.tenant.id}-${date}.zip`);
    assert.ok(fs.existsSync(archive), `archive at ${archive}`);
    const files = unzipSync(new Uint8Array(fs.readFileSync(archive)));
    const doc = JSON.parse(strFromU8(files['workspace.json']!));
    assert.equal(doc.workspace.id, owner.tenant.id);
    assert.deepEqual(doc.data_items.map((d: { name: string }) => d.name), ['Doomed item']);
    assert.ok('csv/audit_events.csv' in files, 'the final archive keeps the audit log');
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'exports')).filter((f) => f.endsWith('.partial')), []);

    for (const to of [owner.email, coOwner.email]) assert.equal((await mailsTo(to, /has been deleted/)).length, 1, `deleted mail to ${to}`);

    // The address answers 404, and anyone can sign up with it again.
    const gone = await t.app.inject({ method: 'GET', url: '/login', headers: { host: hostFor(owner.tenant.subdomain) } });
    assert.equal(gone.statusCode, 404);
    const reborn = await createTenantWithOwner(t, { subdomain: owner.tenant.subdomain });
    assert.notEqual(reborn.tenant.id, owner.tenant.id);
    assert.equal((await t.app.inject({ method: 'GET', url: '/login', headers: { host: hostFor(owner.tenant.subdomain) } })).statusCode, 200);

    // Twice is harmless: nothing more is deleted or sent, and the new workspace on that address is untouched.
    assert.equal(await t.services.deletion.purge(owner.tenant.id), 'missing');
    assert.equal((await mailsTo(owner.email, /has been deleted/)).length, 1);
    assert.ok(await t.services.tenants.getTenantById(reborn.tenant.id));
  });

  test('the purge-due job deletes the workspaces whose time has passed, and only those', async () => {
    const due = await createTenantWithOwner(t);
    const later = await createTenantWithOwner(t);
    for (const w of [due, later]) await t.services.deletion.schedule(w.tenant.id, w.tenant.subdomain, { userId: w.userId, email: w.email }, { ...SYSTEM, via: 'web' });
    await t.deps.database.db.execute(sql`update tenants set deletion_scheduled_for = now() - interval '1 day' where id = ${due.tenant.id}`);
    const job = t.deps.queue.definitions().find((d) => d.name === 'tenants.purge_due');
    assert.ok(job);
    await job.handle(job.parse({}), { jobId: 'test', attempt: 1 });
    assert.equal(await t.services.tenants.getTenantById(due.tenant.id), null);
    assert.ok(await t.services.tenants.getTenantById(later.tenant.id));
    await job.handle(job.parse({}), { jobId: 'test-again', attempt: 1 });
    assert.ok(await t.services.tenants.getTenantById(later.tenant.id));

    const purge = t.deps.queue.definitions().find((d) => d.name === 'tenants.purge')!;
    assert.throws(() => purge.parse({ tenantId: 'not-a-uuid' }));
    assert.throws(() => purge.parse({ tenantId: later.tenant.id, scheduledFor: 'soon' }));

    // A job that wakes before the time (long grace periods wait in hops) waits again, only for the schedule it was queued for.
    const at = (await t.services.tenants.requireTenant(later.tenant.id)).deletionScheduledFor!.getTime();
    await purge.handle(purge.parse({ tenantId: later.tenant.id, scheduledFor: at }), { jobId: 'early', attempt: 1 });
    assert.ok(await t.services.tenants.getTenantById(later.tenant.id), 'not deleted before its time');
    assert.equal(await t.services.deletion.requeuePurge(later.tenant.id, at), true);
    assert.equal(await t.services.deletion.requeuePurge(later.tenant.id, at - 1000), false, 'a job of an older schedule stops');
    await t.services.deletion.cancel(later.tenant.id, { userId: later.userId, email: later.email }, { ...SYSTEM, via: 'web' });
    assert.equal(await t.services.deletion.requeuePurge(later.tenant.id, at), false, 'a cancelled deletion stops its jobs');
    assert.equal(purge.attempts, 5);
    assert.equal(purge.queue, 'maintenance');
  });
});
