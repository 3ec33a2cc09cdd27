/**
 * Invitations over HTTP: inviting from the members page and the API (the mail and its link on the
 * workspace's host), accepting as a signed-in user and as a new account, the link bound to the
 * invited address, single use, expiry, revocation, resending (the old link stops working), the
 * grant rule and permissions, existing members, another workspace's invitation ids, throttling of
 * invalid links, and no token in the audit log.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { hashInvitationToken } from '../../src/modules/tenants/invitations.service.js';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const PASSWORD = 'a long enough password';
const INVALID = 'This invitation link is not valid any more. Ask for a new one.';
const MISMATCH = 'This invitation is for another email address. Sign in with the address it was sent to.';

/** A workspace with room for several members: its owner's API client and a browser signed in on its host. */
async function workspace(plan = 'professional') {
  const owner = await createTenantWithOwner(t, { plan });
  const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
  const browser = createBrowser(t);
  const host = hostFor(owner.tenant.subdomain);
  assert.equal((await browser.login(owner.tenant.subdomain, owner.email, owner.password)).statusCode, 303);
  return { ...owner, api, browser, host };
}

/** An account (not a member of anything unless `role` and `tenantId` are given). */
async function account(email = `${uniqueName('person')}@example.com`, member?: { tenantId: string; role: string }) {
  const passwordHash = await t.services.auth.hashPassword(PASSWORD);
  const user = await t.deps.database.transaction((tx) => t.services.auth.users.insertWithPassword(tx, { email, name: `Person ${uniqueName('n')}`, passwordHash }));
  if (member) await t.services.tenants.addMember(member.tenantId, user.id, member.role);
  return { userId: user.id, email, password: PASSWORD };
}

