/**
 * Cross-tenant attacks, generated from the route table: signed in as the owner of workspace A (who
 * may do everything in A), every tenant route that takes an id is called on A's host with the ids of
 * workspace B's resources, with every method the route has. Each answer must be the one a random id
 * gets (same status, same body but the request id), and B's data must be unchanged.
 *
 * A route whose parameter kind is not listed in RESOURCES fails the test: a new id-taking route
 * must say which resource of B to try.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let a: Awaited<ReturnType<typeof createTenantWithOwner>>;
let b: Awaited<ReturnType<typeof createTenantWithOwner>>;
let bItemId: string;
let bMemberId: string;
let bInvitationId: string;
let bDomainId: string;
let bRoleId: string;

before(async () => {
  t = await startTestApp();
  a = await createTenantWithOwner(t);
  b = await createTenantWithOwner(t);
  const item = await t.services.data.create(t.services.tenants.getTenantDb(b.tenant.id), b.tenant.plan, { name: 'B secret' }, b.userId);
  bItemId = item.id;
  const member = await createTenantWithOwner(t);
  await t.services.tenants.addMember(b.tenant.id, member.userId, 'member');
  bMemberId = member.userId;
  bRoleId = (await t.services.roles.createRole(b.tenant.id, { userId: b.userId, role: 'owner', email: b.email }, { name: 'B auditor', permissions: ['audit:read'] }, { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' })).id!;
  bDomainId = (await t.services.domains.add(b.tenant, `${b.tenant.subdomain}.b-domain.test`, { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' }, null)).id;
  bInvitationId = (await t.services.invitations.invite(b.tenant.id, { userId: b.userId, role: 'owner' }, { email: 'invitee-of-b@example.com', role: 'member' }, { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' })).id;
});
after(async () => t?.close());

/** For each route parameter, the id of one of B's resources of that kind. */
const RESOURCES: Record<string, () => string[]> = {
  id: () => [bItemId],
  userId: () => [b.userId, bMemberId],
  invitationId: () => [bInvitationId],
  domainId: () => [bDomainId],
  roleId: () => [bRoleId],
};

/** The request id and a page's fresh CSRF token differ per answer; everything else must not. */
function normalise(body: string): string {
  let out = body.replace(/"request_id":"[^"]*"/g, '"request_id":"-"').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
  for (const [, token] of body.matchAll(/name="_csrf" value="([^"]+)"/g)) out = out.split(token!).join('<csrf>');
  return out;
}

async function bSnapshot() {
  const scope = t.services.tenants.getTenantDb(b.tenant.id);
  const items = await t.services.data.list(scope, 1, 100);
  const members = await t.services.tenants.countMembers(b.tenant.id);
  const domains = (await t.services.domains.list(b.tenant)).map((d) => d.id);
  const roles = (await t.services.roles.listRoles(b.tenant.id)).map((r) => [r.key, r.name, r.permissions.join(' ')]);
  return JSON.stringify({ items, members, domains, roles });
}

test("A's owner reaches none of B's resources through any id-taking route", async () => {
  const routes = t.app.tenantRouteAccess.filter((r) => r.url.includes('/:'));
  assert.ok(routes.length >= 5, `only ${routes.length} id-taking routes found`);
  const host = hostFor(a.tenant.subdomain);
  const api = clientFor(t, a.tenant.subdomain, await loginForToken(t, a.email, a.password));
  const browser = createBrowser(t);
  await browser.login(a.tenant.subdomain, a.email, a.password);
  const csrf = csrfFrom((await browser.request('GET', host, '/account')).body);
  const before = await bSnapshot();

  const call = async (method: string, url: string) => {
    const unsafe = method !== 'GET';
    return url.startsWith('/api/')
      ? api({ method: method as 'GET', url, ...(unsafe ? { payload: { name: 'changed by A', role: 'owner' } } : {}) })
      : browser.request(method as 'GET' | 'POST' | 'DELETE', host, url, unsafe ? { _csrf: csrf, name: 'changed by A', role: 'owner' } : undefined, unsafe ? { 'x-csrf-token': csrf } : {});
  };

  const leaks: string[] = [];
  let tried = 0;
  for (const route of routes) {
    const params = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    for (const name of params) assert.ok(RESOURCES[name], `${route.method} ${route.url}: add the resource kind of ":${name}" to RESOURCES`);
    for (const name of params) {
      for (const id of RESOURCES[name]!()) {
        const random = await call(route.method, route.url.replace(/:[A-Za-z]+/g, () => crypto.randomUUID()));
        const target = route.url.replace(/:[A-Za-z]+/g, (m) => (m === `:${name}` ? id : crypto.randomUUID()));
        const attempt = await call(route.method, target);
        tried += 1;
        if (attempt.statusCode !== random.statusCode || normalise(attempt.body) !== normalise(random.body)) {
          leaks.push(`${route.method} ${route.url} with B's ${name}: ${attempt.statusCode} vs ${random.statusCode} for a random id`);
        }
        assert.ok([404, 409, 422].includes(attempt.statusCode) || attempt.statusCode === random.statusCode, `${route.method} ${target}: ${attempt.statusCode}`);
      }
    }
  }
  assert.deepEqual(leaks, []);
  assert.ok(tried >= routes.length);
  assert.equal(await bSnapshot(), before, "B's data is unchanged");
});
