/**
 * Role by route, generated from the app's route table: every tenant route (pages and API) is called
 * as each built-in role, and as a member whose role the app does not know. A role gets past the
 * permission check exactly when the matrix (src/modules/access/permissions.ts) says so:
 * 0 unexpected allows, 0 unexpected denials.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { ANY_MEMBER, MEMBER_ROLES, roleCan, type Permission, type RouteAccess } from '../../src/modules/access/index.js';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

interface Outcome {
  route: string;
  status: number;
  allowed: boolean;
}

/** Denied by the permission check: 403 with `permission_denied` (JSON) or its message (pages). */
function deniedByRole(status: number, body: string): boolean {
  return status === 403 && (body.includes('"permission_denied"') || body.includes('does not allow this'));
}

/** Route parameters get a random id: an allowed caller then meets a 404, and nothing of the tenant changes. */
const fill = (url: string) => url.replace(/:[A-Za-z]+/g, () => crypto.randomUUID());

/** Leaving the workspace goes last: once allowed, the member is gone. */
const leavesLast = <T extends { url: string }>(routes: readonly T[]) => [...routes].sort((a, b) => Number(a.url.endsWith('/leave')) - Number(b.url.endsWith('/leave')));

async function callEveryRoute(subdomain: string, email: string, password: string): Promise<Outcome[]> {
  const host = hostFor(subdomain);
  const token = await loginForToken(t, email, password);
  const api = clientFor(t, subdomain, token);
  const browser = createBrowser(t);
  const signedIn = await browser.login(subdomain, email, password);
  assert.equal(signedIn.statusCode, 303, 'signed in');
  const page = await browser.request('GET', host, '/account');
  const csrf = csrfFrom(page.body);
  const outcomes: Outcome[] = [];
  for (const route of leavesLast(t.app.tenantRouteAccess)) {
    const url = fill(route.url);
    const method = route.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    const unsafe = method !== 'GET';
    const res = route.url.startsWith('/api/')
      ? await api({ method, url, ...(unsafe ? { payload: {} } : {}) })
      : await browser.request(method as 'GET' | 'POST' | 'DELETE', host, url, unsafe ? { _csrf: csrf } : undefined, unsafe ? { 'x-csrf-token': csrf } : {});
    assert.ok(res.statusCode < 500, `${method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    assert.notEqual(res.statusCode, 401, `${method} ${route.url}: the caller is signed in`);
    outcomes.push({ route: `${method} ${route.url}`, status: res.statusCode, allowed: !deniedByRole(res.statusCode, res.body) });
  }
  return outcomes;
}

test('the route table covers the tenant routes, each with its permission', () => {
  const table = t.app.tenantRouteAccess;
  assert.ok(table.length >= 10, `only ${table.length} tenant routes found`);
  const find = (method: string, url: string) => table.find((r) => r.method === method && r.url === url)?.access;
  assert.equal(find('GET', '/api/data'), 'data:read');
  assert.equal(find('POST', '/api/data'), 'data:write');
  assert.equal(find('GET', '/settings/audit'), 'audit:read');
  assert.equal(find('GET', '/dashboard'), 'any-member');
});

for (const role of MEMBER_ROLES) {
  test(`as ${role}: allowed exactly where the matrix says`, async () => {
    const workspace = await createTenantWithOwner(t);
    let who = { email: workspace.email, password: workspace.password };
    if (role !== 'owner') {
      const elsewhere = await createTenantWithOwner(t);
      await t.services.tenants.addMember(workspace.tenant.id, elsewhere.userId, role);
      who = { email: elsewhere.email, password: elsewhere.password };
    }
    const outcomes = await callEveryRoute(workspace.tenant.subdomain, who.email, who.password);
    const expected = (r: Outcome) => roleCan(role, t.app.tenantRouteAccess.find((x) => `${x.method} ${x.url}` === r.route)!.access as RouteAccess);
    const unexpectedAllows = outcomes.filter((o) => o.allowed && !expected(o)).map((o) => `${o.route} (${o.status})`);
    const unexpectedDenials = outcomes.filter((o) => !o.allowed && expected(o)).map((o) => o.route);
    assert.deepEqual(unexpectedAllows, [], 'unexpected allows');
    assert.deepEqual(unexpectedDenials, [], 'unexpected denials');
  });
}

// Roles a workspace defines for itself follow the same table: allowed exactly where their permissions say.
const CUSTOM_ROLES: Record<string, Permission[]> = {
  Auditor: ['data:read', 'audit:read'],
  Recruiter: ['members:read', 'members:invite', 'data:write'],
};
for (const [name, permissions] of Object.entries(CUSTOM_ROLES)) {
  test(`as the workspace's own role ${name} (${permissions.join(', ')}): allowed exactly where its permissions say`, async () => {
    const workspace = await createTenantWithOwner(t);
    const owner = { userId: workspace.userId, role: 'owner', email: workspace.email };
    const origin = { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' as const };
    const role = await t.services.roles.createRole(workspace.tenant.id, owner, { name, permissions }, origin);
    const elsewhere = await createTenantWithOwner(t);
    await t.services.tenants.addMember(workspace.tenant.id, elsewhere.userId, role.key);
    const outcomes = await callEveryRoute(workspace.tenant.subdomain, elsewhere.email, elsewhere.password);
    const accessOf = (o: Outcome) => t.app.tenantRouteAccess.find((x) => `${x.method} ${x.url}` === o.route)!.access;
    const expected = (o: Outcome) => accessOf(o) === ANY_MEMBER || permissions.includes(accessOf(o) as Permission);
    assert.deepEqual(outcomes.filter((o) => o.allowed && !expected(o)).map((o) => `${o.route} (${o.status})`), [], 'unexpected allows');
    assert.deepEqual(outcomes.filter((o) => !o.allowed && expected(o)).map((o) => o.route), [], 'unexpected denials');
    assert.ok(outcomes.some((o) => o.allowed && accessOf(o) !== ANY_MEMBER), 'the role was let in somewhere');
  });
}

test('a member whose role the app does not know is denied everywhere', async () => {
  const workspace = await createTenantWithOwner(t);
  const stranger = await createTenantWithOwner(t);
  await t.services.tenants.addMember(workspace.tenant.id, stranger.userId, 'viewer');
  await t.deps.database.withTenant(workspace.tenant.id, (tx) =>
    tx.execute(sql`update memberships set role = 'ghost' where tenant_id = ${workspace.tenant.id} and user_id = ${stranger.userId}`),
  );
  await t.services.tenants.refreshMembership(workspace.tenant.id, stranger.userId);
  const host = hostFor(workspace.tenant.subdomain);
  const token = await loginForToken(t, stranger.email, stranger.password);
  const api = clientFor(t, workspace.tenant.subdomain, token);
  const browser = createBrowser(t);
  await browser.login(workspace.tenant.subdomain, stranger.email, stranger.password);
  const allowed: string[] = [];
  for (const route of t.app.tenantRouteAccess) {
    const url = fill(route.url);
    const method = route.method as 'GET' | 'POST' | 'DELETE';
    const res = route.url.startsWith('/api/') ? await api({ method, url, ...(method === 'GET' ? {} : { payload: {} }) }) : method === 'GET' ? await browser.request('GET', host, url) : null;
    if (res && !deniedByRole(res.statusCode, res.body)) allowed.push(`${method} ${route.url} (${res.statusCode})`);
  }
  assert.deepEqual(allowed, []);
});

test("pages offer only what the role may do: a viewer's data page has no form and no delete buttons", async () => {
  const workspace = await createTenantWithOwner(t);
  await t.services.data.create(t.services.tenants.getTenantDb(workspace.tenant.id), workspace.tenant.plan, { name: 'Shared item' }, workspace.userId);
  const viewer = await createTenantWithOwner(t);
  await t.services.tenants.addMember(workspace.tenant.id, viewer.userId, 'viewer');
  const host = hostFor(workspace.tenant.subdomain);
  for (const [who, canWrite] of [[workspace, true], [viewer, false]] as const) {
    const browser = createBrowser(t);
    await browser.login(workspace.tenant.subdomain, who.email, who.password);
    const page = await browser.request('GET', host, '/data');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Shared item/);
    assert.equal(page.body.includes('id="data-create-form"'), canWrite);
    assert.equal(page.body.includes('/delete"'), canWrite);
    assert.equal(page.body.includes('id="data-read-only"'), !canWrite);
    const rows = await browser.request('GET', host, '/data/list?page=1');
    assert.equal(rows.body.includes('hx-delete='), canWrite);
    const dashboard = await browser.request('GET', host, '/dashboard');
    assert.equal(dashboard.body.includes('Add data'), canWrite);
  }
});