/** The newest invitation mail to `email` (sending is not awaited by the request: poll briefly). */
async function invitationMail(email: string, after = 0) {
  for (let i = 0; i < 50; i++) {
    const mails = (await t.deps.mailer.listOutbox(200)).filter((m) => m.to === email);
    if (mails.length > after) {
      const mail = mails[0]!;
      const link = /(https?:\/\/[^\s]+\/invitations\/accept\?token=([A-Za-z0-9_-]+))/.exec(mail.text)!;
      assert.ok(link, 'the mail holds the link');
      return { mail, link: link[1]!, token: link[2]!, count: mails.length };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no invitation mail to ${email}`);
}

async function invite(w: Awaited<ReturnType<typeof workspace>>, role = 'member', email = `${uniqueName('invitee')}@example.com`) {
  const res = await w.api({ method: 'POST', url: '/api/invitations', payload: { email, role } });
  assert.equal(res.statusCode, 201, res.body);
  const { token } = await invitationMail(email);
  return { id: (res.json() as { id: string }).id, email, token };
}

const acceptUrl = (token: string) => `/invitations/accept?token=${encodeURIComponent(token)}`;

async function roleOf(tenantId: string, userId: string) {
  return (await t.services.tenants.getMembershipRole(tenantId, userId)) ?? null;
}

/** Signs in on the workspace's host from the invitation page's "Log in to accept" (the login form keeps `next`). */
async function loginToAccept(host: string, email: string, token: string) {
  const browser = createBrowser(t);
  const next = acceptUrl(token);
  const page = await browser.request('GET', host, `/login?next=${encodeURIComponent(next)}`);
  assert.match(page.body, /name="next" value="\/invitations\/accept\?token=/);
  const res = await browser.request('POST', host, '/login', { _csrf: csrfFrom(page.body), email, password: PASSWORD, next });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  assert.equal(res.headers.location, next);
  return browser;
}

/** Pages differ by their CSRF token only. */
function normalise(body: string): string {
  let out = body.replace(/"request_id":"[^"]*"/g, '');
  for (const [, token] of body.matchAll(/name="_csrf" value="([^"]+)"/g)) out = out.split(token!).join('<csrf>');
  return out;
}

function problem(res: LightMyRequestResponse) {
  const body = res.json() as Record<string, unknown>;
  delete body.request_id;
  return body;
}

describe('inviting', () => {
  test('the members page invites by email; the mail has a link on the workspace host; the invitation is listed', async () => {
    const w = await workspace();
    const page = await w.browser.request('GET', w.host, '/settings/members');
    assert.match(page.body, /Invite people/);
    // Roles offered: the ones the owner can give.
    assert.match(page.body, /<option value="owner"/);
    const email = `${uniqueName('New.Person')}@Example.com`;
    const sent = await w.browser.request('POST', w.host, '/settings/members/invite', { _csrf: csrfFrom(page.body), email: `  ${email} `, role: 'viewer' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    assert.equal(sent.headers.location, '/settings/members?done=invited');
    const normalised = email.toLowerCase();
    const { mail, link } = await invitationMail(normalised);
    assert.ok(link.startsWith(`http://${w.tenant.subdomain}.localhost:8000/invitations/accept?token=`), link);
    assert.match(mail.subject, new RegExp(`invited you to ${w.tenant.name} on SaaS App$`));
    assert.match(mail.text, /expires in 7 days/);
    assert.ok(mail.text.includes(`only for ${normalised}`));
    assert.ok(mail.html?.includes('Accept the invitation'));

    const after = await w.browser.request('GET', w.host, '/settings/members?done=invited');
    assert.match(after.body, /Pending invitations/);
    assert.ok(after.body.includes(normalised));
    const list = (await w.api({ method: 'GET', url: '/api/invitations' })).json() as { email: string; role: string; expired: boolean; invited_by: { user_id: string } }[];
    assert.deepEqual(
      list.map((i) => [i.email, i.role, i.expired, i.invited_by.user_id]),
      [[normalised, 'viewer', false, w.userId]],
    );
  });

  test('the mail escapes what members typed, and its subject holds no line break', async () => {
    const owner = await createTenantWithOwner(t, { plan: 'professional', companyName: 'Acme <b>&</b> Co' });
    await t.deps.database.db.execute(sql`update users set name = ${'Eve <script>x</script>\r\nBcc: victim@example.com'} where id = ${owner.userId}`);
    const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
    const email = `${uniqueName('esc')}@example.com`;
    assert.equal((await api({ method: 'POST', url: '/api/invitations', payload: { email, role: 'member' } })).statusCode, 201);
    const { mail } = await invitationMail(email);
    assert.doesNotMatch(mail.subject, /[\r\n]/);
    assert.ok(!mail.html!.includes('<script>'));
    assert.ok(mail.html!.includes('&lt;b&gt;'));
  });

  test('nobody invites above their own role: an admin cannot invite an owner (403); a member cannot invite at all (403 permission_denied)', async () => {
    const w = await workspace();
    const admin = await account(undefined, { tenantId: w.tenant.id, role: 'admin' });
    const adminApi = clientFor(t, w.tenant.subdomain, await loginForToken(t, admin.email, admin.password));
    const asOwner = await adminApi({ method: 'POST', url: '/api/invitations', payload: { email: `${uniqueName('x')}@example.com`, role: 'owner' } });
    assert.equal(asOwner.statusCode, 403);
    assert.match(problem(asOwner).detail as string, /above their own/);
    assert.equal((await adminApi({ method: 'POST', url: '/api/invitations', payload: { email: `${uniqueName('x')}@example.com`, role: 'admin' } })).statusCode, 201);

    const member = await account(undefined, { tenantId: w.tenant.id, role: 'member' });
    const memberApi = clientFor(t, w.tenant.subdomain, await loginForToken(t, member.email, member.password));
    const refused = await memberApi({ method: 'POST', url: '/api/invitations', payload: { email: `${uniqueName('x')}@example.com`, role: 'viewer' } });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'permission_denied');
    assert.equal((await memberApi({ method: 'GET', url: '/api/invitations' })).statusCode, 403);

    // The page's form refuses too, with the message on the page.
    const adminBrowser = createBrowser(t);
    await adminBrowser.login(w.tenant.subdomain, admin.email, admin.password);
    const page = await adminBrowser.request('GET', w.host, '/settings/members');
    assert.doesNotMatch(page.body, /<option value="owner"/);
    const form = await adminBrowser.request('POST', w.host, '/settings/members/invite', { _csrf: csrfFrom(page.body), email: 'boss@example.com', role: 'owner' });
    assert.equal(form.statusCode, 403);
    assert.match(form.body, /nobody can give a role above their own/);
  });

  test('inviting an existing member is refused with a message (409); a bad address or role gets 422; a full plan 403', async () => {
    const w = await workspace();
    const existing = await account(undefined, { tenantId: w.tenant.id, role: 'viewer' });
    const res = await w.api({ method: 'POST', url: '/api/invitations', payload: { email: existing.email.toUpperCase(), role: 'member' } });
    assert.equal(res.statusCode, 409);
    assert.match(problem(res).detail as string, /already a member of this workspace/);
    assert.equal((await w.api({ method: 'POST', url: '/api/invitations', payload: { email: 'not-an-email', role: 'member' } })).statusCode, 422);
    assert.equal((await w.api({ method: 'POST', url: '/api/invitations', payload: { email: 'a@example.com', role: 'superuser' } })).statusCode, 422);
    const page = await w.browser.request('GET', w.host, '/settings/members');
    const form = await w.browser.request('POST', w.host, '/settings/members/invite', { _csrf: csrfFrom(page.body), email: existing.email, role: 'member' });
    assert.equal(form.statusCode, 409);
    assert.match(form.body, /already a member of this workspace/);

    const small = await workspace('starter');
    await account(undefined, { tenantId: small.tenant.id, role: 'member' });
    await account(undefined, { tenantId: small.tenant.id, role: 'member' });
    const full = await small.api({ method: 'POST', url: '/api/invitations', payload: { email: `${uniqueName('x')}@example.com`, role: 'member' } });
    assert.equal(full.statusCode, 403);
    assert.equal(problem(full).code, 'plan_limit_reached');
  });

  test('inviting the same address again renews its one pending invitation: the previous link stops working', async () => {
    const w = await workspace();
    const first = await invite(w, 'viewer');
    const again = await w.api({ method: 'POST', url: '/api/invitations', payload: { email: first.email, role: 'member' } });
    assert.equal(again.statusCode, 201);
    assert.equal((again.json() as { id: string }).id, first.id);
    const { token } = await invitationMail(first.email, 1);
    assert.notEqual(token, first.token);
    const browser = createBrowser(t);
    assert.equal((await browser.request('GET', w.host, acceptUrl(first.token))).statusCode, 404);
    assert.equal((await browser.request('GET', w.host, acceptUrl(token))).statusCode, 200);
    const list = (await w.api({ method: 'GET', url: '/api/invitations' })).json() as { role: string }[];
    assert.deepEqual(
      list.map((i) => i.role),
      ['member'],
    );
  });
});

