/**
 * `saas-cli email` as an operator runs it: subscribe someone, send a campaign with `--yes`, follow it
 * to the end, list and read its status; wrong arguments exit 2 with a message. On the embedded
 * default the CLI process itself sends (jobs run in-process); with Redis a worker started here
 * (`saas-cli worker --queues email`) does. Either way the message lands in the dev outbox
 * (DATA_DIR/mail) with the RFC 8058 headers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertUsageErrors, cliEnv, cliRunner, ROOT } from '../support/cli.js';

const WITH_REDIS = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
const SHARED_DATABASE = Boolean(process.env.DATABASE_URL);
const RUN = crypto.randomBytes(4).toString('hex');
let dataDir = '';
let worker: ChildProcess | null = null;

const cli = cliRunner({ dataDir: () => dataDir, shareStores: SHARED_DATABASE, timeoutMs: 90_000 });

interface OutboxMail {
  to: string;
  subject: string;
  headers?: Record<string, string>;
}

function mailTo(address: string): OutboxMail[] {
  const dir = path.join(dataDir, 'mail');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as OutboxMail)
    .filter((m) => m.to === address);
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-email-cli-'));
  if (WITH_REDIS) {
    const log = fs.openSync(path.join(dataDir, 'worker.log'), 'a');
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker', '--queues', 'email'], { cwd: ROOT, env: { ...cliEnv(dataDir, SHARED_DATABASE), LOG_LEVEL: 'warn' }, stdio: ['ignore', log, log] });
  }
});
after(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (worker.exitCode === null) worker.kill('SIGKILL');
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('saas-cli email', () => {
  const owner = `news-${RUN}@example.com`;
  const body = () => {
    const file = path.join(dataDir, 'news.txt');
    fs.writeFileSync(file, 'Reports are here.\nBuild them from your data.\n\nShare them with your team.\n');
    return file;
  };

  test('wrong arguments exit 2 with a message, never a stack trace', () => {
    const file = body();
    const cases: [string[], RegExp][] = [
      [['email', 'campaign', 'send', '--subject', 'S', '--headline', 'H', '--body', file, '--audience', 'everyone'], /Expected all, owners or plan:<plan id>/],
      [['email', 'campaign', 'send', '--subject', 'S', '--headline', 'H', '--body', file, '--audience', 'all', '--cta-url', 'http://example.com'], /Expected an https:\/\/ link/],
      [['email', 'campaign', 'send', '--subject', 'S', '--headline', 'H', '--body', file, '--audience', 'all', '--cta-url', 'https://example.com'], /Give both --cta-label and --cta-url/],
      [['email', 'campaign', 'send', '--subject', 'S', '--headline', 'H', '--body', path.join(dataDir, 'missing.txt'), '--audience', 'all'], /Cannot read .*missing\.txt/],
      [['email', 'campaign', 'send', '--headline', 'H', '--body', file, '--audience', 'all'], /required option '--subject <text>' not specified/],
      [['email', 'subscribe', 'not-an-email'], /email/i],
    ];
    assertUsageErrors(cli, cases);
  });

  test('subscribe, then campaign send --yes reaches the person with one-click unsubscribe; list and status show it sent', () => {
    const created = cli('tenants', 'create', 'News Co', `news-${RUN}`, '--owner-email', owner);
    assert.equal(created.status, 0, created.stderr);
    const unknown = cli('email', 'subscribe', `nobody-${RUN}@example.com`);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No user has the email/);

    const subscribed = cli('email', 'subscribe', owner);
    assert.equal(subscribed.status, 0, subscribed.stderr);
    assert.match(subscribed.stdout, /now subscribed to product news/);
    assert.match(cli('email', 'subscribe', owner).stdout, /Nothing changed/);

    // Not a terminal and no --yes: nothing is sent.
    const unconfirmed = cli('email', 'campaign', 'send', '--subject', `Unconfirmed ${RUN}`, '--headline', 'H', '--body', body(), '--audience', 'owners');
    assert.equal(unconfirmed.status, 2);
    assert.match(unconfirmed.stderr, /Not sent: add --yes/);

    const subject = `Reports ${RUN}`;
    const sent = cli('email', 'campaign', 'send', '--subject', subject, '--headline', 'Reports are here', '--body', body(), '--audience', 'owners', '--cta-label', 'Try it', '--cta-url', 'https://example.com/reports', '--yes', '--json');
    assert.equal(sent.status, 0, `${sent.stderr}${worker ? `\nworker log:\n${fs.readFileSync(path.join(dataDir, 'worker.log'), 'utf8')}` : ''}`);
    const progress = JSON.parse(sent.stdout) as { id: string; status: string; audience: number; delivered: number; skipped: number; failed: number };
    assert.equal(progress.status, 'sent');
    assert.ok(progress.audience >= 1);
    // Everyone in the audience was handed to the mail server (other opted-in owners may share the database).
    assert.equal(progress.delivered + progress.skipped, progress.audience);
    assert.equal(progress.failed, 0);

    const mails = mailTo(owner).filter((m) => m.subject === subject);
    assert.equal(mails.length, 1, 'the person got it once');
    assert.match(mails[0]!.headers?.['List-Unsubscribe'] ?? '', /^<https?:\/\/[^>]+\/email\/unsubscribe\?[^>]+>$/);
    assert.equal(mails[0]!.headers?.['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');

    const listed = JSON.parse(cli('email', 'campaign', 'list', '--json').stdout) as { id: string; subject: string; status: string }[];
    assert.equal(listed.find((c) => c.id === progress.id)?.status, 'sent');
    const status = cli('email', 'campaign', 'status', progress.id);
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /Status\s+sent/);
    const missing = cli('email', 'campaign', 'status', crypto.randomUUID());
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No campaign has the id/);

    // Unsubscribed people are left out of the next campaign.
    assert.equal(cli('email', 'unsubscribe', owner).status, 0);
    const next = cli('email', 'campaign', 'send', '--subject', `After ${RUN}`, '--headline', 'H', '--body', body(), '--audience', 'owners', '--yes', '--json');
    if (next.status === 0) assert.equal(mailTo(owner).filter((m) => m.subject === `After ${RUN}`).length, 0);
    else assert.match(next.stderr, /Nobody to send to/);
  });
});
