/**
 * Delivery through the `email.send` job: sent once (even when the job runs twice, or twice at the
 * same moment) with a stable Message-ID, bodies cleared afterwards; a failing mail server is retried
 * and the message ends `failed` with the error; mail written in a transaction that rolls back never
 * leaves; and a process killed between the commit and the enqueue loses no mail.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { createEmailJobs, EMAIL_SEND_ATTEMPTS, EMAIL_SEND_JOB, renderEmail, type EmailSender } from '../../src/modules/email/index.js';
import { emailRepository } from '../../src/modules/email/email.repository.js';
import { emailMessages } from '../../src/modules/email/email.tables.js';
import { createOutbox } from '../../src/modules/jobs/index.js';
import { outboxMessages } from '../../src/modules/jobs/jobs.tables.js';
import { createTenantsService } from '../../src/modules/tenants/index.js';
import type { Mailer, MailMessage, SentMail } from '../../src/platform/mail/mailer.js';
import type { JobDefinition } from '../../src/platform/queue/queue.js';
import { startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  // These tests run the job themselves; the relay is started by the one test that needs it.
  t = await startTestApp({ OUTBOX_RELAY: 'false' });
});
after(async () => t?.close());

/** A mailer that records what it sends, or fails while `failing`. */
function recordingMailer(): Mailer & { sent: MailMessage[]; failing: boolean } {
  const mailer = {
    sent: [] as MailMessage[],
    failing: false,
    async send(message: MailMessage) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (mailer.failing) throw new Error('421 mail server busy');
      mailer.sent.push(message);
      return { id: `<provider-${mailer.sent.length}@smtp.example>` };
    },
    async listOutbox(): Promise<SentMail[]> {
      return [];
    },
    async close() {},
  };
  return mailer;
}

const sendJob = (mailer: Mailer) => createEmailJobs({ ...t.deps, mailer }).find((j) => j.name === EMAIL_SEND_JOB) as JobDefinition<{ messageId: string }>;

/** A stored message with no outbox row (so no relay anywhere sends it but these tests). */
async function storedMessage(to = `${uniqueName('to')}@example.com`) {
  const rendered = renderEmail('password-reset', { name: 'Ada', email: to, link: 'https://example.test/reset-password?token=secret123', validMinutes: 60 }, t.services.email.env);
  const id = await emailRepository.insert(t.deps.database.db, { toAddress: to, template: 'password-reset', subject: rendered.subject, html: rendered.html, textBody: rendered.text });
  return { id, to };
}