describe('accepting', () => {
  test('an existing user logs in from the link and accepts: member with the invited role', async () => {
    const w = await workspace();
    const invitee = await account();
    const inv = await invite(w, 'billing', invitee.email);
    const signedOut = await createBrowser(t).request('GET', w.host, acceptUrl(inv.token));
    assert.equal(signedOut.statusCode, 200);
    assert.equal(signedOut.headers['cache-control'], 'no-store');
    assert.equal(signedOut.headers['referrer-policy'], 'no-referrer');
    assert.match(signedOut.body, /Log in to accept/);
    assert.match(signedOut.body, /Create an account/);
    assert.ok(signedOut.body.includes(w.tenant.name));

    const browser = await loginToAccept(w.host, invitee.email, inv.token);
    const page = await browser.request('GET', w.host, acceptUrl(inv.token));
    assert.match(page.body, /Accept and join/);
    assert.match(page.body, /id="invitation-role">Billing</);
    const accepted = await browser.request('POST', w.host, '/invitations/accept', { _csrf: csrfFrom(page.body), token: inv.token });
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, '/dashboard');
    assert.equal(await roleOf(w.tenant.id, invitee.userId), 'billing');
    assert.equal((await browser.request('GET', w.host, '/dashboard')).statusCode, 200);
    assert.deepEqual((await w.api({ method: 'GET', url: '/api/invitations' })).json(), []);

    // Used: the link now gets the one generic answer.
    const reused = await browser.request('POST', w.host, '/invitations/accept', { _csrf: csrfFrom(page.body), token: inv.token });
    assert.equal(reused.statusCode, 404);
    assert.ok(reused.body.includes(INVALID));
  });

  test('a new person creates an account on the page (address fixed and confirmed) and lands on the dashboard as a member', async () => {
    const w = await workspace();
    const inv = await invite(w, 'member');
    const browser = createBrowser(t);
    const page = await browser.request('GET', w.host, acceptUrl(inv.token));
    const weak = await browser.request('POST', w.host, '/invitations/accept/signup', { _csrf: csrfFrom(page.body), token: inv.token, name: 'Nina New', password: 'short' });
    assert.equal(weak.statusCode, 422);
    assert.equal(await t.services.auth.users.findByEmail(inv.email), null);
    const created = await browser.request('POST', w.host, '/invitations/accept/signup', { _csrf: csrfFrom(page.body), token: inv.token, name: 'Nina New', password: PASSWORD });
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    assert.equal(created.headers.location, '/dashboard');
    const user = await t.services.auth.users.findByEmail(inv.email);
    assert.ok(user);
    assert.equal(user.name, 'Nina New');
    assert.equal(user.emailVerified, true);
    assert.equal(await roleOf(w.tenant.id, user.id), 'member');
    const dashboard = await browser.request('GET', w.host, '/dashboard');
    assert.equal(dashboard.statusCode, 200);
    // The password works for later sign-ins.
    assert.equal((await createBrowser(t).login(w.tenant.subdomain, inv.email, PASSWORD)).statusCode, 303);
    // Once used, a second sign-up with the link is refused.
    const twice = await browser.request('POST', w.host, '/invitations/accept/signup', { _csrf: csrfFrom(page.body), token: inv.token, name: 'Again', password: PASSWORD });
    assert.equal(twice.statusCode, 404);
    assert.ok(twice.body.includes(INVALID));
  });

  test('the link is bound to the invited address: another signed-in user is refused and stays outside', async () => {
    const w = await workspace();
    const invitee = await account();
    const other = await account();
    const inv = await invite(w, 'admin', invitee.email);
    const browser = await loginToAccept(w.host, other.email, inv.token);
    const page = await browser.request('GET', w.host, acceptUrl(inv.token));
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(MISMATCH));
    assert.doesNotMatch(page.body, /Accept and join/);
    assert.ok(!page.body.includes(invitee.email), 'the invited address is not shown in full');
    const forced = await browser.request('POST', w.host, '/invitations/accept', { _csrf: csrfFrom(page.body), token: inv.token });
    assert.equal(forced.statusCode, 403);
    assert.ok(forced.body.includes(MISMATCH));
    assert.equal(await roleOf(w.tenant.id, other.userId), null);
    assert.equal((await browser.request('GET', w.host, '/dashboard')).statusCode, 403);
    // A new account cannot be made for the invited address while it has one.
    const stranger = createBrowser(t);
    const form = await stranger.request('GET', w.host, acceptUrl(inv.token));
    const signup = await stranger.request('POST', w.host, '/invitations/accept/signup', { _csrf: csrfFrom(form.body), token: inv.token, name: 'X', password: PASSWORD });
    assert.equal(signup.statusCode, 409);
    assert.match(signup.body, /already exists\. Log in to accept/);
    // The invitation still works for its address.
    const right = await loginToAccept(w.host, invitee.email, inv.token);
    const ok = await right.request('POST', w.host, '/invitations/accept', { _csrf: csrfFrom((await right.request('GET', w.host, acceptUrl(inv.token))).body), token: inv.token });
    assert.equal(ok.statusCode, 303);
    assert.equal(await roleOf(w.tenant.id, invitee.userId), 'admin');
  });

  test('two accepts at once: exactly one joins', async () => {
    const w = await workspace();
    const invitee = await account();
    const inv = await invite(w, 'viewer', invitee.email);
    const ctx = { context: { ip: null, userAgent: null, requestId: null }, via: 'web' as const };
    const results = await Promise.all([0, 1, 2].map(() => t.services.invitations.accept(w.tenant.id, inv.token, { id: invitee.userId, email: invitee.email }, ctx)));
    assert.equal(results.filter((r) => r === 'joined').length, 1, results.join());
    assert.equal(await roleOf(w.tenant.id, invitee.userId), 'viewer');
  });

  test('expired, revoked, used and unknown links get one and the same answer', async () => {
    const w = await workspace();
    const expired = await invite(w);
    await t.deps.database.withTenant(w.tenant.id, (tx) => tx.execute(sql`update invitations set expires_at = now() - interval '1 minute' where id = ${expired.id}`));
    const revoked = await invite(w);
    assert.equal((await w.api({ method: 'DELETE', url: `/api/invitations/${revoked.id}` })).statusCode, 204);
    assert.equal((await w.api({ method: 'DELETE', url: `/api/invitations/${revoked.id}` })).statusCode, 404);
    const browser = createBrowser(t);
    const answers = [];
    for (const token of [expired.token, revoked.token, crypto.randomBytes(32).toString('base64url'), 'junk']) {
      const res = await browser.request('GET', w.host, acceptUrl(token));
      assert.equal(res.statusCode, 404);
      assert.ok(res.body.includes(INVALID));
      answers.push(normalise(res.body));
    }
    assert.equal(new Set(answers).size, 1);
    const page = await browser.request('GET', w.host, '/login');
    const signup = await browser.request('POST', w.host, '/invitations/accept/signup', { _csrf: csrfFrom(page.body), token: expired.token, name: 'Late', password: PASSWORD });
    assert.equal(signup.statusCode, 404);
    assert.equal(await t.services.auth.users.findByEmail(expired.email), null);
    // The expired one is listed as such, and can be sent again.
    const listed = (await w.api({ method: 'GET', url: '/api/invitations' })).json() as { id: string; expired: boolean }[];
    assert.deepEqual(listed.map((i) => [i.id, i.expired]), [[expired.id, true]]);
  });

  test('resending makes a new link (the old one stops working), at most 5 sends a day', async () => {
    const w = await workspace();
    const inv = await invite(w);
    const resent = await w.api({ method: 'POST', url: `/api/invitations/${inv.id}/resend` });
    assert.equal(resent.statusCode, 200);
    const { token } = await invitationMail(inv.email, 1);
    assert.notEqual(token, inv.token);
    const browser = createBrowser(t);
    assert.equal((await browser.request('GET', w.host, acceptUrl(inv.token))).statusCode, 404);
    assert.equal((await browser.request('GET', w.host, acceptUrl(token))).statusCode, 200);
    // From the page too.
    const page = await w.browser.request('GET', w.host, '/settings/members');
    const again = await w.browser.request('POST', w.host, `/settings/invitations/${inv.id}/resend`, { _csrf: csrfFrom(page.body) });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, '/settings/members?done=resent');
    for (let i = 0; i < 2; i++) assert.equal((await w.api({ method: 'POST', url: `/api/invitations/${inv.id}/resend` })).statusCode, 200);
    const sixth = await w.api({ method: 'POST', url: `/api/invitations/${inv.id}/resend` });
    assert.equal(sixth.statusCode, 429);
    assert.ok(Number(sixth.headers['retry-after']) > 0);
    // Revoking from the page.
    const revoked = await w.browser.request('POST', w.host, `/settings/invitations/${inv.id}/revoke`, { _csrf: csrfFrom(page.body) });
    assert.equal(revoked.statusCode, 303);
    assert.equal((await browser.request('GET', w.host, acceptUrl(token))).statusCode, 404);
  });

  test('invalid links are throttled per client address (429 with Retry-After)', async () => {
    const w = await workspace();
    const browser = createBrowser(t);
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 20; i++) last = await browser.request('GET', w.host, acceptUrl(crypto.randomBytes(32).toString('base64url')));
    assert.equal(last!.statusCode, 429);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    // Even a good link waits now, from that address; another address is not affected.
    const inv = await invite(w);
    assert.equal((await browser.request('GET', w.host, acceptUrl(inv.token))).statusCode, 429);
    assert.equal((await createBrowser(t).request('GET', w.host, acceptUrl(inv.token))).statusCode, 200);
  });
});

