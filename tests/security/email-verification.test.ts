/**
 * Email confirmation: sign-up mails a link built from PUBLIC_URL; the link confirms the address (and
 * shows on the account page); tampered or foreign links are refused; resending is throttled. Changing
 * the address needs the password, confirms the new one by link, tells the old one, and works once.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { ACCOUNT_THROTTLE_RULES } from '../../src/modules/auth/index.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

describe('email confirmation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://app.example.test' });
  });
  after(async () => t?.close());

  async function signUp() {
    const b = createBrowser(t);
    const subdomain = uniqueName('co');
    const email = `${uniqueName('owner')}@example.com`;
    const page = await b.request('GET', hostFor(null), '/signup');
    const res = await b.request('POST', hostFor(null), '/signup', { _csrf: csrfFrom(page.body), company_name: 'Verify Co', subdomain, email, password: 'correct horse battery staple' });
    assert.equal(res.statusCode, 201);
    const login = await b.login(subdomain, email, 'correct horse battery staple');
    assert.equal(login.statusCode, 303);
    return { b, subdomain, email };
  }

  async function linkFor(email: string): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const mail = (await t.deps.mailer.listOutbox(50)).find((m) => m.to === email && /Confirm your email/.test(m.subject));
      if (mail) return /https:\/\/app\.example\.test\/verify-email\?token=[A-Za-z0-9._-]+/.exec(mail.text)![0];
      await sleep(20);
    }
    throw new Error(`no confirmation email for ${email}`);
  }

  test('sign-up mails a link that confirms the address; the account page shows it', async () => {
    const { b, subdomain, email } = await signUp();
    const before = await b.request('GET', hostFor(subdomain), '/account');
    assert.match(before.body, /Not confirmed/);
    const link = await linkFor(email);
    const url = new URL(link);
    const opened = await createBrowser(t).request('GET', hostFor(null), `${url.pathname}${url.search}`);
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /is confirmed/);
    const after = await b.request('GET', hostFor(subdomain), '/account');
    assert.match(after.body, />Confirmed</);
    assert.doesNotMatch(after.body, /Send the link again/);
  });

  test('tampered, foreign-key and empty links are refused', async () => {
    const { email } = await signUp();
    const token = new URL(await linkFor(email)).searchParams.get('token')!;
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const other = `${h}.${Buffer.from(JSON.stringify({ ...payload, email: 'someone@example.com' })).toString('base64url')}.${s}`;
    const foreign = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('not-the-secret-0123456789-0123456789'));
    for (const bad of [other, foreign, 'garbage', '']) {
      const res = await createBrowser(t).request('GET', hostFor(null), `/verify-email?token=${encodeURIComponent(bad)}`);
      assert.equal(res.statusCode, 400, bad.slice(0, 30));
      assert.match(res.body, /no longer works/);
    }
  });

  test(`"send the link again" works ${ACCOUNT_THROTTLE_RULES.verificationEmails.points - 1} times an hour`, async () => {
    const { b, subdomain } = await signUp();
    const statuses = [];
    for (let i = 0; i <= ACCOUNT_THROTTLE_RULES.verificationEmails.points; i++) {
      const csrf = csrfFrom((await b.request('GET', hostFor(subdomain), '/account')).body);
      statuses.push((await b.request('POST', hostFor(subdomain), '/account/verify-email', { _csrf: csrf })).statusCode);
    }
    assert.deepEqual(statuses, [...Array(ACCOUNT_THROTTLE_RULES.verificationEmails.points - 1).fill(303), 429, 429]);
  });
});

describe('change of email address', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://app.example.test' });
  });
  after(async () => t?.close());

  async function mailTo(address: string, subject: RegExp) {
    for (let i = 0; i < 50; i++) {
      const mail = (await t.deps.mailer.listOutbox(100)).find((m) => m.to === address && subject.test(m.subject));
      if (mail) return mail;
      await sleep(20);
    }
    return null;
  }

  test('needs the current password; mails a link to the new address and notices to the old; the link works once', async () => {
    const owner = await createTenantWithOwner(t);
    const b = createBrowser(t);
    assert.equal((await b.login(owner.tenant.subdomain, owner.email, owner.password)).statusCode, 303);
    const host = hostFor(owner.tenant.subdomain);
    const post = async (form: Record<string, string>) => b.request('POST', host, '/account/email', { _csrf: csrfFrom((await b.request('GET', host, '/account')).body), ...form });
    const newEmail = `${uniqueName('moved')}@example.com`;

    const wrong = await post({ new_email: newEmail, current_password: 'not my password' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /not your current password/);

    const ok = await post({ new_email: newEmail, current_password: owner.password });
    assert.equal(ok.statusCode, 303);
    const confirm = await mailTo(newEmail, /Confirm your new email/);
    assert.ok(confirm, 'no confirmation mail to the new address');
    assert.ok(await mailTo(owner.email, /change of email address was asked/), 'no notice to the old address');
    const link = new URL(/https:\/\/app\.example\.test\/confirm-email-change\?token=\S+/.exec(confirm.text)![0]);

    const opened = await createBrowser(t).request('GET', hostFor(null), `${link.pathname}${link.search}`);
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /now uses/);
    assert.ok(await mailTo(owner.email, /email address was changed/), 'no notice of the change to the old address');
    assert.ok(await loginForToken(t, newEmail, owner.password));
    await assert.rejects(loginForToken(t, owner.email, owner.password), /401/);
    const again = await createBrowser(t).request('GET', hostFor(null), `${link.pathname}${link.search}`);
    assert.equal(again.statusCode, 400, 'the link worked twice');
    const [h, p, sig] = link.searchParams.get('token')!.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, to: 'attacker@example.com' })).toString('base64url')}.${sig}`;
    for (const bad of [forged, 'garbage', '']) {
      const res = await createBrowser(t).request('GET', hostFor(null), `/confirm-email-change?token=${encodeURIComponent(bad)}`);
      assert.equal(res.statusCode, 400, bad.slice(0, 20));
    }
  });

  test('an address another account uses gets the same answer, and no mail', async () => {
    const owner = await createTenantWithOwner(t);
    const other = await createTenantWithOwner(t);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const host = hostFor(owner.tenant.subdomain);
    const res = await b.request('POST', host, '/account/email', { _csrf: csrfFrom((await b.request('GET', host, '/account')).body), new_email: other.email, current_password: owner.password });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/account?done=email-sent');
    await sleep(100);
    assert.equal(await mailTo(other.email, /Confirm your new email/), null);
  });
});
