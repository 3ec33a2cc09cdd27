/**
 * No password, code, token or secret reaches the application log or the audit log: the app runs
 * with access logs on and the most verbose level, goes through sign-up, failed and successful
 * sign-in, token login and refresh, password reset by link, and MFA, and then both logs are searched
 * for every secret that passed through.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import { auditEvents } from '../../src/modules/audit/audit.tables.js';
import { captureLog, createBrowser, createTenantWithOwner, csrfFrom, hostFor, randomClientAddress, startTestApp, type TestApp } from '../support/test-app.js';

describe('secrets stay out of the logs', () => {
  let t: TestApp;
  const { stream, lines } = captureLog();
  before(async () => {
    t = await startTestApp({ LOG_LEVEL: 'trace', ACCESS_LOG: 'true', PUBLIC_URL: 'https://app.example.test' }, { logStream: stream });
  });
  after(async () => t?.close());

  test('passwords, tokens, codes and cookies appear in neither log', async () => {
    const secrets: string[] = [];
    const owner = await createTenantWithOwner(t, { password: 'first secret passphrase 7' });
    secrets.push(owner.password);
    const host = hostFor(owner.tenant.subdomain);

    // Wrong and right passwords, in the form and on the API.
    const b = createBrowser(t);
    const page = await b.request('GET', host, '/login');
    await b.request('POST', host, '/login', { _csrf: csrfFrom(page.body), email: owner.email, password: 'wrong secret guess 42' });
    secrets.push('wrong secret guess 42');
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const cookie = b.jar.header(host);
    secrets.push(...cookie.split('; ').map((c) => c.split('=').slice(1).join('=')).filter((v) => v.length > 20));
    const login = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password: owner.password } });
    const pair = login.json() as { access_token: string; refresh_token: string };
    secrets.push(pair.access_token, pair.refresh_token);
    await t.app.inject({ method: 'GET', url: '/api/data', headers: { host, authorization: `Bearer ${pair.access_token}` } });
    const refreshed = await t.app.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { refresh_token: pair.refresh_token } });
    secrets.push((refreshed.json() as { refresh_token: string }).refresh_token);

    // MFA: the secret, a code, the backup codes.
    const account = await b.request('GET', host, '/account');
    const setup = await b.request('POST', host, '/account/mfa/setup', { _csrf: csrfFrom(account.body), current_password: owner.password });
    const mfaSecret = /id="mfa-secret"[^>]*>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    const code = await generate({ secret: mfaSecret });
    const confirmed = await b.request('POST', host, '/account/mfa/confirm', { _csrf: csrfFrom(setup.body), code });
    secrets.push(mfaSecret, ...[...confirmed.body.matchAll(/<li>([A-Z2-9]{5}-[A-Z2-9]{5})<\/li>/g)].map((m) => m[1]!));

    // Password reset by link: the token travels in a query string.
    const reset = createBrowser(t);
    const forgot = await reset.request('GET', hostFor(null), '/forgot-password');
    await reset.request('POST', hostFor(null), '/forgot-password', { _csrf: csrfFrom(forgot.body), email: owner.email });
    let token = '';
    for (let i = 0; i < 50 && !token; i++) {
      const mail = (await t.deps.mailer.listOutbox(20)).find((m) => m.to === owner.email && /Reset/.test(m.subject));
      token = mail ? /token=([A-Za-z0-9]+)/.exec(mail.text)![1]! : '';
      if (!token) await sleep(20);
    }
    secrets.push(token);
    const form = await reset.request('GET', hostFor(null), `/reset-password?token=${token}`);
    await reset.request('POST', hostFor(null), '/reset-password', { _csrf: csrfFrom(form.body), token, password: 'second secret passphrase 9' });
    secrets.push('second secret passphrase 9');

    await sleep(50);
    const appLog = lines.join('');
    assert.ok(appLog.length > 1000 && /"url":"\/reset-password\?\[redacted\]"/.test(appLog), 'the access log did not run, or logged the query string');
    const auditLog = JSON.stringify(await t.deps.withOwnerDb((db) => db.select().from(auditEvents)));
    for (const secret of secrets.filter((s) => s && s.length >= 8)) {
      assert.ok(!appLog.includes(secret), `the application log holds a secret (${secret.slice(0, 4)}...)`);
      assert.ok(!auditLog.includes(secret), `the audit log holds a secret (${secret.slice(0, 4)}...)`);
    }
  });
});
