/**
 * Members of a workspace over HTTP, through the API and the page: listing, changing roles within the
 * grant rule (nobody gives a role above their own nor changes a member above them), removing and
 * leaving, the last-owner rule (also when two owners demote each other at once), changes applying at
 * once to live sessions and tokens, another tenant's member looking like no member, and the audit log.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const PASSWORD = 'a long enough password';

/** A new account added to the tenant with `role` (through the service, as an operator would). */
async function addUser(tenantId: string, role: string, name = `Person ${uniqueName('n')}`) {
  const email = `${uniqueName(role)}@example.com`;
  const passwordHash = await t.services.auth.hashPassword(PASSWORD);
  const user = await t.deps.database.transaction((tx) => t.services.auth.users.insertWithPassword(tx, { email, name, passwordHash }));
  await t.services.tenants.addMember(tenantId, user.id, role);
  return { userId: user.id, email, password: PASSWORD, name };
}

/** A workspace on a plan with room for several members, with its owner's API client. */
async function workspace() {
  const owner = await createTenantWithOwner(t, { plan: 'professional' });
  const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
  return { ...owner, api, host: hostFor(owner.tenant.subdomain) };
}

async function apiAs(subdomain: string, user: { email: string; password: string }) {
  return clientFor(t, subdomain, await loginForToken(t, user.email, user.password));
}

async function roleOf(tenantId: string, userId: string): Promise<string | null> {
  return (await t.services.members.listMembers(tenantId)).find((m) => m.userId === userId)?.role ?? null;
}

async function owners(tenantId: string): Promise<number> {
  return (await t.services.members.listMembers(tenantId)).filter((m) => m.role === 'owner').length;
}

/** A problem body without its request id (which differs per request). */
function problem(res: LightMyRequestResponse): Record<string, unknown> {
  const body = res.json() as Record<string, unknown>;
  delete body.request_id;
  return body;
}

const patchRole = (api: ReturnType<typeof clientFor>, userId: string, role: string) => api({ method: 'PATCH', url: `/api/members/${userId}`, payload: { role } });

