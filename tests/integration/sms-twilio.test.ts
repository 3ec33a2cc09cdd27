/**
 * The SMS port's Twilio adapter against a local HTTP server standing in for Twilio's REST API (on a
 * free port, TWILIO_API_URL pointed at it): the path, Basic auth and form fields it sends; Twilio's
 * error answers surfacing as clear errors; the auth token never in an error or the logs. Then the
 * whole enrolment over HTTP with the app configured for Twilio, and the dev outbox's files.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { createDevSmsOutbox } from '../../src/platform/sms/dev-outbox.js';
import { SmsError } from '../../src/platform/sms/sms.js';
import { createTwilioSender } from '../../src/platform/sms/twilio.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, type TestApp } from '../support/test-app.js';

const ACCOUNT_SID = `AC${crypto.randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = `tok_${crypto.randomBytes(16).toString('hex')}`;
const MESSAGING_SERVICE_SID = `MG${crypto.randomBytes(16).toString('hex')}`;
const FROM = '+14155550100';

/** The SmsError a send rejects with (a send that resolves fails the test). */
async function rejection(send: Promise<unknown>): Promise<SmsError> {
  try {
    await send;
  } catch (err) {
    assert.ok(err instanceof SmsError, `not an SmsError: ${String(err)}`);
    return err;
  }
  return assert.fail('the send resolved');
}

interface Received {
  method: string;
  path: string;
  authorization: string;
  contentType: string;
  form: URLSearchParams;
}

/** Twilio, as far as sending a message goes. Numbers in `refuse` get Twilio's 21211; `slow` never answers. */
async function startFakeTwilio() {
  const received: Received[] = [];
  const refuse = new Set<string>();
  const slow = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      received.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization ?? '', contentType: req.headers['content-type'] ?? '', form });
      const to = form.get('To') ?? '';
      if (slow.has(to)) return; // never answers: the client's timeout must end it
      const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== expectedAuth) {
        res.writeHead(401).end(JSON.stringify({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }));
      } else if (refuse.has(to)) {
        // Twilio's answer quotes the number: the adapter must not pass it on.
        res.writeHead(400).end(JSON.stringify({ code: 21211, message: `Invalid 'To' Phone Number: ${to}`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }));
      } else if (to === '+15005550009') {
        res.writeHead(503, { 'content-type': 'text/html' }).end('<html>upstream unavailable</html>');
      } else {
        res.writeHead(201).end(JSON.stringify({ sid: `SM${crypto.randomBytes(16).toString('hex')}`, status: 'queued', to, body: form.get('Body') }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refuse,
    slow,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Twilio adapter', () => {
  let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
  before(async () => {
    twilio = await startFakeTwilio();
  });
  after(async () => twilio?.close());

  test("posts the message to the account's Messages resource with Basic auth and form fields", async () => {
    const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: null, apiUrl: `${twilio.url}/` });
    const { id } = await sender.send({ to: '+447400123456', body: '123456 is your code.' });
    assert.match(id, /^SM[0-9a-f]{32}$/);
    const request = twilio.received.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    assert.equal(request.authorization, `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    assert.equal(request.contentType, 'application/x-www-form-urlencoded');
    assert.equal(request.form.get('To'), '+447400123456');
    assert.equal(request.form.get('From'), FROM);
    assert.equal(request.form.get('Body'), '123456 is your code.');
    assert.equal(request.form.get('MessagingServiceSid'), null);
  });

  test('sends MessagingServiceSid instead of From when a messaging service is configured', async () => {
    const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: MESSAGING_SERVICE_SID, apiUrl: twilio.url });
    await sender.send({ to: '+447400123457', body: 'hello' });
    const request = twilio.received.at(-1)!;
    assert.equal(request.form.get('MessagingServiceSid'), MESSAGING_SERVICE_SID);
    assert.equal(request.form.get('From'), null);
  });

  test("an error answer surfaces with Twilio's code, message and status; no token, no number", async () => {
    const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: null, apiUrl: twilio.url });
    twilio.refuse.add('+447400999888');
    const err = await rejection(sender.send({ to: '+447400999888', body: 'x' }));
    assert.match(err.message, /HTTP 400/);
    assert.match(err.message, /21211/);
    assert.match(err.message, /Invalid 'To' Phone Number/);
    assert.deepEqual({ status: err.details.status, providerCode: err.details.providerCode, retryable: err.details.retryable }, { status: 400, providerCode: 21211, retryable: false });
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${JSON.stringify(err.details)}`;
    assert.ok(!everything.includes(AUTH_TOKEN), 'the auth token is in the error');
    assert.ok(!everything.includes('7400999888'), 'the number is in the error');

    // Wrong credentials: Twilio's 20003, still without the token.
    const wrong = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: 'not-the-token-0123456789', from: FROM, messagingServiceSid: null, apiUrl: twilio.url });
    const denied = await rejection(wrong.send({ to: '+447400123458', body: 'x' }));
    assert.match(denied.message, /HTTP 401, error 20003/);
    assert.ok(!`${denied.message} ${denied.stack}`.includes('not-the-token-0123456789'));

    // Not JSON (a proxy's page): the status alone, marked retryable.
    const unavailable = await rejection(sender.send({ to: '+15005550009', body: 'x' }));
    assert.match(unavailable.message, /HTTP 503/);
    assert.equal(unavailable.details.retryable, true);
  });

  test('gives up after its timeout, and an unreachable API is a clear error too', async () => {
    twilio.slow.add('+447400777666');
    const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: null, apiUrl: twilio.url, timeoutMs: 300 });
    const started = Date.now();
    const late = await rejection(sender.send({ to: '+447400777666', body: 'x' }));
    assert.match(late.message, /did not answer within 0.3 s/);
    assert.ok(Date.now() - started < 5000);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: null, apiUrl: `http://127.0.0.1:${port}` });
    const unreachable = await rejection(gone.send({ to: '+447400123459', body: 'x' }));
    assert.match(unreachable.message, /could not be reached/);
    assert.ok(!unreachable.message.includes(AUTH_TOKEN));
  });

  test('configuration: checked together, the token never echoed, the dev outbox refused in production', () => {
    const base = { NODE_ENV: 'test', SECRET_KEY: 'x'.repeat(40) };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
      }
    };
    assert.deepEqual(loadConfig(base).sms, { provider: 'dev' });
    assert.equal(loadConfig({ ...base, SMS_PROVIDER: 'off' }).sms, null);
    const twilioEnv = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: FROM };
    assert.deepEqual(loadConfig({ ...base, ...twilioEnv }).sms, { provider: 'twilio', accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: null, apiUrl: 'https://api.twilio.com' });

    const bad = problems({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_URL: 'http://twilio.example.com' });
    assert.equal(bad.length, 3, bad.join('\n'));
    assert.ok(bad.some((p) => p.startsWith('TWILIO_ACCOUNT_SID')));
    assert.ok(bad.some((p) => p.startsWith('TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID')));
    assert.ok(bad.some((p) => p.startsWith('TWILIO_API_URL: must be an https')));
    assert.ok(!bad.join(' ').includes(AUTH_TOKEN));
    assert.ok(problems({ SMS_PROVIDER: 'carrier-pigeon' })[0]!.startsWith('SMS_PROVIDER'));

    const production = { NODE_ENV: 'production', SECRET_KEY: 'y'.repeat(40), PUBLIC_URL: 'https://example.com', DATABASE_URL: 'postgres://u@db/x' };
    assert.equal(loadConfig(production).sms, null, 'text messages are on in production without a provider');
    assert.ok(problems({ ...production, SMS_PROVIDER: 'dev' }).some((p) => p.startsWith('SMS_PROVIDER')));
    assert.equal(loadConfig({ ...production, ...twilioEnv }).sms?.provider, 'twilio');
  });
});