const messagesTo = (to: string) => t.deps.database.db.select().from(emailMessages).where(eq(emailMessages.toAddress, to));
const pendingOutboxFor = (messageId: string) =>
  t.deps.database.db.select().from(outboxMessages).where(sql`${outboxMessages.payload}->>'messageId' = ${messageId}`);

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the email.send job', () => {
  test('sends once with a Message-ID made from the message id, then marks it sent and clears its bodies', async () => {
    const mailer = recordingMailer();
    const job = sendJob(mailer);
    const { id, to } = await storedMessage();
    await job.handle(job.parse({ messageId: id }), { jobId: 'j1', attempt: 1 });
    await job.handle(job.parse({ messageId: id }), { jobId: 'j2', attempt: 1 });
    assert.equal(mailer.sent.length, 1, 'a second run sends nothing');
    const [mail] = mailer.sent;
    assert.equal(mail!.to, to);
    assert.equal(mail!.headers?.['Message-ID'], `<${id}@localhost>`);
    assert.match(mail!.text, /token=secret123/);
    const row = await t.services.email.findMessage(id);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.html, null, 'the HTML body (with its single-use link) is gone');
    assert.equal(row?.textBody, null);
    assert.equal(row?.providerMessageId, '<provider-1@smtp.example>');
    assert.ok(row?.sentAt);
  });

  test('two runs at the same moment send once (the first claims the row)', async () => {
    const mailer = recordingMailer();
    const job = sendJob(mailer);
    const { id } = await storedMessage();
    await Promise.all([1, 2, 3].map((n) => job.handle({ messageId: id }, { jobId: `c${n}`, attempt: 1 })));
    assert.equal(mailer.sent.length, 1);
    assert.equal((await t.services.email.findMessage(id))?.status, 'sent');
  });

  test('no lock or transaction is held while the mail server talks: other queries go on', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const sending = new Promise<void>((resolve) => (started = resolve));
    const slow: Mailer = {
      async send() {
        started();
        await gate;
        return { id: '<slow@smtp.example>' };
      },
      async listOutbox() {
        return [];
      },
      async close() {},
    };
    const job = sendJob(slow);
    const { id } = await storedMessage();
    const run = job.handle({ messageId: id }, { jobId: 'slow', attempt: 1 });
    await sending;
    // On the embedded database (one connection) a transaction held across the send would block these.
    const during = await Promise.race([
      (async () => {
        const row = await t.services.email.findMessage(id);
        await t.deps.database.transaction(async (tx) => tx.execute(sql`select 1`));
        return row?.status;
      })(),
      new Promise<string>((resolve) => setTimeout(() => resolve('blocked'), 3000)),
    ]);
    release();
    await run;
    assert.equal(during, 'sending', 'the message reads as being sent, and queries are not blocked');
    assert.equal((await t.services.email.findMessage(id))?.status, 'sent');
  });

  test('a run that died mid-send: the same job handed back sends it, another run waits until the claim is stale', async () => {
    const mailer = recordingMailer();
    const job = sendJob(mailer);
    const { id } = await storedMessage();
    // What a worker killed during the SMTP conversation leaves behind.
    assert.ok(await emailRepository.claimForSend(t.deps.database.db, id, 'crashed-run', 10));
    await job.handle({ messageId: id }, { jobId: 'other-run', attempt: 1 });
    assert.equal(mailer.sent.length, 0, 'a different run leaves a fresh claim alone');
    await job.handle({ messageId: id }, { jobId: 'crashed-run', attempt: 2 });
    assert.equal(mailer.sent.length, 1, 'the job handed back after the crash takes its own claim again');
    assert.equal((await t.services.email.findMessage(id))?.status, 'sent');

    // A claim older than the stale limit: email.requeue_stale lists it, and any run may take it over.
    const second = await storedMessage();
    assert.ok(await emailRepository.claimForSend(t.deps.database.db, second.id, 'crashed-run-2', 10));
    await t.deps.database.db.update(emailMessages).set({ claimedAt: sql`now() - interval '11 minutes'` }).where(eq(emailMessages.id, second.id));
    assert.ok((await emailRepository.listStale(t.deps.database.db, 10, 1000)).includes(second.id));
    await job.handle({ messageId: second.id }, { jobId: 'requeued-run', attempt: 1 });
    assert.equal(mailer.sent.length, 2);
    assert.equal((await t.services.email.findMessage(second.id))?.claimedBy, null, 'the claim is cleared once sent');
  });

  test('a failing mail server: each attempt is recorded and the job rethrows; the last attempt marks it failed', async () => {
    const mailer = recordingMailer();
    mailer.failing = true;
    const job = sendJob(mailer);
    const { id } = await storedMessage();
    await assert.rejects(job.handle({ messageId: id }, { jobId: 'f', attempt: 1 }), /mail server busy/);
    let row = await t.services.email.findMessage(id);
    assert.equal(row?.status, 'queued', 'still queued: the queue retries it');
    assert.equal(row?.attempts, 1);
    assert.equal(row?.lastError, '421 mail server busy');
    assert.ok(row?.html, 'the bodies stay until it is sent');
    for (let attempt = 2; attempt <= EMAIL_SEND_ATTEMPTS; attempt++) await assert.rejects(job.handle({ messageId: id }, { jobId: 'f', attempt }));
    row = await t.services.email.findMessage(id);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.attempts, EMAIL_SEND_ATTEMPTS);
    // Failed is final: a late duplicate of the job does not send it.
    mailer.failing = false;
    await job.handle({ messageId: id }, { jobId: 'late', attempt: 1 });
    assert.equal(mailer.sent.length, 0);
  });

  test('retries on the queue: the message is sent once the server answers again', async () => {
    const mailer = recordingMailer();
    mailer.failing = true;
    const job = { ...sendJob(mailer), backoffMs: 10 };
    const { createInProcessQueue } = await import('../../src/platform/queue/in-process-queue.js');
    const queue = createInProcessQueue(pino({ level: 'silent' }), [job as JobDefinition<unknown>]);
    const { id } = await storedMessage();
    await queue.enqueue(EMAIL_SEND_JOB, { messageId: id });
    await until('a failed attempt', async () => ((await t.services.email.findMessage(id))?.attempts ?? 0) >= 1);
    mailer.failing = false;
    await queue.drain();
    assert.equal(mailer.sent.length, 1);
    const row = await t.services.email.findMessage(id);
    assert.equal(row?.status, 'sent');
    assert.ok(row!.attempts >= 2);
    await queue.close();
  });

  test('a bad payload is refused before anything runs', () => {
    const job = sendJob(recordingMailer());
    assert.throws(() => job.parse({}), /messageId/);
    assert.throws(() => job.parse({ messageId: "1' or '1'='1" }), /messageId/);
  });
});