describe('members API', () => {
  test('lists the members with name, email, role and joined date; every role may read it', async () => {
    const w = await workspace();
    const viewer = await addUser(w.tenant.id, 'viewer', 'Vera Viewer');
    const res = await w.api({ method: 'GET', url: '/api/members' });
    assert.equal(res.statusCode, 200);
    const list = res.json() as { user_id: string; name: string; email: string; role: string; joined_at: string }[];
    assert.deepEqual(
      list.map((m) => [m.user_id, m.email, m.role]),
      [
        [w.userId, w.email, 'owner'],
        [viewer.userId, viewer.email, 'viewer'],
      ],
    );
    assert.equal(list[1]!.name, 'Vera Viewer');
    assert.ok(!Number.isNaN(Date.parse(list[0]!.joined_at)));

    const asViewer = await apiAs(w.tenant.subdomain, viewer);
    assert.equal((await asViewer({ method: 'GET', url: '/api/members' })).statusCode, 200);
    const signedOut = await clientFor(t, w.tenant.subdomain)({ method: 'GET', url: '/api/members' });
    assert.equal(signedOut.statusCode, 401);
  });

  test('the owner promotes a member to admin; an unknown role is a 422 that lists the roles', async () => {
    const w = await workspace();
    const member = await addUser(w.tenant.id, 'member');
    const res = await patchRole(w.api, member.userId, 'admin');
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { role: string }).role, 'admin');
    assert.equal(await roleOf(w.tenant.id, member.userId), 'admin');

    const again = await patchRole(w.api, member.userId, 'admin');
    assert.equal(again.statusCode, 200, 'giving the same role again changes nothing and is fine');

    const bad = await patchRole(w.api, member.userId, 'superuser');
    assert.equal(bad.statusCode, 422);
    assert.match(String((bad.json() as { errors: Record<string, string> }).errors.role), /owner, admin, member, billing, viewer/);
    const missing = await w.api({ method: 'PATCH', url: `/api/members/${member.userId}`, payload: {} });
    assert.equal(missing.statusCode, 422);
    assert.equal(await roleOf(w.tenant.id, member.userId), 'admin');
  });

  test('an admin cannot give the owner role nor change an owner; a member cannot change roles at all', async () => {
    const w = await workspace();
    const admin = await addUser(w.tenant.id, 'admin');
    const member = await addUser(w.tenant.id, 'member');
    const asAdmin = await apiAs(w.tenant.subdomain, admin);

    const grantOwner = await patchRole(asAdmin, member.userId, 'owner');
    assert.equal(grantOwner.statusCode, 403);
    assert.equal((grantOwner.json() as { code: string }).code, 'forbidden');
    const selfOwner = await patchRole(asAdmin, admin.userId, 'owner');
    assert.equal(selfOwner.statusCode, 403, 'nobody promotes themselves above their role');
    const demoteOwner = await patchRole(asAdmin, w.userId, 'viewer');
    assert.equal(demoteOwner.statusCode, 403);
    const removeOwner = await asAdmin({ method: 'DELETE', url: `/api/members/${w.userId}` });
    assert.equal(removeOwner.statusCode, 403);
    assert.equal(await roleOf(w.tenant.id, w.userId), 'owner');
    assert.equal(await roleOf(w.tenant.id, admin.userId), 'admin');

    // Within their own level an admin may change roles.
    assert.equal((await patchRole(asAdmin, member.userId, 'billing')).statusCode, 200);
    assert.equal(await roleOf(w.tenant.id, member.userId), 'billing');

    const asMember = await apiAs(w.tenant.subdomain, await addUser(w.tenant.id, 'member'));
    const refused = await patchRole(asMember, member.userId, 'viewer');
    assert.equal(refused.statusCode, 403);
    assert.equal((refused.json() as { code: string }).code, 'permission_denied');
    assert.equal((await asMember({ method: 'DELETE', url: `/api/members/${member.userId}` })).statusCode, 403);
    assert.equal(await roleOf(w.tenant.id, member.userId), 'billing');
  });

  test('the last owner cannot be demoted, removed or leave (409); with a second owner they can', async () => {
    const w = await workspace();
    const demote = await patchRole(w.api, w.userId, 'admin');
    assert.equal(demote.statusCode, 409);
    assert.match(String((demote.json() as { detail: string }).detail), /only owner/);
    assert.equal((await w.api({ method: 'DELETE', url: `/api/members/${w.userId}` })).statusCode, 409);
    const leave = await w.api({ method: 'POST', url: '/api/members/leave' });
    assert.equal(leave.statusCode, 409);
    assert.match(String((leave.json() as { detail: string }).detail), /only owner/);
    assert.equal(await roleOf(w.tenant.id, w.userId), 'owner');

    const second = await addUser(w.tenant.id, 'owner');
    const removeSelf = await w.api({ method: 'DELETE', url: `/api/members/${w.userId}` });
    assert.equal(removeSelf.statusCode, 403, 'members leave rather than remove themselves');
    assert.match(String((removeSelf.json() as { detail: string }).detail), /leave/);

    assert.equal((await patchRole(w.api, w.userId, 'admin')).statusCode, 200, 'an owner steps down while another owner remains');
    const asSecond = await apiAs(w.tenant.subdomain, second);
    assert.equal((await asSecond({ method: 'POST', url: '/api/members/leave' })).statusCode, 409, 'now the second is the only owner');
    assert.equal((await patchRole(asSecond, w.userId, 'owner')).statusCode, 200);
    assert.equal((await w.api({ method: 'DELETE', url: `/api/members/${second.userId}` })).statusCode, 204, 'an owner removes another owner');
    assert.equal(await roleOf(w.tenant.id, second.userId), null);

    const third = await addUser(w.tenant.id, 'owner');
    assert.equal((await w.api({ method: 'POST', url: '/api/members/leave' })).statusCode, 204);
    assert.equal(await roleOf(w.tenant.id, w.userId), null);
    assert.equal((await w.api({ method: 'GET', url: '/api/members' })).statusCode, 403, 'gone at once');
    assert.equal(await roleOf(w.tenant.id, third.userId), 'owner');
  });

  test('two owners demoting each other at the same moment leave at least one owner', async () => {
    for (let round = 0; round < 3; round++) {
      const w = await workspace();
      const second = await addUser(w.tenant.id, 'owner');
      const asSecond = await apiAs(w.tenant.subdomain, second);
      const results = await Promise.all([patchRole(w.api, second.userId, 'admin'), patchRole(asSecond, w.userId, 'admin')]);
      const statuses = results.map((r) => r.statusCode).sort();
      assert.equal(statuses.filter((s) => s === 200).length, 1, `one change wins: ${statuses.join(', ')}`);
      assert.ok([403, 409].includes(statuses[1]!), `the other is refused: ${statuses.join(', ')}`);
      assert.equal(await owners(w.tenant.id), 1);
    }
  });

  test("a removed member's session and token are refused at once", async () => {
    const w = await workspace();
    const member = await addUser(w.tenant.id, 'member');
    const token = await loginForToken(t, member.email, member.password);
    const asMember = clientFor(t, w.tenant.subdomain, token);
    const browser = createBrowser(t);
    assert.equal((await browser.login(w.tenant.subdomain, member.email, member.password)).statusCode, 303);
    assert.equal((await asMember({ method: 'GET', url: '/api/data' })).statusCode, 200);
    assert.equal((await browser.request('GET', w.host, '/dashboard')).statusCode, 200);

    assert.equal((await w.api({ method: 'DELETE', url: `/api/members/${member.userId}` })).statusCode, 204);
    assert.equal((await asMember({ method: 'GET', url: '/api/data' })).statusCode, 403);
    assert.equal((await browser.request('GET', w.host, '/dashboard')).statusCode, 403);
    assert.equal((await w.api({ method: 'DELETE', url: `/api/members/${member.userId}` })).statusCode, 404, 'removing twice finds nobody');
  });

  test('a changed role applies at once to an existing token', async () => {
    const w = await workspace();
    const viewer = await addUser(w.tenant.id, 'viewer');
    const asViewer = await apiAs(w.tenant.subdomain, viewer);
    const create = () => asViewer({ method: 'POST', url: '/api/data', payload: { name: 'Quarterly report' } });
    assert.equal((await create()).statusCode, 403);
    assert.equal((await patchRole(w.api, viewer.userId, 'member')).statusCode, 200);
    assert.equal((await create()).statusCode, 201);
    assert.equal((await patchRole(w.api, viewer.userId, 'viewer')).statusCode, 200);
    assert.equal((await create()).statusCode, 403);
  });

  test("another tenant's member, a random id and a malformed id get the same 404", async () => {
    const w = await workspace();
    const other = await createTenantWithOwner(t);
    const random = crypto.randomUUID();
    for (const method of ['PATCH', 'DELETE'] as const) {
      const call = (id: string) => w.api({ method, url: `/api/members/${id}`, ...(method === 'PATCH' ? { payload: { role: 'viewer' } } : {}) });
      const [foreign, unknown, malformed] = [await call(other.userId), await call(random), await call('not-a-uuid')];
      assert.equal(foreign.statusCode, 404, `${method} another tenant's member`);
      assert.deepEqual(problem(foreign), problem(unknown));
      assert.deepEqual(problem(malformed), problem(unknown));
    }
    assert.equal(await roleOf(other.tenant.id, other.userId), 'owner', "the other tenant's owner is untouched");
  });

  test('each change is in the audit log, with who, whom and the roles', async () => {
    const w = await workspace();
    const a = await addUser(w.tenant.id, 'member');
    const b = await addUser(w.tenant.id, 'viewer');
    assert.equal((await patchRole(w.api, a.userId, 'admin')).statusCode, 200);
    assert.equal((await w.api({ method: 'DELETE', url: `/api/members/${b.userId}` })).statusCode, 204);
    assert.equal((await (await apiAs(w.tenant.subdomain, a))({ method: 'POST', url: '/api/members/leave' })).statusCode, 204);
    assert.equal((await patchRole(w.api, w.userId, 'admin')).statusCode, 409);

    const { items } = await t.deps.database.readTenant(w.tenant.id, (tx) => t.services.audit.listForTenant(tx, { action: 'member' }, 1, 50));
    const events = items.map((e) => ({ action: e.action, actor: e.actorEmail, target: `${e.targetType}:${e.targetId}`, details: e.details as Record<string, unknown>, tenant: e.tenantId }));
    const find = (action: string) => events.find((e) => e.action === action);
    assert.equal(events.length, 3, 'refusals change nothing and record nothing');
    assert.deepEqual(find('member.role_changed'), { action: 'member.role_changed', actor: w.email, target: `user:${a.userId}`, details: { via: 'api', from: 'member', to: 'admin' }, tenant: w.tenant.id });
    assert.deepEqual(find('member.removed'), { action: 'member.removed', actor: w.email, target: `user:${b.userId}`, details: { via: 'api', role: 'viewer' }, tenant: w.tenant.id });
    assert.deepEqual(find('member.left'), { action: 'member.left', actor: a.email, target: `user:${a.userId}`, details: { via: 'api', role: 'admin' }, tenant: w.tenant.id });
  });
});

