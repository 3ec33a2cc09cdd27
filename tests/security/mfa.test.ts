/**
 * Two-factor authentication over HTTP: enrolment needs the password and a first code; sign-in stops
 * at the code step and no page can be reached around it; codes work once (TOTP steps and backup
 * codes); a challenge dies after 5 wrong codes; the token endpoint asks for the code too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import { MAX_EMAIL_CODES, MFA_MAX_ATTEMPTS } from '../../src/modules/auth/mfa.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, type TestApp, randomClientAddress } from '../support/test-app.js';

describe('two-factor authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  /** A code for the step `offset` steps from now (the server accepts one step either way, each once). */
  const codeAt = (secret: string, offset: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

  async function enrolled() {
    const owner = await createTenantWithOwner(t);
    const b = createBrowser(t);
    const host = hostFor(owner.tenant.subdomain);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const csrf = async () => csrfFrom((await b.request('GET', host, '/account')).body);

    const wrongPassword = await b.request('POST', host, '/account/mfa/setup', { _csrf: await csrf(), current_password: 'nope nope nope' });
    assert.equal(wrongPassword.statusCode, 422);
    const setup = await b.request('POST', host, '/account/mfa/setup', { _csrf: await csrf(), current_password: owner.password });
    assert.equal(setup.statusCode, 200);
    assert.match(setup.body, /<svg[^>]*>/);
    const secret = /id="mfa-secret"[^>]*>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    const setupCsrf = csrfFrom(setup.body);
    const wrong = await b.request('POST', host, '/account/mfa/confirm', { _csrf: setupCsrf, code: '000000' });
    assert.equal(wrong.statusCode, 422);
    const confirmed = await b.request('POST', host, '/account/mfa/confirm', { _csrf: setupCsrf, code: await codeAt(secret, 0) });
    assert.equal(confirmed.statusCode, 200);
    const backupCodes = [...confirmed.body.matchAll(/<li>([A-Z2-9]{5}-[A-Z2-9]{5})<\/li>/g)].map((m) => m[1]!);
    assert.equal(backupCodes.length, 10);
    return { owner, host, secret, backupCodes, b, csrf };
  }

  test('sign-in stops at the code step; pages cannot be reached around it; a code works once', async () => {
    const { owner, host, secret } = await enrolled();
    const b = createBrowser(t);
    const login = await b.login(owner.tenant.subdomain, owner.email, owner.password);
    assert.equal(login.statusCode, 303);
    assert.match(String(login.headers.location), /^\/login\/mfa\?next=/);
    for (const path of ['/dashboard', '/data', '/account', '/settings/audit']) {
      const res = await b.request('GET', host, path);
      assert.equal(res.statusCode, 303, path);
      assert.match(String(res.headers.location), /^\/login\/mfa/, path);
    }
    const api = await b.request('GET', host, '/api/data');
    assert.equal(api.statusCode, 401, 'the half-open session opened the API');

    const page = await b.request('GET', host, '/login/mfa');
    const csrf = csrfFrom(page.body);
    const wrong = await b.request('POST', host, '/login/mfa', { _csrf: csrf, code: '123456', next: '/dashboard' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, new RegExp(`${MFA_MAX_ATTEMPTS - 1} tries left`));
    const code = await codeAt(secret, 1);
    const ok = await b.request('POST', host, '/login/mfa', { _csrf: csrf, code, next: '/dashboard' });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/dashboard');
    assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 200);

    // The same code again, in another sign-in: refused (replay).
    const other = createBrowser(t);
    await other.login(owner.tenant.subdomain, owner.email, owner.password);
    const replay = await other.request('POST', host, '/login/mfa', { _csrf: csrfFrom((await other.request('GET', host, '/login/mfa')).body), code, next: '/dashboard' });
    assert.equal(replay.statusCode, 422);
  });

  test('a backup code works once; five wrong codes end the challenge', async () => {
    const { owner, host, backupCodes } = await enrolled();
    const use = async (code: string) => {
      const b = createBrowser(t);
      await b.login(owner.tenant.subdomain, owner.email, owner.password);
      return b.request('POST', host, '/login/mfa', { _csrf: csrfFrom((await b.request('GET', host, '/login/mfa')).body), code, next: '/dashboard' });
    };
    assert.equal((await use(backupCodes[0]!.toLowerCase())).statusCode, 303, 'backup codes are case-insensitive');
    assert.equal((await use(backupCodes[0]!)).statusCode, 422, 'a backup code worked twice');

    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const csrf = csrfFrom((await b.request('GET', host, '/login/mfa')).body);
    let last;
    for (let i = 0; i < MFA_MAX_ATTEMPTS; i++) last = await b.request('POST', host, '/login/mfa', { _csrf: csrf, code: `11111${i}`, next: '/dashboard' });
    assert.equal(last!.statusCode, 303);
    assert.equal(last!.headers.location, '/login?mfa=too_many');
    const after = await b.request('GET', host, '/login/mfa');
    assert.equal(after.headers.location, '/login', 'the challenge survived');
  });

  test('the token endpoint asks for the code, and takes an authenticator or backup code', async () => {
    const { owner, backupCodes } = await enrolled();
    const tokenLogin = (body: Record<string, string>) => t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password: owner.password, ...body } });
    const missing = await tokenLogin({});
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().code, 'mfa_required');
    assert.equal((await tokenLogin({ mfa_code: '000000' })).statusCode, 401);
    const ok = await tokenLogin({ mfa_code: backupCodes[1]! });
    assert.equal(ok.statusCode, 200);
    assert.ok(ok.json().access_token);
  });

  test('turning it off needs the password; then the password alone signs in', async () => {
    const { owner, host, b, csrf } = await enrolled();
    const wrong = await b.request('POST', host, '/account/mfa/disable', { _csrf: await csrf(), current_password: 'not the password' });
    assert.equal(wrong.statusCode, 422);
    assert.equal((await t.services.auth.mfa.status(owner.userId)).totp, true);
    const off = await b.request('POST', host, '/account/mfa/disable', { _csrf: await csrf(), current_password: owner.password });
    assert.equal(off.statusCode, 303);
    assert.equal((await t.services.auth.mfa.status(owner.userId)).totp, false);
    const again = createBrowser(t);
    const login = await again.login(owner.tenant.subdomain, owner.email, owner.password);
    assert.equal(login.headers.location, '/dashboard');
  });

  test('an emailed code works once, only for the sign-in that asked for it; a few per sign-in; confirmed addresses only', async () => {
    const { owner, host } = await enrolled();
    const signIn = async () => {
      const b = createBrowser(t);
      await b.login(owner.tenant.subdomain, owner.email, owner.password);
      const csrf = csrfFrom((await b.request('GET', host, '/login/mfa')).body);
      return { b, csrf, ask: () => b.request('POST', host, '/login/mfa/email', { _csrf: csrf, next: '/dashboard' }), give: (code: string) => b.request('POST', host, '/login/mfa', { _csrf: csrf, code, next: '/dashboard' }) };
    };
    const mailedCodes = async () => (await t.deps.mailer.listOutbox(200)).filter((m) => m.to === owner.email && /sign-in code/.test(m.subject)).map((m) => /(\d{6})/.exec(m.subject)![1]!);

    const unconfirmed = await signIn();
    assert.equal((await unconfirmed.ask()).statusCode, 409);

    await t.services.auth.users.markEmailVerified(owner.userId);
    await new Promise((resolve) => setTimeout(resolve, 5100)); // the per-process session memo
    const a = await signIn();
    const sent = await a.ask();
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /weaker than the app/);
    let codes: string[] = [];
    for (let i = 0; i < 50 && codes.length === 0; i++) {
      codes = await mailedCodes();
      if (codes.length === 0) await sleep(20);
    }
    const codeA = codes[0]!;

    const b = await signIn();
    assert.equal((await b.give(codeA)).statusCode, 422, "another sign-in's code worked");
    assert.equal((await a.give(codeA)).statusCode, 303);
    assert.equal((await a.b.request('GET', host, '/dashboard')).statusCode, 200);

    const c = await signIn();
    const statuses = [];
    for (let i = 0; i <= MAX_EMAIL_CODES; i++) statuses.push((await c.ask()).statusCode);
    assert.deepEqual(statuses, [...Array(MAX_EMAIL_CODES).fill(200), 429]);
  });

  test('a workspace that requires MFA sends members without it to set it up, and refuses their API calls', async () => {
    const owner = await createTenantWithOwner(t);
    await t.services.tenants.setRequireMfa(owner.tenant.id, true);
    const host = hostFor(owner.tenant.subdomain);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const dashboard = await b.request('GET', host, '/dashboard');
    assert.equal(dashboard.statusCode, 303);
    assert.equal(dashboard.headers.location, '/account?mfa_required=1');
    const account = await b.request('GET', host, '/account?mfa_required=1');
    assert.match(account.body, /requires two-factor authentication/);
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password: owner.password } });
    const api = await t.app.inject({ method: 'GET', url: '/api/data', headers: { host, authorization: `Bearer ${login.json().access_token}` } });
    assert.equal(api.statusCode, 403);
    assert.match(api.json().detail, /requires two-factor authentication/);

    // Set it up from the account page: the workspace opens.
    const setup = await b.request('POST', host, '/account/mfa/setup', { _csrf: csrfFrom(account.body), current_password: owner.password });
    const secret = /id="mfa-secret"[^>]*>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    assert.equal((await b.request('POST', host, '/account/mfa/confirm', { _csrf: csrfFrom(setup.body), code: await codeAt(secret, 0) })).statusCode, 200);
    assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 200);
  });
});