describe('mail in a transaction', () => {
  test('a transaction that rolls back leaves no message and no outbox row', async () => {
    const to = `${uniqueName('rb')}@example.com`;
    await assert.rejects(
      t.deps.database.transaction(async (tx) => {
        await t.services.email.sendTemplateEmail({ to, template: 'account-deleted', context: { name: 'Ada', email: to } }, tx);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal((await messagesTo(to)).length, 0);
  });

  test('a sign-up that fails after queueing its welcome email creates nothing and leaves no mail', async () => {
    // The same sign-up, with a mail service that queues the message and then fails: the whole transaction rolls back.
    const failing: EmailSender = {
      async sendTemplateEmail(input, tx) {
        await t.services.email.sendTemplateEmail(input, tx);
        throw new Error('failed after queueing');
      },
    };
    const tenants = createTenantsService(t.deps, t.services.auth, t.services.audit, failing, t.services.subscriptions);
    const email = `${uniqueName('rb')}@example.com`;
    const subdomain = uniqueName('rb');
    await assert.rejects(tenants.signUp({ companyName: 'Rolled back', subdomain, email, password: 'correct horse battery staple' }), /failed after queueing/);
    assert.equal(await t.services.tenants.getTenantBySubdomain(subdomain), null);
    assert.equal(await t.services.auth.users.findByEmail(email), null);
    assert.equal((await messagesTo(email)).length, 0);
  });

  test('an address the mail service would refuse is a field error on the sign-up, before anything is written', async () => {
    const email = `${uniqueName('q')}"x@example.com`;
    await assert.rejects(
      t.services.tenants.signUp({ companyName: 'Quoted', subdomain: uniqueName('q'), email, password: 'correct horse battery staple' }),
      (err: { status?: number; fields?: Record<string, string> }) => err.status === 422 && Boolean(err.fields?.email),
    );
  });

  test('a sign-up queues the welcome email with its outbox row in the same commit', async () => {
    const email = `${uniqueName('w')}@example.com`;
    const { tenant } = await t.services.tenants.signUp({ companyName: 'Welcome & Co', subdomain: uniqueName('w'), email, password: 'correct horse battery staple' });
    const [message] = await messagesTo(email);
    assert.equal(message?.template, 'welcome');
    assert.equal(message?.status, 'queued');
    assert.match(message!.html!, /Welcome &amp; Co/);
    assert.ok(message!.textBody!.includes(`http://${tenant.subdomain}.localhost:8000`));
    assert.equal((await pendingOutboxFor(message!.id)).length, 1);
  });
});

describe('the app killed between commit and enqueue', () => {
  test('the welcome email is still sent by the next relay', async () => {
    let email: string;
    if (process.env.DATABASE_URL) {
      // Another process commits the sign-up with its relay off and is killed at once.
      // Node itself (with tsx as its loader), not npx: the signal must reach the process that signed up.
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/signup-then-die.ts'], { env: { ...process.env, TEST_QUEUE_PREFIX: t.deps.queue.channel }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      assert.equal(signal, 'SIGKILL', 'the process was killed, not closed');
      ({ email } = JSON.parse(out.trim()) as { email: string });
    } else {
      // One embedded database cannot be shared by two processes: this app signs up with its relay
      // off and its web app closes without relaying; then a relay over the same database takes over.
      email = `${uniqueName('killed')}@example.com`;
      await t.services.tenants.signUp({ companyName: 'Killed', subdomain: uniqueName('killed'), email, password: 'correct horse battery staple' });
      await t.app.close();
    }
    const [message] = await messagesTo(email);
    assert.equal(message?.status, 'queued', 'committed, not sent');

    // The next process to start relays the outbox (on PostgreSQL any test app's relay may be first).
    const relay = createOutbox({ database: t.deps.database, queue: t.deps.queue, log: pino({ level: 'silent' }) }).start({ pollMs: 50 });
    try {
      const sent = await until('the welcome email', async () => (await t.deps.mailer.listOutbox(500)).find((m) => m.to === email));
      assert.match(sent.subject, /^Welcome to SaaS App/);
      const row = await until('the message marked sent', async () => ((await t.services.email.findMessage(message!.id))?.status === 'sent' ? true : null));
      assert.ok(row);
    } finally {
      await relay.stop();
    }
  });
});
