/**
 * Password recovery over HTTP, black-box: the same answer for known and unknown emails; a link built
 * from PUBLIC_URL whatever the Host; a single-use token, hashed at rest, that expires; no automatic
 * sign-in; every session and token of the account ended; throttling per email; and a reset lifts the
 * account-wide sign-in wait an attacker may have caused.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { verifications } from '../../src/modules/auth/auth.tables.js';
import { LOGIN_THROTTLE_RULES, RESET_THROTTLE_RULES } from '../../src/modules/auth/index.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

const randomAddress = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

describe('password reset', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://app.example.test' });
  });
  after(async () => t?.close());

  async function requestReset(b: ReturnType<typeof createBrowser>, email: string, host = hostFor(null)) {
    const page = await b.request('GET', host, '/forgot-password');
    assert.equal(page.statusCode, 200);
    return b.request('POST', host, '/forgot-password', { _csrf: csrfFrom(page.body), email });
  }

  /** The reset link mailed to `email` (sending is not awaited by the request: poll the outbox). */
  async function linkFor(email: string): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const mail = (await t.deps.mailer.listOutbox(50)).find((m) => m.to === email && /Reset your/.test(m.subject));
      if (mail) return /https:\/\/app\.example\.test\/reset-password\?token=[A-Za-z0-9]+/.exec(mail.text)![0];
      await sleep(20);
    }
    throw new Error(`no reset email for ${email}`);
  }

  const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

  test('known and unknown emails get the same answer; only the known one gets mail, linking to PUBLIC_URL', async () => {
    const owner = await createTenantWithOwner(t);
    const unknown = `nobody-${crypto.randomBytes(4).toString('hex')}@example.com`;
    // Asked on a tenant's host: the link still points at the configured public URL.
    const known = await requestReset(createBrowser(t), owner.email, hostFor(owner.tenant.subdomain));
    const other = await requestReset(createBrowser(t), unknown, hostFor(owner.tenant.subdomain));
    assert.equal(known.statusCode, 200);
    assert.equal(other.statusCode, 200);
    // Identical but for the email and the CSRF tokens (long random runs).
    const strip = (html: string, email: string) => html.replaceAll(email, 'EMAIL').replace(/[A-Za-z0-9_-]{40,}/g, 'TOKEN');
    assert.ok(strip(known.body, owner.email) === strip(other.body, unknown), 'the answers for a known and an unknown email differ');
    const link = await linkFor(owner.email);
    assert.ok(link.startsWith('https://app.example.test/reset-password?token='));
    await sleep(100);
    assert.equal((await t.deps.mailer.listOutbox(100)).filter((m) => m.to === unknown).length, 0);
  });

  test('the token is hashed at rest, works once, and does not sign in; sessions and tokens of the account end', async () => {
    const owner = await createTenantWithOwner(t);
    const bearer = await loginForToken(t, owner.email, owner.password);
    await requestReset(createBrowser(t), owner.email);
    const token = tokenOf(await linkFor(owner.email));

    const rows = await t.deps.database.db.select().from(verifications).where(eq(verifications.value, owner.userId));
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => !r.identifier.includes(token)), 'the token is stored as is');

    const b = createBrowser(t);
    const form = await b.request('GET', hostFor(null), `/reset-password?token=${token}`);
    assert.equal(form.statusCode, 200);
    assert.equal(form.headers['cache-control'], 'no-store');
    assert.equal(form.headers['referrer-policy'], 'no-referrer');
    const csrf = csrfFrom(form.body);

    const common = await b.request('POST', hostFor(null), '/reset-password', { _csrf: csrf, token, password: 'iloveyou1' });
    assert.equal(common.statusCode, 422);
    assert.match(common.body, /most common passwords/);

    const newPassword = 'tuba lantern quietly 42';
    const done = await b.request('POST', hostFor(null), '/reset-password', { _csrf: csrf, token, password: newPassword });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/login?reset=done');
    assert.ok(![done.headers['set-cookie']].flat().some((c) => c && /session_token=[^;]+/.test(c) && !/max-age=0/i.test(c)), 'signed in by the reset');

    const again = await b.request('POST', hostFor(null), '/reset-password', { _csrf: csrf, token, password: 'another fine password' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /expired or was already used/);

    const api = await t.app.inject({ method: 'GET', url: '/api/data', headers: { host: hostFor(owner.tenant.subdomain), authorization: `Bearer ${bearer}` } });
    assert.equal(api.statusCode, 401, 'an access token of the old session still works');
    await assert.rejects(loginForToken(t, owner.email, owner.password), /401/);
    assert.ok(await loginForToken(t, owner.email, newPassword));
  });

  test('an expired link is refused', async () => {
    const owner = await createTenantWithOwner(t);
    await requestReset(createBrowser(t), owner.email);
    const token = tokenOf(await linkFor(owner.email));
    await t.deps.database.db.update(verifications).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(verifications.value, owner.userId));
    const b = createBrowser(t);
    const form = await b.request('GET', hostFor(null), `/reset-password?token=${token}`);
    assert.match(form.body, /expired or was already used/);
    const csrf = csrfFrom((await b.request('GET', hostFor(null), '/forgot-password')).body);
    const post = await b.request('POST', hostFor(null), '/reset-password', { _csrf: csrf, token, password: 'a brand new passphrase' });
    assert.equal(post.statusCode, 400);
    assert.ok(await loginForToken(t, owner.email, owner.password), 'the password changed anyway');
  });

  test(`more than ${RESET_THROTTLE_RULES.requestsPerAccount.points} requests for one email in an hour wait, from any address`, async () => {
    const owner = await createTenantWithOwner(t);
    const statuses = [];
    for (let i = 0; i <= RESET_THROTTLE_RULES.requestsPerAccount.points; i++) statuses.push((await requestReset(createBrowser(t), owner.email)).statusCode);
    assert.deepEqual(statuses, [...Array(RESET_THROTTLE_RULES.requestsPerAccount.points).fill(200), 429]);
  });

  test("a reset lifts the account-wide sign-in wait an attacker caused, so the owner is never locked out", async () => {
    const owner = await createTenantWithOwner(t);
    const tokenLogin = (password: string) =>
      t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password } });
    for (let i = 0; i < LOGIN_THROTTLE_RULES.account.points; i++) assert.equal((await tokenLogin(`guess-${i}`)).statusCode, 401);
    assert.equal((await tokenLogin(owner.password)).statusCode, 429, 'the account-wide wait did not start');

    await requestReset(createBrowser(t), owner.email);
    const token = tokenOf(await linkFor(owner.email));
    const b = createBrowser(t);
    const form = await b.request('GET', hostFor(null), `/reset-password?token=${token}`);
    const newPassword = 'recovered and well remembered';
    assert.equal((await b.request('POST', hostFor(null), '/reset-password', { _csrf: csrfFrom(form.body), token, password: newPassword })).statusCode, 303);
    assert.equal((await tokenLogin(newPassword)).statusCode, 200);
  });
});
