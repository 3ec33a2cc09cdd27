/**
 * A workspace's own roles: defined from the permission list, given to members and invitations,
 * edited (applies at once, to live tokens and sessions too), deleted only when nobody holds them;
 * and nobody defines a role with a permission they do not hold.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const ORIGIN = { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' as const };

interface RoleJson {
  id: string | null;
  key: string;
  name: string;
  built_in: boolean;
  permissions: string[];
  members: number;
}

async function workspaceWithMember() {
  const workspace = await createTenantWithOwner(t);
  const ownerApi = clientFor(t, workspace.tenant.subdomain, await loginForToken(t, workspace.email, workspace.password));
  const person = await createTenantWithOwner(t);
  await t.services.tenants.addMember(workspace.tenant.id, person.userId, 'viewer');
  const personApi = clientFor(t, workspace.tenant.subdomain, await loginForToken(t, person.email, person.password));
  return { workspace, ownerApi, person, personApi };
}

test('an owner defines a role through the API; it is listed after the built-in roles and audited', async () => {
  const { workspace, ownerApi } = await workspaceWithMember();
  const created = await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: ' Support  lead ', description: 'Answers customers', permissions: ['audit:read', 'data:read', 'data:read'] } });
  assert.equal(created.statusCode, 201, created.body);
  const role = created.json() as RoleJson;
  assert.equal(role.key, 'custom:support-lead');
  assert.equal(role.name, 'Support lead');
  assert.deepEqual(role.permissions, ['data:read', 'audit:read']);
  assert.equal(role.built_in, false);

  const list = (await ownerApi({ method: 'GET', url: '/api/roles' })).json() as RoleJson[];
  assert.deepEqual(
    list.map((r) => r.key),
    ['owner', 'admin', 'member', 'billing', 'viewer', 'custom:support-lead'],
  );
  assert.equal(list.find((r) => r.key === 'owner')!.members, 1);

  // A second role whose name slugs the same gets a key of its own.
  const twin = await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: 'Support-lead!', permissions: ['data:read'] } });
  assert.equal(twin.statusCode, 201, twin.body);
  assert.equal((twin.json() as RoleJson).key, 'custom:support-lead-2');

  const events = await t.services.tenants.getTenantDb(workspace.tenant.id).read((tx) => t.services.audit.listForTenant(tx, { action: 'role.created' }, 1, 20));
  assert.ok(events.items.some((e) => (e.details as Record<string, unknown>).key === 'custom:support-lead'));
});

test('bad roles get clear 422s and nothing is created', async () => {
  const { ownerApi } = await workspaceWithMember();
  const cases: [Record<string, unknown>, string][] = [
    [{ name: '', permissions: ['data:read'] }, 'name'],
    [{ name: 'x'.repeat(51), permissions: ['data:read'] }, 'name'],
    [{ name: 'Admin', permissions: ['data:read'] }, 'name'],
    [{ name: 'Nothing', permissions: [] }, 'permissions'],
    [{ name: 'Typo', permissions: ['data:reed'] }, 'permissions'],
    [{ name: 'Deleter', permissions: ['tenant:delete'] }, 'permissions'],
  ];
  for (const [payload, field] of cases) {
    const res = await ownerApi({ method: 'POST', url: '/api/roles', payload });
    assert.equal(res.statusCode, 422, `${JSON.stringify(payload)}: ${res.body}`);
    assert.ok((res.json() as { errors?: Record<string, string> }).errors?.[field], `${JSON.stringify(payload)} names ${field}: ${res.body}`);
  }
  const dup = await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: 'Auditor', permissions: ['audit:read'] } });
  assert.equal(dup.statusCode, 201);
  const again = await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: 'auditor', permissions: ['audit:read'] } });
  assert.equal(again.statusCode, 422);
  const list = (await ownerApi({ method: 'GET', url: '/api/roles' })).json() as RoleJson[];
  assert.equal(list.filter((r) => !r.built_in).length, 1);
});

test('nobody defines or edits a role beyond their own permissions', async () => {
  const { workspace, person, personApi } = await workspaceWithMember();
  // A viewer cannot define roles at all.
  const denied = await personApi({ method: 'POST', url: '/api/roles', payload: { name: 'Mine', permissions: ['data:read'] } });
  assert.equal(denied.statusCode, 403);
  assert.match(denied.body, /permission_denied/);

  // A role manager who may assign roles but not write data cannot put data:write in a role.
  const owner = { userId: workspace.userId, role: 'owner', email: workspace.email };
  const manager = await t.services.roles.createRole(workspace.tenant.id, owner, { name: 'Role manager', permissions: ['members:read', 'roles:assign', 'data:read'] }, ORIGIN);
  await t.services.members.changeRole(workspace.tenant.id, owner, person.userId, manager.key, ORIGIN);
  const above = await personApi({ method: 'POST', url: '/api/roles', payload: { name: 'Writer', permissions: ['data:read', 'data:write'] } });
  assert.equal(above.statusCode, 403, above.body);
  const within = await personApi({ method: 'POST', url: '/api/roles', payload: { name: 'Reader', permissions: ['data:read'] } });
  assert.equal(within.statusCode, 201, within.body);

  // Nor edit a role that holds more than they do, nor delete it.
  const writer = await t.services.roles.createRole(workspace.tenant.id, owner, { name: 'Writer', permissions: ['data:read', 'data:write'] }, ORIGIN);
  const edit = await personApi({ method: 'PATCH', url: `/api/roles/${writer.id}`, payload: { name: 'Writer', permissions: ['data:read'] } });
  assert.equal(edit.statusCode, 403, edit.body);
  const del = await personApi({ method: 'DELETE', url: `/api/roles/${writer.id}` });
  assert.equal(del.statusCode, 403, del.body);

  // And they can give members only roles within their own: Reader yes, Writer or admin no.
  const other = await createTenantWithOwner(t);
  await t.services.tenants.addMember(workspace.tenant.id, other.userId, 'viewer');
  const giveReader = await personApi({ method: 'PATCH', url: `/api/members/${other.userId}`, payload: { role: (within.json() as RoleJson).key } });
  assert.equal(giveReader.statusCode, 200, giveReader.body);
  for (const role of [writer.key, 'admin']) {
    const give = await personApi({ method: 'PATCH', url: `/api/members/${other.userId}`, payload: { role } });
    assert.equal(give.statusCode, 403, `${role}: ${give.body}`);
  }
});

test("editing a role's permissions applies at once to its members' live token and session", async () => {
  const { workspace, ownerApi, person, personApi } = await workspaceWithMember();
  const role = (await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: 'Contributor', permissions: ['data:read'] } })).json() as RoleJson;
  const changed = await ownerApi({ method: 'PATCH', url: `/api/members/${person.userId}`, payload: { role: role.key } });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal((changed.json() as { role: string }).role, role.key);

  const browser = createBrowser(t);
  await browser.login(workspace.tenant.subdomain, person.email, person.password);
  const host = hostFor(workspace.tenant.subdomain);
  assert.equal((await personApi({ method: 'GET', url: '/api/data' })).statusCode, 200);
  assert.equal((await personApi({ method: 'POST', url: '/api/data', payload: { name: 'Before' } })).statusCode, 403);
  assert.equal((await browser.request('GET', host, '/settings/audit')).statusCode, 403);

  const edited = await ownerApi({ method: 'PATCH', url: `/api/roles/${role.id}`, payload: { name: 'Contributor', permissions: ['data:read', 'data:write', 'audit:read'] } });
  assert.equal(edited.statusCode, 200, edited.body);
  assert.equal((await personApi({ method: 'POST', url: '/api/data', payload: { name: 'After' } })).statusCode, 201);
  assert.equal((await browser.request('GET', host, '/settings/audit')).statusCode, 200);

  // Taking permissions away applies at once too.
  await ownerApi({ method: 'PATCH', url: `/api/roles/${role.id}`, payload: { name: 'Contributor', permissions: ['data:read'] } });
  assert.equal((await personApi({ method: 'POST', url: '/api/data', payload: { name: 'Again' } })).statusCode, 403);
  assert.equal((await browser.request('GET', host, '/settings/audit')).statusCode, 403);
});

test('a role held by a member or an open invitation cannot be deleted; once free it can', async () => {
  const { workspace, ownerApi, person } = await workspaceWithMember();
  const role = (await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: 'Temporary', permissions: ['data:read'] } })).json() as RoleJson;
  await ownerApi({ method: 'PATCH', url: `/api/members/${person.userId}`, payload: { role: role.key } });
  const invited = await ownerApi({ method: 'POST', url: '/api/invitations', payload: { email: 'temp-role@example.com', role: role.key } });
  assert.equal(invited.statusCode, 201, invited.body);

  const held = await ownerApi({ method: 'DELETE', url: `/api/roles/${role.id}` });
  assert.equal(held.statusCode, 409);
  assert.match(held.body, /1 member and 1 open invitation have this role/);

  await ownerApi({ method: 'PATCH', url: `/api/members/${person.userId}`, payload: { role: 'viewer' } });
  await ownerApi({ method: 'DELETE', url: `/api/invitations/${(invited.json() as { id: string }).id}` });
  const freed = await ownerApi({ method: 'DELETE', url: `/api/roles/${role.id}` });
  assert.equal(freed.statusCode, 204, freed.body);
  const list = (await ownerApi({ method: 'GET', url: '/api/roles' })).json() as RoleJson[];
  assert.equal(list.some((r) => r.key === role.key), false);
  // Giving a deleted role is refused with the list of roles.
  const give = await ownerApi({ method: 'PATCH', url: `/api/members/${person.userId}`, payload: { role: role.key } });
  assert.equal(give.statusCode, 422);
  assert.equal((await t.services.tenants.getMembershipRole(workspace.tenant.id, person.userId)), 'viewer');
});

test('an invitation can carry a custom role; the invitee joins with it and the page names it', async () => {
  const { workspace, ownerApi } = await workspaceWithMember();
  const role = (await ownerApi({ method: 'POST', url: '/api/roles', payload: { name: 'Field agent', permissions: ['data:read', 'data:write'] } })).json() as RoleJson;
  const email = `agent-${Date.now()}@example.com`;
  const invited = await ownerApi({ method: 'POST', url: '/api/invitations', payload: { email, role: role.key } });
  assert.equal(invited.statusCode, 201, invited.body);
  // Sending is not awaited by the request: poll briefly.
  let mail: { text: string } | undefined;
  for (let i = 0; i < 50 && !mail; i++) {
    mail = (await t.deps.mailer.listOutbox(200)).find((m) => m.to === email);
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(mail, 'the invitation was mailed');
  assert.match(mail.text, /Field agent/);
  const token = /\/invitations\/accept\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
  const preview = await t.services.invitations.preview(workspace.tenant.id, token);
  assert.equal(preview?.roleLabel, 'Field agent');
  const newcomer = await createTenantWithOwner(t, { email });
  assert.equal(await t.services.invitations.accept(workspace.tenant.id, token, { id: newcomer.userId, email }, ORIGIN), 'joined');
  assert.equal(await t.services.tenants.getMembershipRole(workspace.tenant.id, newcomer.userId), role.key);
});

test('the roles pages: list for every member, forms for role managers, without JavaScript', async () => {
  const { workspace, person } = await workspaceWithMember();
  const host = hostFor(workspace.tenant.subdomain);
  const owner = createBrowser(t);
  await owner.login(workspace.tenant.subdomain, workspace.email, workspace.password);
  const list = await owner.request('GET', host, '/settings/roles');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /id="new-role-link"/);
  const form = await owner.request('GET', host, '/settings/roles/new');
  assert.equal(form.statusCode, 200);
  assert.doesNotMatch(form.body, /value="tenant:delete"/);

  // Several checked boxes arrive as a list; a refusal keeps what was typed and names the field.
  const bad = await owner.request('POST', host, '/settings/roles', { _csrf: csrfFrom(form.body), name: '', permissions: ['data:read', 'audit:read'] });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter a name for the role/);
  assert.match(bad.body, /value="audit:read" checked/);
  const made = await owner.request('POST', host, '/settings/roles', { _csrf: csrfFrom(form.body), name: 'Analyst <b>', permissions: ['data:read', 'audit:read'] });
  assert.equal(made.statusCode, 303, made.body);
  const after = await owner.request('GET', host, '/settings/roles?done=created');
  assert.match(after.body, /Analyst &lt;b&gt;/);
  assert.doesNotMatch(after.body, /Analyst <b>/);
  const id = /href="\/settings\/roles\/([0-9a-f-]{36})"/.exec(after.body)![1]!;

  const edit = await owner.request('GET', host, `/settings/roles/${id}`);
  assert.equal(edit.statusCode, 200);
  const saved = await owner.request('POST', host, `/settings/roles/${id}`, { _csrf: csrfFrom(edit.body), name: 'Analyst', permissions: 'data:read' });
  assert.equal(saved.statusCode, 303, saved.body);
  const roles = await t.services.roles.listRoles(workspace.tenant.id);
  assert.deepEqual(roles.find((r) => r.id === id)?.permissions, ['data:read']);

  // The members page offers the role in its pickers and shows it in the matrix.
  const members = await owner.request('GET', host, '/settings/members');
  assert.match(members.body, /<option value="custom:analyst-b"/);

  // A viewer sees the list but no forms.
  const viewer = createBrowser(t);
  await viewer.login(workspace.tenant.subdomain, person.email, person.password);
  const seen = await viewer.request('GET', host, '/settings/roles');
  assert.equal(seen.statusCode, 200);
  assert.doesNotMatch(seen.body, /id="new-role-link"/);
  assert.equal((await viewer.request('GET', host, '/settings/roles/new')).statusCode, 403);

  const deleted = await owner.request('POST', host, `/settings/roles/${id}/delete`, { _csrf: csrfFrom(edit.body) });
  assert.equal(deleted.statusCode, 303, deleted.body);
  assert.equal((await owner.request('GET', host, `/settings/roles/${id}`)).statusCode, 404);
});