describe('members page', () => {
  async function signedIn(subdomain: string, user: { email: string; password: string }) {
    const b = createBrowser(t);
    assert.equal((await b.login(subdomain, user.email, user.password)).statusCode, 303);
    return b;
  }

  test('the owner sees everyone, the matrix and the controls; the nav links to the page', async () => {
    const w = await workspace();
    const admin = await addUser(w.tenant.id, 'admin', 'Ada <Admin>');
    const b = await signedIn(w.tenant.subdomain, w);
    const page = await b.request('GET', w.host, '/settings/members');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 class="page-title">Members<\/h1>/);
    assert.match(page.body, /href="\/settings\/members"[^>]*aria-current="page"/, 'the nav marks the page');
    assert.match(page.body, /Ada &lt;Admin&gt;/, 'names are escaped');
    assert.ok(page.body.includes(admin.email));
    assert.match(page.body, new RegExp(`action="/settings/members/${admin.userId}/role"`));
    assert.match(page.body, new RegExp(`action="/settings/members/${admin.userId}/remove"`));
    assert.doesNotMatch(page.body, new RegExp(`action="/settings/members/${w.userId}/remove"`), 'nobody removes themselves');
    assert.doesNotMatch(page.body, new RegExp(`action="/settings/members/${w.userId}/role"`), 'the only owner keeps the role: no control to offer');
    // The matrix: every permission with its description, a column per role.
    assert.match(page.body, /Delete the workspace/);
    assert.match(page.body, /<code class="text-xs muted">tenant:delete<\/code>/);
    for (const label of ['Owner', 'Admin', 'Member', 'Billing', 'Viewer']) assert.match(page.body, new RegExp(`<th scope="col" class="text-center"[^>]*>${label}</th>`));

    const dashboard = await b.request('GET', w.host, '/dashboard');
    assert.match(dashboard.body, /href="\/settings\/members"/);
    assert.match(dashboard.body, /href="\/settings\/audit"/);
    const account = await b.request('GET', w.host, '/account');
    assert.match(account.body, /href="\/settings\/members"/, 'the account page on a workspace host has the workspace links');
  });

  test('a viewer sees roles as text, no controls, and no audit link', async () => {
    const w = await workspace();
    const viewer = await addUser(w.tenant.id, 'viewer');
    const b = await signedIn(w.tenant.subdomain, viewer);
    const page = await b.request('GET', w.host, '/settings/members');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /\/role"/);
    assert.doesNotMatch(page.body, /\/remove"/);
    assert.doesNotMatch(page.body, /<select/);
    assert.match(page.body, /<span class="badge badge-brand">Owner<\/span>/);
    assert.match(page.body, /action="\/settings\/members\/leave"/);
    assert.doesNotMatch(page.body, /href="\/settings\/audit"/);
    assert.match(page.body, /href="\/settings\/members"/);
  });

  test('an admin is offered only the roles they can give, and no controls on owners', async () => {
    const w = await workspace();
    const admin = await addUser(w.tenant.id, 'admin');
    const member = await addUser(w.tenant.id, 'member');
    const b = await signedIn(w.tenant.subdomain, admin);
    const page = await b.request('GET', w.host, '/settings/members');
    const form = new RegExp(`<select id="role-${member.userId}"[^>]*>([\\s\\S]*?)</select>`).exec(page.body)?.[1] ?? '';
    assert.deepEqual([...form.matchAll(/<option value="(\w+)"/g)].map((m) => m[1]), ['admin', 'member', 'billing', 'viewer']);
    assert.doesNotMatch(page.body, new RegExp(`/settings/members/${w.userId}/`), 'the owner row has no controls');
  });

  test('changing a role and removing a member with the forms, with a flash after each', async () => {
    const w = await workspace();
    const member = await addUser(w.tenant.id, 'member');
    const b = await signedIn(w.tenant.subdomain, w);
    const csrf = csrfFrom((await b.request('GET', w.host, '/settings/members')).body);

    const changed = await b.request('POST', w.host, `/settings/members/${member.userId}/role`, { _csrf: csrf, role: 'billing' });
    assert.equal(changed.statusCode, 303);
    assert.equal(changed.headers.location, '/settings/members?done=role');
    const after = await b.request('GET', w.host, '/settings/members?done=role');
    assert.match(after.body, /The role was changed/);
    assert.match(after.body, /<option value="billing" selected="">Billing<\/option>/);
    assert.equal(await roleOf(w.tenant.id, member.userId), 'billing');

    const bad = await b.request('POST', w.host, `/settings/members/${member.userId}/role`, { _csrf: csrf, role: 'root' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /id="members-error"/);
    assert.match(bad.body, /Choose one of: owner, admin, member, billing, viewer/);

    const removed = await b.request('POST', w.host, `/settings/members/${member.userId}/remove`, { _csrf: csrf });
    assert.equal(removed.headers.location, '/settings/members?done=removed');
    assert.match((await b.request('GET', w.host, '/settings/members?done=removed')).body, /The member was removed/);
    assert.equal(await roleOf(w.tenant.id, member.userId), null);

    const gone = await b.request('POST', w.host, `/settings/members/${member.userId}/remove`, { _csrf: csrf });
    assert.equal(gone.statusCode, 404);
    assert.match(gone.body, /Member not found/);

    const forged = await b.request('POST', w.host, `/settings/members/${w.userId}/role`, { role: 'admin' });
    assert.equal(forged.statusCode, 403, 'forms need their CSRF token');

    const odd = await b.request('GET', w.host, '/settings/members?done=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    assert.equal(odd.statusCode, 200);
    assert.doesNotMatch(odd.body, /alert\(1\)/, 'nothing from the URL is echoed');
  });

  test('refusals are shown on the page with their status: last owner 409, not allowed 403', async () => {
    const w = await workspace();
    const b = await signedIn(w.tenant.subdomain, w);
    const csrf = csrfFrom((await b.request('GET', w.host, '/settings/members')).body);
    const demote = await b.request('POST', w.host, `/settings/members/${w.userId}/role`, { _csrf: csrf, role: 'admin' });
    assert.equal(demote.statusCode, 409);
    assert.match(demote.body, /id="members-error"/);
    assert.match(demote.body, /only owner/);
    const leave = await b.request('POST', w.host, '/settings/members/leave', { _csrf: csrf });
    assert.equal(leave.statusCode, 409);
    assert.match(leave.body, /You are the only owner/);

    const admin = await addUser(w.tenant.id, 'admin');
    const asAdmin = await signedIn(w.tenant.subdomain, admin);
    const adminCsrf = csrfFrom((await asAdmin.request('GET', w.host, '/settings/members')).body);
    const promote = await asAdmin.request('POST', w.host, `/settings/members/${admin.userId}/role`, { _csrf: adminCsrf, role: 'owner' });
    assert.equal(promote.statusCode, 403);
    assert.match(promote.body, /nobody can give a role above their own/);
    assert.match(promote.body, /<h1 class="page-title">Members<\/h1>/);
    const removeOwner = await asAdmin.request('POST', w.host, `/settings/members/${w.userId}/remove`, { _csrf: adminCsrf });
    assert.equal(removeOwner.statusCode, 403);
    assert.equal(await roleOf(w.tenant.id, w.userId), 'owner');
    assert.equal(await roleOf(w.tenant.id, admin.userId), 'admin');

    const member = await addUser(w.tenant.id, 'member');
    const asMember = await signedIn(w.tenant.subdomain, member);
    const memberCsrf = csrfFrom((await asMember.request('GET', w.host, '/settings/members')).body);
    const refused = await asMember.request('POST', w.host, `/settings/members/${admin.userId}/role`, { _csrf: memberCsrf, role: 'viewer' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /does not allow this/);
  });

  test('leaving goes to the workspace list on the root site, and the workspace is closed to them at once', async () => {
    const w = await workspace();
    const member = await addUser(w.tenant.id, 'member');
    const b = await signedIn(w.tenant.subdomain, member);
    const csrf = csrfFrom((await b.request('GET', w.host, '/settings/members')).body);
    const left = await b.request('POST', w.host, '/settings/members/leave', { _csrf: csrf });
    assert.equal(left.statusCode, 303);
    assert.equal(left.headers.location, `${t.config.publicUrl.origin}/workspaces`);
    assert.equal((await b.request('GET', w.host, '/settings/members')).statusCode, 403);
    assert.equal(await roleOf(w.tenant.id, member.userId), null);
  });
});
