/**
 * The account page over HTTP: sessions are listed (device, address) and can be ended one by one or all
 * but the current one, never someone else's; a password change needs the current password, is
 * throttled, keeps this session and ends the others (and their access tokens); the audit trail shows
 * it. Sessions also end at the absolute timeout, however active.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { sessions } from '../../src/modules/auth/auth.tables.js';
import { ACCOUNT_THROTTLE_RULES } from '../../src/modules/auth/index.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, type TestApp, randomClientAddress } from '../support/test-app.js';

describe('account: sessions and password', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const UA = { firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' };

  async function signedIn(owner: Awaited<ReturnType<typeof createTenantWithOwner>>, userAgent: string) {
    const b = createBrowser(t);
    const page = await b.request('GET', hostFor(owner.tenant.subdomain), '/login', undefined, { 'user-agent': userAgent });
    const res = await b.request('POST', hostFor(owner.tenant.subdomain), '/login', { _csrf: csrfFrom(page.body), email: owner.email, password: owner.password }, { 'user-agent': userAgent });
    assert.equal(res.statusCode, 303);
    const get = (url: string) => b.request('GET', hostFor(owner.tenant.subdomain), url, undefined, { 'user-agent': userAgent });
    const post = async (url: string, form: Record<string, string> = {}) => {
      const csrf = csrfFrom((await get('/account')).body);
      return b.request('POST', hostFor(owner.tenant.subdomain), url, { _csrf: csrf, ...form }, { 'user-agent': userAgent });
    };
    return { b, get, post };
  }

  test('sessions are listed with their device; one can be ended, then all others; never another user\'s', async () => {
    const owner = await createTenantWithOwner(t);
    const laptop = await signedIn(owner, UA.firefox);
    const phone = await signedIn(owner, UA.iphone);
    const stranger = await createTenantWithOwner(t);
    const strangerSession = await signedIn(stranger, UA.firefox);

    const page = await laptop.get('/account');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Firefox on Linux[\s\S]*This device/);
    assert.match(page.body, /Safari on iPhone/);
    const phoneId = /action="\/account\/sessions\/([0-9a-f-]{36})\/revoke"/.exec(page.body)![1]!;

    // Someone else's session id is not found, and stays alive.
    const [strangerRow] = await t.deps.database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, stranger.userId));
    assert.equal((await laptop.post(`/account/sessions/${strangerRow!.id}/revoke`)).statusCode, 404);
    assert.equal((await laptop.post('/account/sessions/not-a-uuid/revoke')).statusCode, 404);
    assert.equal((await strangerSession.get('/dashboard')).statusCode, 200);

    assert.equal((await laptop.post(`/account/sessions/${phoneId}/revoke`)).statusCode, 303);
    assert.equal((await phone.get('/dashboard')).statusCode, 303, 'the ended session still works');

    const tablet = await signedIn(owner, UA.iphone);
    const bearer = await loginForToken(t, owner.email, owner.password);
    assert.equal((await laptop.post('/account/sessions/revoke-others')).statusCode, 303);
    assert.equal((await tablet.get('/dashboard')).statusCode, 303);
    const api = await t.app.inject({ method: 'GET', url: '/api/data', headers: { host: hostFor(owner.tenant.subdomain), authorization: `Bearer ${bearer}` } });
    assert.equal(api.statusCode, 401, 'the access token of an ended session still works');
    assert.equal((await laptop.get('/dashboard')).statusCode, 200, 'the current session was ended too');
  });

  test('changing the password needs the current one, is throttled, keeps this session and ends the others', async () => {
    const owner = await createTenantWithOwner(t);
    const me = await signedIn(owner, UA.firefox);
    const other = await signedIn(owner, UA.iphone);

    const wrong = await me.post('/account/password', { current_password: 'not it at all', password: 'a fresh long passphrase' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /not your current password/);
    const common = await me.post('/account/password', { current_password: owner.password, password: 'iloveyou1' });
    assert.equal(common.statusCode, 422);
    assert.match(common.body, /most common passwords/);

    const newPassword = 'a fresh long passphrase';
    const ok = await me.post('/account/password', { current_password: owner.password, password: newPassword });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/account?done=password');
    assert.equal((await me.get('/dashboard')).statusCode, 200);
    assert.equal((await other.get('/dashboard')).statusCode, 303);
    assert.ok(await loginForToken(t, owner.email, newPassword));

    const activity = await me.get('/account');
    assert.match(activity.body, /Password changed/);

    for (let i = 0; i < ACCOUNT_THROTTLE_RULES.wrongCurrentPassword.points; i++) await me.post('/account/password', { current_password: `wrong ${i}`, password: 'yet another passphrase' });
    const blocked = await me.post('/account/password', { current_password: newPassword, password: 'yet another passphrase' });
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
  });

  test('a session ends at the absolute timeout however active it is', async () => {
    const owner = await createTenantWithOwner(t);
    const me = await signedIn(owner, UA.firefox);
    await t.deps.database.db.update(sessions).set({ createdAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) }).where(eq(sessions.userId, owner.userId));
    await new Promise((resolve) => setTimeout(resolve, 5100)); // past the per-process session memo
    assert.equal((await me.get('/dashboard')).statusCode, 303);
  });

  test('signed out, the account page asks to sign in', async () => {
    const res = await createBrowser(t).request('GET', hostFor(null), '/account');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/login\?next=/);
  });
});

describe('account deletion', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  test('the only owner of a workspace cannot delete the account; once another owner exists, it goes, with its sessions and memberships', async () => {
    const owner = await createTenantWithOwner(t);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const host = hostFor(owner.tenant.subdomain);
    const post = async (form: Record<string, string>) => b.request('POST', host, '/account/delete', { _csrf: csrfFrom((await b.request('GET', host, '/account')).body), ...form });

    const unconfirmed = await post({ current_password: owner.password, confirm: 'delete' });
    assert.equal(unconfirmed.statusCode, 422);
    const blocked = await post({ current_password: owner.password, confirm: 'DELETE' });
    assert.equal(blocked.statusCode, 409);
    assert.match(blocked.body, /only owner of/);

    // A second owner: now the account may go.
    const second = await createTenantWithOwner(t);
    await t.services.tenants.addMember(owner.tenant.id, second.userId, 'owner');
    const wrong = await post({ current_password: 'not my password', confirm: 'DELETE' });
    assert.equal(wrong.statusCode, 422);
    const bearer = await loginForToken(t, owner.email, owner.password);
    const deleted = await post({ current_password: owner.password, confirm: 'DELETE' });
    assert.equal(deleted.statusCode, 200, deleted.body.slice(0, 300));
    assert.match(deleted.body, /was deleted/);

    assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 303, 'the session survived');
    const api = await t.app.inject({ method: 'GET', url: '/api/data', headers: { host, authorization: `Bearer ${bearer}` } });
    assert.equal(api.statusCode, 401, 'an access token survived');
    await assert.rejects(loginForToken(t, owner.email, owner.password), /401/);
    assert.equal(await t.services.auth.users.findByEmail(owner.email), null);
    const members = await t.services.tenants.listMembers(owner.tenant.id);
    assert.deepEqual(members.map((m) => m.userId), [second.userId], 'the membership survived');
  });
});

describe('disabled accounts', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  test('disabling ends live sessions, access and refresh tokens; the right password then gets the generic 401', async () => {
    const owner = await createTenantWithOwner(t);
    const me = await (async () => {
      const b = createBrowser(t);
      await b.login(owner.tenant.subdomain, owner.email, owner.password);
      return b;
    })();
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password: owner.password } });
    const pair = login.json() as { access_token: string; refresh_token: string };

    await t.services.auth.setDisabled(owner.userId, true);
    assert.equal((await me.request('GET', hostFor(owner.tenant.subdomain), '/dashboard')).statusCode, 303);
    const api = await t.app.inject({ method: 'GET', url: '/api/data', headers: { host: hostFor(owner.tenant.subdomain), authorization: `Bearer ${pair.access_token}` } });
    assert.equal(api.statusCode, 401);
    const refreshed = await t.app.inject({ method: 'POST', url: '/auth/refresh', headers: { host: hostFor(null) }, payload: { refresh_token: pair.refresh_token } });
    assert.equal(refreshed.statusCode, 401);
    await assert.rejects(loginForToken(t, owner.email, owner.password), /401.*Invalid email or password/);

    await t.services.auth.setDisabled(owner.userId, false);
    assert.ok(await loginForToken(t, owner.email, owner.password));
  });
});
