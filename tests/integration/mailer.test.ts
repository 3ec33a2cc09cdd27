/** The mailer port's two adapters: the dev outbox (files under DATA_DIR/mail) and SMTP against a real SMTP server. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createDevOutbox } from '../../src/platform/mail/dev-outbox.js';
import { createSmtpMailer } from '../../src/platform/mail/smtp.js';

test('the dev outbox keeps messages as files, newest first', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
  const outbox = createDevOutbox({ dir, from: 'no-reply@localhost' });
  await outbox.send({ to: 'a@example.com', subject: 'First', html: '<p>1</p>', text: '1' });
  await new Promise((r) => setTimeout(r, 5));
  await outbox.send({ to: 'b@example.com', subject: 'Second', html: '<p>2</p>', text: '2' });
  const list = await outbox.listOutbox();
  assert.deepEqual(list.map((m) => m.subject), ['Second', 'First']);
  assert.equal(list[0]!.from, 'no-reply@localhost');
  assert.equal(fs.readdirSync(dir).length, 2);
});

test('the SMTP adapter delivers to a real SMTP server, with HTML and text parts', async () => {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'SaaS App <no-reply@example.com>' });
  try {
    const { id } = await mailer.send({ to: 'user@example.com', subject: 'Hello there', html: '<p>Hi <b>you</b></p>', text: 'Hi you' });
    assert.ok(id);
    assert.equal(received.length, 1);
    const message = received[0]!;
    assert.match(message, /^Subject: Hello there/m);
    assert.match(message, /^To: user@example\.com/m);
    assert.match(message, /^From: SaaS App <no-reply@example\.com>/m);
    assert.match(message, /Content-Type: text\/plain/);
    assert.match(message, /Content-Type: text\/html/);
  } finally {
    await mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('the SMTP adapter keeps a pool of connections, unless the URL says pool=false', async () => {
  let connections = 0;
  let delivered = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        delivered++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  const sendSix = async (url: string) => {
    const mailer = createSmtpMailer({ url, from: 'no-reply@example.com' });
    try {
      for (let i = 0; i < 6; i++) await mailer.send({ to: `user${i}@example.com`, subject: `Message ${i}`, html: '<p>Hi</p>', text: 'Hi' });
    } finally {
      await mailer.close();
    }
  };
  try {
    await sendSix(`smtp://127.0.0.1:${port}`);
    assert.equal(delivered, 6);
    assert.equal(connections, 1, 'six messages sent one after another share one pooled connection');

    connections = 0;
    await sendSix(`smtp://127.0.0.1:${port}?pool=false`);
    assert.equal(delivered, 12);
    assert.equal(connections, 6, 'pool=false: a connection per message');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
