/**
 * Email over SMTP, end to end: the app configured with SMTP_URL queues a template through the
 * service; the relay and the `email.send` job deliver it to a real SMTP server started here. The
 * server gets one multipart/alternative message (text and HTML) with our Message-ID, To and Subject;
 * the adapter refuses anything that could add a header.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../src/platform/mail/smtp.js';
import { startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const received: Received[] = [];
let server: SMTPServer;
let port: number;
let t: TestApp;

before(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
  t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Acme Cloud <no-reply@acme.example>', APP_NAME: 'Acme Cloud' });
});
after(async () => {
  await t?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function receivedFor(address: string): Promise<Received> {
  for (let i = 0; i < 200; i++) {
    const found = received.find((r) => r.to.includes(address));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the SMTP server got nothing for ${address}`);
}

/** The headers of a MIME message (unfolded), before the first blank line. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

/** Decodes a quoted-printable body part. */
const decodeQp = (s: string) => Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

describe('email over SMTP', () => {
  test('a template goes through the service, the outbox and the job to the SMTP server as text + HTML', async () => {
    const to = `${uniqueName('smtp')}@example.com`;
    const messageId = await t.services.email.sendTemplateEmail({
      to,
      template: 'invitation',
      context: { email: to, inviterName: 'Mallory <script>\r\nBcc: eve@example.com', workspaceName: 'Acme & Co', roleName: 'Admin', link: 'https://acme.localhost/invitations/accept?token=abc', validDays: 7 },
    });
    const mail = await receivedFor(to);
    assert.deepEqual(mail.to, [to], 'one recipient: nothing was added');
    assert.equal(mail.from, 'no-reply@acme.example');
    const headers = headersOf(mail.raw);
    assert.equal(headers.get('message-id'), `<${messageId}@acme.example>`);
    assert.equal(headers.get('to'), to);
    assert.equal(headers.get('from'), 'Acme Cloud <no-reply@acme.example>');
    assert.equal(headers.get('subject'), 'Mallory <script> Bcc: eve@example.com invited you to Acme & Co on Acme Cloud');
    assert.equal(headers.has('bcc'), false);
    assert.match(headers.get('content-type') ?? '', /^multipart\/alternative; boundary=/);
    const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type')!)![1]!;
    const parts = mail.raw.split(`--${boundary}`).slice(1, -1);
    assert.equal(parts.length, 2);
    const [text, html] = parts.map((p) => ({ headers: headersOf(p.replace(/^\r?\n/, '')), body: decodeQp(p.replace(/^\r?\n/, '').split(/\r?\n\r?\n/).slice(1).join('\n\n')) }));
    assert.match(text!.headers.get('content-type')!, /^text\/plain; charset=utf-8/);
    assert.match(html!.headers.get('content-type')!, /^text\/html; charset=utf-8/);
    assert.match(text!.body, /invited you to join Acme & Co on Acme Cloud as Admin/);
    assert.match(text!.body, /https:\/\/acme\.localhost\/invitations\/accept\?token=abc/);
    assert.match(html!.body, /Acme &amp; Co/);
    assert.match(html!.body, /Mallory &lt;script&gt;/);
    assert.doesNotMatch(html!.body, /<script>/);

    // Sent, with what the server answered, and its bodies cleared.
    for (let i = 0; i < 100 && (await t.services.email.findMessage(messageId))?.status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 50));
    const row = await t.services.email.findMessage(messageId);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.providerMessageId, `<${messageId}@acme.example>`);
    assert.equal(row?.html, null);
  });

  test('/dev/mail says mail goes to the SMTP server', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dev/mail', headers: { host: 'localhost:8000' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Mail goes to the SMTP server/);
  });

  test('the adapter refuses a line break in the recipient, the subject or a header, and a From with one', async () => {
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@acme.example' });
    const before = received.length;
    try {
      const base = { to: 'ok@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' };
      await assert.rejects(mailer.send({ ...base, to: 'ok@example.com\r\nBcc: eve@example.com' }), /recipient/);
      await assert.rejects(mailer.send({ ...base, to: 'ok@example.com, eve@example.com' }), /recipient/);
      await assert.rejects(mailer.send({ ...base, subject: 'Hello\r\nBcc: eve@example.com' }), /subject/);
      await assert.rejects(mailer.send({ ...base, subject: 'Hello\nBcc: eve@example.com' }), /subject/);
      await assert.rejects(mailer.send({ ...base, headers: { 'X-Tag': 'a\r\nBcc: eve@example.com' } }), /header/);
      await assert.rejects(mailer.send({ ...base, headers: { 'Bcc: eve@example.com\r\nX': 'a' } }), /header/);
      const badFrom = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'Eve\r\nBcc: eve@example.com <no-reply@acme.example>' });
      await assert.rejects(badFrom.send(base), /From/);
      await badFrom.close();
      assert.equal(received.length, before, 'nothing reached the server');
    } finally {
      await mailer.close();
    }
  });

  test('MAIL_FROM and APP_NAME must be one line', async () => {
    const { loadConfig } = await import('../../src/platform/config.js');
    const base = { NODE_ENV: 'test', SECRET_KEY: 'test-secret-key-0123456789abcdef-0123456789', APP_BASE_DOMAIN: 'localhost' };
    assert.throws(() => loadConfig({ ...base, MAIL_FROM: 'Eve\nBcc: x@example.com <a@example.com>' }), /MAIL_FROM/);
    assert.throws(() => loadConfig({ ...base, MAIL_FROM: 'not an address' }), /MAIL_FROM/);
    assert.throws(() => loadConfig({ ...base, APP_NAME: 'Acme\r\nCloud' }), /APP_NAME/);
    assert.equal(loadConfig({ ...base, MAIL_FROM: 'Acme Cloud <no-reply@acme.example>' }).mailFrom, 'Acme Cloud <no-reply@acme.example>');
  });
});
