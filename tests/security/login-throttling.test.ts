/**
 * Brute-force protection on password sign-in, over HTTP: the browser form and the token endpoint share
 * the counters; a wait is answered with 429 and Retry-After before the password is even checked; a
 * spoofed X-Forwarded-For changes nothing unless a trusted proxy is configured; the account's owner on
 * another address is not locked out; every attempt leaves an audit event.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../src/modules/audit/audit.tables.js';
import { LOGIN_THROTTLE_RULES } from '../../src/modules/auth/index.js';
import { CookieJar, createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, type TestApp } from '../support/test-app.js';
import { SIGNUP_THROTTLE_RULE } from '../../src/modules/tenants/tenants.routes.js';

const PAIR_LIMIT = LOGIN_THROTTLE_RULES.accountOnAddress.points;
const randomAddress = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

describe('login throttling', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const tokenLogin = (email: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress, headers: { host: hostFor(null), ...headers }, payload: { email, password } });

  test(`after ${PAIR_LIMIT} wrong passwords from one address, that address waits, even with the right password`, async () => {
    const owner = await createTenantWithOwner(t);
    const address = randomAddress();
    for (let i = 0; i < PAIR_LIMIT; i++) assert.equal((await tokenLogin(owner.email, `wrong-${i}`, address)).statusCode, 401);
    const blocked = await tokenLogin(owner.email, owner.password, address);
    assert.equal(blocked.statusCode, 429);
    const retryAfter = Number(blocked.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= LOGIN_THROTTLE_RULES.accountOnAddress.blockSeconds, String(blocked.headers['retry-after']));
    assert.equal(blocked.json().code, 'too_many_requests');

    // The browser form shares the counter: the same wait there, as the login page with a message.
    const jar = new CookieJar();
    const page = await t.app.inject({ method: 'GET', url: '/login', remoteAddress: address, headers: { host: hostFor(null) } });
    jar.store(hostFor(null), page.headers['set-cookie']);
    const form = await t.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: address,
      headers: { host: hostFor(null), cookie: jar.header(hostFor(null)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), email: owner.email, password: owner.password }).toString(),
    });
    assert.equal(form.statusCode, 429);
    assert.ok(Number(form.headers['retry-after']) > 0);
    assert.match(form.body, /Too many sign-in attempts\. Try again in \d+ minutes?\./);

    // The owner on another address is not locked out.
    assert.equal((await tokenLogin(owner.email, owner.password, randomAddress())).statusCode, 200);
  });

  test('a spoofed X-Forwarded-For does not give a fresh counter (no trusted proxy configured)', async () => {
    const owner = await createTenantWithOwner(t);
    const address = randomAddress();
    for (let i = 0; i < PAIR_LIMIT; i++) {
      const res = await tokenLogin(owner.email, `wrong-${i}`, address, { 'x-forwarded-for': randomAddress() });
      assert.equal(res.statusCode, 401);
    }
    const res = await tokenLogin(owner.email, owner.password, address, { 'x-forwarded-for': randomAddress() });
    assert.equal(res.statusCode, 429);
  });

  test('a successful sign-in clears the count for that account and address', async () => {
    const owner = await createTenantWithOwner(t);
    const address = randomAddress();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < PAIR_LIMIT - 1; i++) assert.equal((await tokenLogin(owner.email, 'wrong', address)).statusCode, 401);
      assert.equal((await tokenLogin(owner.email, owner.password, address)).statusCode, 200, `round ${round}`);
    }
  });

  test('unknown emails are counted like known ones (no hint that an account exists)', async () => {
    const address = randomAddress();
    const email = `nobody-${crypto.randomBytes(4).toString('hex')}@example.com`;
    const answers = [];
    for (let i = 0; i <= PAIR_LIMIT; i++) answers.push((await tokenLogin(email, 'whatever', address)).statusCode);
    assert.deepEqual(answers, [...Array(PAIR_LIMIT).fill(401), 429]);
  });

  test('every attempt is in the audit log, without the password', async () => {
    const owner = await createTenantWithOwner(t);
    const address = randomAddress();
    const secret = `wrong-${crypto.randomBytes(6).toString('hex')}`;
    await tokenLogin(owner.email, secret, address);
    await tokenLogin(owner.email, owner.password, address);
    const rows = await t.deps.withOwnerDb((db) => db.select().from(auditEvents).where(and(eq(auditEvents.actorUserId, owner.userId), eq(auditEvents.ip, address))));
    const summary = rows.map((r) => `${r.action}:${r.outcome}`).sort();
    assert.deepEqual(summary, ['auth.login:failure', 'auth.login:success', 'auth.token:success']);
    const failure = rows.find((r) => r.outcome === 'failure')!;
    assert.equal(failure.actorEmail, owner.email);
    assert.equal(failure.details.reason, 'invalid_credentials');
    const everything = JSON.stringify(rows);
    assert.ok(!everything.includes(secret) && !everything.includes(owner.password), 'a password reached the audit log');
  });

  test(`sign-up attempts with one email are limited to ${SIGNUP_THROTTLE_RULE.points - 1} an hour, from any address`, async () => {
    const email = `signup-${crypto.randomBytes(4).toString('hex')}@example.com`;
    const statuses = [];
    for (let i = 0; i < SIGNUP_THROTTLE_RULE.points; i++) {
      const b = createBrowser(t); // a new address each time
      const page = await b.request('GET', hostFor(null), '/signup');
      // An invalid subdomain: the attempt fails fast, and counts.
      const res = await b.request('POST', hostFor(null), '/signup', { _csrf: csrfFrom(page.body), company_name: 'Spam Co', subdomain: 'x', email, password: 'correct horse battery staple' });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses, [...Array(SIGNUP_THROTTLE_RULE.points - 1).fill(422), 429]);
  });
});