describe('the dev outbox', () => {
  test('writes each text as a file, logs one line without the number or the text', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-outbox-'));
    const logged: object[] = [];
    const outbox = createDevSmsOutbox({ dir, log: { info: (obj, msg) => logged.push({ ...obj, msg }) } });
    await outbox.send({ to: '+447400111222', body: '111222 is your code' });
    await new Promise((r) => setTimeout(r, 5));
    await outbox.send({ to: '+447400333444', body: '333444 is your code' });
    const list = await outbox.listOutbox!();
    assert.deepEqual(list.map((m) => m.to), ['+447400333444', '+447400111222']);
    assert.equal(fs.readdirSync(dir).length, 2);
    assert.equal(logged.length, 2);
    const log = JSON.stringify(logged);
    assert.match(log, /dev outbox/);
    assert.ok(!/7400111222|7400333444|111222|333444/.test(log), 'the log line holds the number or the code');
  });
});

describe('the app with Twilio configured', () => {
  let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
  let t: TestApp;
  const lines: string[] = [];
  before(async () => {
    twilio = await startFakeTwilio();
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    t = await startTestApp(
      { SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: FROM, TWILIO_API_URL: twilio.url, LOG_LEVEL: 'trace', ACCESS_LOG: 'true' },
      { logStream: stream },
    );
  });
  after(async () => {
    await t?.close();
    await twilio?.close();
  });

  test('a number is confirmed with the code Twilio was asked to send; a refused text is a clear 502', async () => {
    assert.equal(t.deps.sms?.listOutbox, undefined, 'Twilio was not chosen');
    const owner = await createTenantWithOwner(t);
    const host = hostFor(owner.tenant.subdomain);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const csrf = async () => csrfFrom((await b.request('GET', host, '/account')).body);

    // Twilio refuses the number: the user is told plainly; the log has Twilio's code, not the token or the number.
    const refused = `+447400${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;
    twilio.refuse.add(refused);
    const failed = await b.request('POST', host, '/account/mfa/sms', { _csrf: await csrf(), phone_number: refused, current_password: owner.password });
    assert.equal(failed.statusCode, 502);
    assert.match(failed.body, /could not send the text message/);

    const phone = `+447400${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;
    const start = await b.request('POST', host, '/account/mfa/sms', { _csrf: await csrf(), phone_number: phone, current_password: owner.password });
    assert.equal(start.statusCode, 303);
    const sent = twilio.received.filter((r) => r.form.get('To') === phone);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    assert.equal(sent[0]!.form.get('From'), FROM);
    const body = sent[0]!.form.get('Body')!;
    const code = /^(\d{6}) is your SaaS App code/.exec(body)![1]!;
    assert.match(body, new RegExp(`@${owner.tenant.subdomain}\\.localhost #${code}$`), 'no origin-bound code line for the workspace host');
    const page = await b.request('GET', host, '/account/mfa/sms/confirm');
    const confirmed = await b.request('POST', host, '/account/mfa/sms/confirm', { _csrf: csrfFrom(page.body), code });
    assert.equal(confirmed.statusCode, 200);
    assert.equal((await t.services.auth.mfa.status(owner.userId)).smsPhone, phone);

    await new Promise((r) => setTimeout(r, 50));
    const appLog = lines.join('');
    assert.match(appLog, /21211/, "Twilio's error code was not logged");
    assert.ok(!appLog.includes(AUTH_TOKEN), 'the auth token reached the log');
    for (const number of [refused, phone]) assert.ok(!appLog.includes(number.slice(3)), 'a number reached the log');
    assert.doesNotMatch(appLog, new RegExp(`(?<![\\w.-])${code}(?![\\w.-])`), 'the code reached the log');
  });
});
