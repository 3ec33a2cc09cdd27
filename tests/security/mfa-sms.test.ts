/**
 * Sign-in codes by text message, over HTTP: adding a number needs the current password and a code
 * texted to it; an unconfirmed number is never a second factor; enrolment codes die after 5 wrong
 * tries; a sign-in code works once, only for its own sign-in, not after it expired, not after the
 * number was removed; wrong codes count against the challenge; sends are limited (429 + Retry-After);
 * bad numbers get 422 with a message; neither log holds a number or a code.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { auditEvents } from '../../src/modules/audit/audit.tables.js';
import { MFA_MAX_ATTEMPTS } from '../../src/modules/auth/mfa.js';
import { MAX_SMS_CODES, SMS_ENROL_MAX_ATTEMPTS, SMS_ENROL_SENDS_PER_HOUR, SMS_THROTTLE_RULES } from '../../src/modules/auth/mfa-sms.js';
import { captureLog, CookieJar, createTenantWithOwner, csrfFrom, hostFor, randomClientAddress, startTestApp, type TestApp } from '../support/test-app.js';

/** A UK mobile number of this test's own (valid for libphonenumber; the dev outbox never sends it). */
const newMobile = () => `+447400${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;

/**
 * A browser-like client at a given address (the per-address limits on texts are what some tests
 * exercise). It signs in from an address of its own, so the login form's own per-address limit stays out of the way.
 */
function browserAt(t: TestApp, remoteAddress = randomClientAddress()) {
  const jar = new CookieJar();
  const request = async (method: 'GET' | 'POST', host: string, url: string, form?: Record<string, string>, from = remoteAddress) => {
    const res = await t.app.inject({
      method,
      url,
      remoteAddress: from,
      headers: { host, cookie: jar.header(host), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    jar.store(host, res.headers['set-cookie'] as string | string[] | undefined);
    return res;
  };
  const login = async (subdomain: string, email: string, password: string) => {
    const from = randomClientAddress();
    const page = await request('GET', hostFor(subdomain), '/login', undefined, from);
    return request('POST', hostFor(subdomain), '/login', { _csrf: csrfFrom(page.body), email, password }, from);
  };
  return { request, login, remoteAddress };
}

function smsHelpers(t: TestApp) {
  const outbox = () => {
    assert.ok(t.deps.sms?.listOutbox, 'the dev SMS outbox is not configured');
    return t.deps.sms.listOutbox(500);
  };
  /** The code of the newest text to `phone` that was not there before (`seen`: ids already read). */
  const nextCode = async (phone: string, seen: Set<string>) => {
    for (let i = 0; i < 100; i++) {
      const message = (await outbox()).find((m) => m.to === phone && !seen.has(m.id));
      if (message) {
        seen.add(message.id);
        return /^(\d{6}) is your/.exec(message.body)![1]!;
      }
      await sleep(20);
    }
    throw new Error('no text message arrived');
  };
  const textsTo = async (phone: string) => (await outbox()).filter((m) => m.to === phone).length;
  return { nextCode, textsTo };
}

/** A workspace owner signed in on the workspace's host. */
async function signedInOwner(t: TestApp, address?: string) {
  const owner = await createTenantWithOwner(t);
  const host = hostFor(owner.tenant.subdomain);
  const b = browserAt(t, address);
  await b.login(owner.tenant.subdomain, owner.email, owner.password);
  const csrf = async () => csrfFrom((await b.request('GET', host, '/account')).body);
  return { owner, host, b, csrf };
}

describe('text-message codes', () => {
  let t: TestApp;
  let sms: ReturnType<typeof smsHelpers>;
  before(async () => {
    t = await startTestApp();
    sms = smsHelpers(t);
  });
  after(async () => t?.close());

  /** An owner with a confirmed phone number (and the backup codes shown when it was confirmed). */
  async function enrolled(address?: string) {
    const user = await signedInOwner(t, address);
    const phone = newMobile();
    const seen = new Set<string>();
    const start = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: phone, current_password: user.owner.password });
    assert.equal(start.statusCode, 303, start.body);
    const code = await sms.nextCode(phone, seen);
    const confirmPage = await user.b.request('GET', user.host, '/account/mfa/sms/confirm');
    const confirmed = await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: csrfFrom(confirmPage.body), code });
    assert.equal(confirmed.statusCode, 200);
    const backupCodes = [...confirmed.body.matchAll(/<li>([A-Z2-9]{5}-[A-Z2-9]{5})<\/li>/g)].map((m) => m[1]!);
    assert.equal(backupCodes.length, 10);
    return { ...user, phone, seen, backupCodes };
  }

  /** A fresh password sign-in of `owner`, stopped at the code step. */
  async function signIn(owner: { tenant: { subdomain: string }; email: string; password: string }, address?: string) {
    const b = browserAt(t, address);
    const host = hostFor(owner.tenant.subdomain);
    const login = await b.login(owner.tenant.subdomain, owner.email, owner.password);
    assert.match(String(login.headers.location), /^\/login\/mfa/);
    const page = await b.request('GET', host, '/login/mfa');
    const csrf = csrfFrom(page.body);
    return {
      b,
      page,
      askText: () => b.request('POST', host, '/login/mfa/sms', { _csrf: csrf, next: '/dashboard' }),
      give: (code: string) => b.request('POST', host, '/login/mfa', { _csrf: csrf, code, next: '/dashboard' }),
      dashboard: () => b.request('GET', host, '/dashboard'),
    };
  }

  async function addAuthenticatorApp(user: Awaited<ReturnType<typeof signedInOwner>>) {
    const setup = await user.b.request('POST', user.host, '/account/mfa/setup', { _csrf: await user.csrf(), current_password: user.owner.password });
    const secret = /id="mfa-secret"[^>]*>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    const confirmed = await user.b.request('POST', user.host, '/account/mfa/confirm', { _csrf: csrfFrom(setup.body), code: await generate({ secret }) });
    assert.ok([200, 303].includes(confirmed.statusCode), 'the app was not set up'); // 303: the backup codes stay
  }

  test('adding a number needs the current password and the code texted to it; it then is a second factor', async () => {
    const user = await signedInOwner(t);
    const phone = newMobile();
    const account = await user.b.request('GET', user.host, '/account');
    assert.match(account.body, /Text messages/);
    assert.match(account.body, /weaker than an authenticator app or a passkey/);

    const wrong = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: csrfFrom(account.body), phone_number: phone, current_password: 'not the password at all' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /not your current password/);
    const missing = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: csrfFrom(account.body), phone_number: phone });
    assert.equal(missing.statusCode, 422);
    assert.equal(await sms.textsTo(phone), 0, 'a text was sent without the password');
    assert.equal((await t.services.auth.mfa.status(user.owner.userId)).smsPendingPhone, null);

    const start = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: ` ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)} `, current_password: user.owner.password });
    assert.equal(start.statusCode, 303);
    assert.equal(start.headers.location, '/account/mfa/sms/confirm');
    const code = await sms.nextCode(phone, new Set());
    const confirmPage = await user.b.request('GET', user.host, '/account/mfa/sms/confirm');
    assert.equal(confirmPage.statusCode, 200);
    assert.match(confirmPage.body, new RegExp(`ending in ${phone.slice(-2)}`));
    assert.ok(!confirmPage.body.includes(phone.slice(3)), 'the confirm page shows more than the last two digits');

    // Another device signed in before: it is signed out when the number becomes a second factor.
    const other = browserAt(t);
    await other.login(user.owner.tenant.subdomain, user.owner.email, user.owner.password);
    assert.equal((await other.request('GET', user.host, '/dashboard')).statusCode, 200);

    const confirmed = await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: csrfFrom(confirmPage.body), code });
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Two-factor authentication is on/);
    const status = await t.services.auth.mfa.status(user.owner.userId);
    assert.equal(status.smsPhone, phone);
    assert.equal(status.backupCodesLeft, 10);
    assert.notEqual((await other.request('GET', user.host, '/dashboard')).statusCode, 200, 'the other session survived');

    const login = await signIn(user.owner);
    assert.match(login.page.body, /Text me a code/);
    assert.match(login.page.body, new RegExp(`ending in ${phone.slice(-2)}`));
  });

  test('an unconfirmed number is never offered or accepted at sign-in', async () => {
    const user = await signedInOwner(t);
    const phone = newMobile();
    const seen = new Set<string>();
    await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: phone, current_password: user.owner.password });
    const enrolmentCode = await sms.nextCode(phone, seen);
    assert.equal((await t.services.auth.mfa.status(user.owner.userId)).smsPendingPhone, phone);

    // Alone, it is no second factor: the password signs in.
    const plain = browserAt(t);
    const login = await plain.login(user.owner.tenant.subdomain, user.owner.email, user.owner.password);
    assert.equal(login.headers.location, '/dashboard');

    // With an authenticator app, the code step does not offer it, refuses to text it, and refuses its code.
    await addAuthenticatorApp(user);
    const s = await signIn(user.owner);
    assert.doesNotMatch(s.page.body, /Text me a code/);
    const ask = await s.askText();
    assert.equal(ask.statusCode, 409);
    assert.equal(await sms.textsTo(phone), 1, 'a sign-in code was texted to an unconfirmed number');
    assert.equal((await s.give(enrolmentCode)).statusCode, 422);
  });

  test('five wrong enrolment codes kill the code; the right one then fails', async () => {
    const user = await signedInOwner(t);
    const phone = newMobile();
    await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: phone, current_password: user.owner.password });
    const code = await sms.nextCode(phone, new Set());
    const csrf = csrfFrom((await user.b.request('GET', user.host, '/account/mfa/sms/confirm')).body);
    const wrongCode = code === '000000' ? '000001' : '000000';
    for (let i = 1; i <= SMS_ENROL_MAX_ATTEMPTS; i++) {
      const res = await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: csrf, code: wrongCode });
      assert.equal(res.statusCode, 422);
      if (i < SMS_ENROL_MAX_ATTEMPTS) assert.match(res.body, new RegExp(`${SMS_ENROL_MAX_ATTEMPTS - i} tr(y|ies) left`));
    }
    const late = await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: csrf, code });
    assert.equal(late.statusCode, 422);
    assert.match(late.body, /no longer works/);
    const status = await t.services.auth.mfa.status(user.owner.userId);
    assert.equal(status.smsPhone, null);
    assert.equal(status.backupCodesLeft, 0);
  });

  test('a sign-in code works once, and only for the sign-in that asked for it', async () => {
    const { owner, phone, seen } = await enrolled();
    const a = await signIn(owner);
    const sent = await a.askText();
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, new RegExp(`ending in ${phone.slice(-2)}`));
    const codeA = await sms.nextCode(phone, seen);

    const b = await signIn(owner);
    assert.equal((await b.give(codeA)).statusCode, 422, "another sign-in's code worked");
    assert.equal((await b.dashboard()).statusCode, 303);

    const ok = await a.give(codeA);
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/dashboard');
    assert.equal((await a.dashboard()).statusCode, 200);

    const c = await signIn(owner);
    assert.equal((await c.give(codeA)).statusCode, 422, 'a used code worked again');
    const audit = await t.deps.withOwnerDb((db) => db.select().from(auditEvents).where(sql`${auditEvents.actorUserId} = ${owner.userId} and ${auditEvents.action} = 'auth.mfa.verified'`));
    assert.ok(audit.some((e) => (e.details as Record<string, unknown>).method === 'sms_code'));
  });

  test('an expired code is refused', async () => {
    const { owner, phone, seen } = await enrolled();
    const s = await signIn(owner);
    assert.equal((await s.askText()).statusCode, 200);
    const code = await sms.nextCode(phone, seen);
    await t.deps.withOwnerDb((db) => db.execute(sql`update mfa_pending set sms_code_expires_at = now() - interval '1 minute' where user_id = ${owner.userId} and sms_code_hash is not null`));
    assert.equal((await s.give(code)).statusCode, 422);
    assert.equal((await s.dashboard()).statusCode, 303);
  });

  test('five wrong codes end the challenge, texted code or not', async () => {
    const { owner, phone, seen } = await enrolled();
    const s = await signIn(owner);
    assert.equal((await s.askText()).statusCode, 200);
    const code = await sms.nextCode(phone, seen);
    const wrongCode = code === '123456' ? '654321' : '123456';
    let last;
    for (let i = 0; i < MFA_MAX_ATTEMPTS; i++) last = await s.give(wrongCode);
    assert.equal(last!.statusCode, 303);
    assert.equal(last!.headers.location, '/login?mfa=too_many');
    const late = await s.give(code);
    assert.equal(late.statusCode, 303);
    assert.match(String(late.headers.location), /^\/login/);
    assert.equal((await s.dashboard()).statusCode, 303);
  });

  test('removing the number needs the password, and stops text-message sign-in', async () => {
    const user = await enrolled();
    await addAuthenticatorApp(user);
    const pending = await signIn(user.owner);
    assert.equal((await pending.askText()).statusCode, 200);
    const code = await sms.nextCode(user.phone, user.seen);

    const wrong = await user.b.request('POST', user.host, '/account/mfa/sms/remove', { _csrf: await user.csrf(), current_password: 'certainly wrong' });
    assert.equal(wrong.statusCode, 422);
    assert.equal((await t.services.auth.mfa.status(user.owner.userId)).smsPhone, user.phone);
    const removed = await user.b.request('POST', user.host, '/account/mfa/sms/remove', { _csrf: await user.csrf(), current_password: user.owner.password });
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, '/account?done=mfa-sms-off');
    const status = await t.services.auth.mfa.status(user.owner.userId);
    assert.equal(status.smsPhone, null);
    assert.ok(status.backupCodesLeft > 0, 'the backup codes went although the app is still there');

    assert.equal((await pending.give(code)).statusCode, 422, 'a code texted before the removal still worked');
    const s = await signIn(user.owner);
    assert.doesNotMatch(s.page.body, /Text me a code/);
    assert.equal((await s.askText()).statusCode, 409);
  });

  test('changing the number: the old one stops working at once, the new one only once confirmed', async () => {
    const user = await enrolled();
    const pending = await signIn(user.owner);
    assert.equal((await pending.askText()).statusCode, 200);
    const oldCode = await sms.nextCode(user.phone, user.seen);

    const manage = await user.b.request('GET', user.host, '/account/mfa/sms');
    assert.match(manage.body, /Change your phone number/);
    const next = newMobile();
    const wrong = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: csrfFrom(manage.body), phone_number: next, current_password: 'wrong wrong wrong' });
    assert.equal(wrong.statusCode, 422);
    assert.equal((await t.services.auth.mfa.status(user.owner.userId)).smsPhone, user.phone);
    const changed = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: csrfFrom(manage.body), phone_number: next, current_password: user.owner.password });
    assert.equal(changed.statusCode, 303);
    const between = await t.services.auth.mfa.status(user.owner.userId);
    assert.deepEqual([between.smsPhone, between.smsPendingPhone, between.backupCodesLeft], [null, next, 0]);
    assert.equal((await pending.give(oldCode)).statusCode, 422, 'a code texted to the old number still worked');

    const code = await sms.nextCode(next, new Set());
    const confirmed = await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: csrfFrom((await user.b.request('GET', user.host, '/account/mfa/sms/confirm')).body), code });
    assert.equal(confirmed.statusCode, 200, 'no new backup codes shown');
    assert.equal((await t.services.auth.mfa.status(user.owner.userId)).smsPhone, next);
    const s = await signIn(user.owner);
    assert.equal((await s.askText()).statusCode, 200);
    const newest = (await t.deps.sms!.listOutbox!(500)).find((m) => m.to === next)!;
    assert.match(newest.body, /sign-in code/);
  });

  test('removing the only factor turns MFA off and drops the backup codes', async () => {
    const user = await enrolled();
    const removed = await user.b.request('POST', user.host, '/account/mfa/sms/remove', { _csrf: await user.csrf(), current_password: user.owner.password });
    assert.equal(removed.headers.location, '/account?done=mfa-off');
    assert.equal((await t.services.auth.mfa.status(user.owner.userId)).backupCodesLeft, 0);
    const login = await browserAt(t).login(user.owner.tenant.subdomain, user.owner.email, user.owner.password);
    assert.equal(login.headers.location, '/dashboard');
  });

  test('invalid phone numbers get 422 with a message, and no text', async () => {
    const user = await signedInOwner(t);
    const cases: [string, RegExp][] = [
      ['', /Enter your mobile number/],
      ['call me maybe', /digits only/],
      ['7911 123456', /country code/],
      ['+44 7911', /too short|not a valid/],
      ['+44 7911 1234567890123', /too long|not a valid/],
      ['+33 1 23 45 67 89', /landline or a service number/],
      ['+44 20 7946 0000', /landline or a service number/],
      ['+1 415 555 2671 ext. 12', /extension/],
    ];
    for (const [typed, message] of cases) {
      const res = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: typed, current_password: user.owner.password });
      assert.equal(res.statusCode, 422, typed);
      assert.match(res.body, message, typed);
      assert.match(res.body, /id="mfa-sms-phone-error"/, typed);
    }
    const status = await t.services.auth.mfa.status(user.owner.userId);
    assert.equal(status.smsPendingPhone, null);
  });

  test('sends are limited per sign-in, per account and per address: 429 with Retry-After', async () => {
    // Per sign-in: MAX_SMS_CODES, then a clear refusal.
    const { owner, phone } = await enrolled();
    const first = await signIn(owner);
    const statuses = [];
    for (let i = 0; i <= MAX_SMS_CODES; i++) statuses.push((await first.askText()).statusCode);
    assert.deepEqual(statuses, [...Array(MAX_SMS_CODES).fill(200), 429]);

    // Per account, across sign-ins: the enrolment text and the sign-in texts count together.
    const perAccount = SMS_THROTTLE_RULES.account.points - 1;
    let sent = 1 + MAX_SMS_CODES;
    let refused;
    while (!refused) {
      const s = await signIn(owner);
      for (let i = 0; i < MAX_SMS_CODES && !refused; i++) {
        const res = await s.askText();
        if (res.statusCode === 429) refused = res;
        else {
          assert.equal(res.statusCode, 200);
          sent++;
        }
      }
      assert.ok(sent <= perAccount, 'more texts than the account limit');
    }
    assert.equal(sent, perAccount);
    assert.ok(Number(refused.headers['retry-after']) > 0, 'no Retry-After');
    assert.match(refused.body, /many text messages/);
    assert.equal(await t.deps.sms!.listOutbox!(500).then((all) => all.filter((m) => m.to === phone).length), perAccount);

    // Enrolment: SMS_ENROL_SENDS_PER_HOUR codes an hour, resends included.
    const user = await signedInOwner(t);
    const other = newMobile();
    assert.equal((await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: other, current_password: user.owner.password })).statusCode, 303);
    const csrf = csrfFrom((await user.b.request('GET', user.host, '/account/mfa/sms/confirm')).body);
    for (let i = 1; i < SMS_ENROL_SENDS_PER_HOUR; i++) assert.equal((await user.b.request('POST', user.host, '/account/mfa/sms/resend', { _csrf: csrf })).statusCode, 303);
    const tooMany = await user.b.request('POST', user.host, '/account/mfa/sms/resend', { _csrf: csrf });
    assert.equal(tooMany.statusCode, 429);
    assert.ok(Number(tooMany.headers['retry-after']) > 0);
    assert.match(tooMany.body, new RegExp(`already texted ${SMS_ENROL_SENDS_PER_HOUR} codes`));
    assert.equal(await sms.textsTo(other), SMS_ENROL_SENDS_PER_HOUR);
  });

  test('sends are limited per client address, across accounts', async () => {
    const address = randomClientAddress();
    const perAddress = SMS_THROTTLE_RULES.address.points - 1;
    let sent = 0;
    let refused;
    while (!refused) {
      const user = await signedInOwner(t, address);
      const start = await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: newMobile(), current_password: user.owner.password });
      if (start.statusCode === 429) {
        refused = start;
        break;
      }
      assert.equal(start.statusCode, 303);
      sent++;
      const csrf = csrfFrom((await user.b.request('GET', user.host, '/account/mfa/sms/confirm')).body);
      for (let i = 1; i < SMS_ENROL_SENDS_PER_HOUR && !refused; i++) {
        const res = await user.b.request('POST', user.host, '/account/mfa/sms/resend', { _csrf: csrf });
        if (res.statusCode === 429) refused = res;
        else sent++;
      }
      assert.ok(sent <= perAddress, 'more texts than the address limit');
    }
    assert.equal(sent, perAddress);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.match(refused.body, /from your network/);
    // Another address is not affected.
    const elsewhere = await signedInOwner(t);
    assert.equal((await elsewhere.b.request('POST', elsewhere.host, '/account/mfa/sms', { _csrf: await elsewhere.csrf(), phone_number: newMobile(), current_password: elsewhere.owner.password })).statusCode, 303);
  });
});

describe('text-message numbers and codes stay out of the logs', () => {
  let t: TestApp;
  const { stream, lines } = captureLog();
  before(async () => {
    t = await startTestApp({ LOG_LEVEL: 'trace', ACCESS_LOG: 'true' }, { logStream: stream });
  });
  after(async () => t?.close());

  test('neither the audit log nor the app log holds a number or a code', async () => {
    const { nextCode } = smsHelpers(t);
    const secrets: string[] = [];
    const user = await signedInOwner(t);
    const phone = newMobile();
    const seen = new Set<string>();
    const invalid = '+33 1 98 76 54 32';
    await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: invalid, current_password: user.owner.password });
    await user.b.request('POST', user.host, '/account/mfa/sms', { _csrf: await user.csrf(), phone_number: phone, current_password: user.owner.password });
    const enrolmentCode = await nextCode(phone, seen);
    const confirmCsrf = csrfFrom((await user.b.request('GET', user.host, '/account/mfa/sms/confirm')).body);
    await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: confirmCsrf, code: enrolmentCode === '000000' ? '999999' : '000000' });
    await user.b.request('POST', user.host, '/account/mfa/sms/confirm', { _csrf: confirmCsrf, code: enrolmentCode });

    const b = browserAt(t);
    const host = user.host;
    await b.login(user.owner.tenant.subdomain, user.owner.email, user.owner.password);
    const csrf = csrfFrom((await b.request('GET', host, '/login/mfa')).body);
    await b.request('POST', host, '/login/mfa/sms', { _csrf: csrf, next: '/dashboard' });
    const firstCode = await nextCode(phone, seen);
    await b.request('POST', host, '/login/mfa/sms', { _csrf: csrf, next: '/dashboard' });
    const secondCode = await nextCode(phone, seen);
    await b.request('POST', host, '/login/mfa', { _csrf: csrf, code: firstCode, next: '/dashboard' }); // replaced: wrong
    const ok = await b.request('POST', host, '/login/mfa', { _csrf: csrf, code: secondCode, next: '/dashboard' });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/dashboard');
    await user.b.request('POST', user.host, '/account/mfa/sms/remove', { _csrf: await user.csrf(), current_password: user.owner.password });
    secrets.push(phone, phone.slice(1), phone.slice(3), invalid, invalid.replace(/\D/g, '').slice(2), enrolmentCode, firstCode, secondCode);

    await sleep(50);
    const appLog = lines.join('');
    assert.match(appLog, /dev outbox/, 'the dev outbox did not log its line');
    const audit = await t.deps.withOwnerDb((db) => db.select().from(auditEvents).where(sql`${auditEvents.actorUserId} = ${user.owner.userId}`));
    const actions = audit.map((e) => e.action);
    for (const action of ['auth.mfa.sms_phone_added', 'auth.mfa.sms_phone_failed', 'auth.mfa.sms_phone_verified', 'auth.mfa.sms_code_sent', 'auth.mfa.sms_phone_removed']) {
      assert.ok(actions.includes(action), `no ${action} event`);
    }
    const added = audit.find((e) => e.action === 'auth.mfa.sms_phone_added')!;
    assert.equal((added.details as Record<string, unknown>).phone_last2, phone.slice(-2));
    const auditLog = JSON.stringify(audit);
    // Standing alone: a 6-digit code also turns up inside timestamps and ids by chance.
    const standalone = (secret: string) => new RegExp(`(?<![\\w.-])${secret.replace(/[+]/g, '\\+')}(?![\\w.-])`);
    for (const secret of secrets) {
      assert.doesNotMatch(appLog, standalone(secret), `the application log holds a number or code (${secret.slice(0, 3)}...)`);
      assert.doesNotMatch(auditLog, standalone(secret), `the audit log holds a number or code (${secret.slice(0, 3)}...)`);
    }
    // The numbers, wherever they are.
    for (const number of [phone, phone.slice(3), invalid, '198765432']) {
      assert.ok(!appLog.includes(number) && !auditLog.includes(number), `a number reached a log (${number.slice(0, 3)}...)`);
    }
  });
});