describe('isolation and audit', () => {
  test("another workspace's invitation id answers like a random id", async () => {
    const a = await workspace();
    const b = await workspace();
    const bInvitation = await invite(b);
    const random = crypto.randomUUID();
    for (const [method, path] of [
      ['POST', '/resend'],
      ['DELETE', ''],
    ] as const) {
      const theirs = await a.api({ method, url: `/api/invitations/${bInvitation.id}${path}` });
      const unknown = await a.api({ method, url: `/api/invitations/${random}${path}` });
      assert.equal(theirs.statusCode, 404);
      assert.deepEqual(problem(theirs), problem(unknown));
    }
    const page = await a.browser.request('GET', a.host, '/settings/members');
    const theirs = await a.browser.request('POST', a.host, `/settings/invitations/${bInvitation.id}/revoke`, { _csrf: csrfFrom(page.body) });
    const unknown = await a.browser.request('POST', a.host, `/settings/invitations/${random}/revoke`, { _csrf: csrfFrom(page.body) });
    assert.equal(theirs.statusCode, 404);
    assert.equal(normalise(theirs.body), normalise(unknown.body));
    // B's token does not open on A's host either.
    assert.equal((await createBrowser(t).request('GET', a.host, acceptUrl(bInvitation.token))).statusCode, 404);
    assert.equal((await b.api({ method: 'GET', url: '/api/invitations' })).json().length, 1);
  });

  test('the audit log records invitations and joins, and never a token', async () => {
    const w = await workspace();
    const inv = await invite(w, 'viewer');
    await w.api({ method: 'POST', url: `/api/invitations/${inv.id}/resend` });
    const { token } = await invitationMail(inv.email, 1);
    const browser = createBrowser(t);
    const page = await browser.request('GET', w.host, acceptUrl(token));
    assert.equal((await browser.request('POST', w.host, '/invitations/accept/signup', { _csrf: csrfFrom(page.body), token, name: 'Audited', password: PASSWORD })).statusCode, 303);
    const other = await invite(w);
    await w.api({ method: 'DELETE', url: `/api/invitations/${other.id}` });
    const rows = await t.deps.database.withTenant(w.tenant.id, (tx) => tx.execute(sql`select action, target_id, details from audit_events where tenant_id = ${w.tenant.id} order by occurred_at`));
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { action: string; details: Record<string, unknown> }[];
    const actions = list.map((r) => r.action);
    for (const action of ['member.invited', 'member.invitation_resent', 'member.joined', 'member.invitation_revoked']) assert.ok(actions.includes(action), `${action} in ${actions.join()}`);
    const joined = list.find((r) => r.action === 'member.joined')!;
    assert.equal(joined.details.role, 'viewer');
    const dump = JSON.stringify(list);
    for (const secret of [inv.token, token, other.token, hashInvitationToken(token)]) assert.ok(!dump.includes(secret), 'no token in the audit log');
  });
});
