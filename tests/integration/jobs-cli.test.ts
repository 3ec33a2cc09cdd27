/**
 * `saas-cli jobs` and `saas-cli worker` argument handling, run as child processes like an operator
 * would: bad arguments exit 2 with a message naming the valid values; on the embedded default the
 * commands say that jobs run inside the web process, and the failed set is the database's (a retry
 * runs the job in the CLI); with Redis they read the queues.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertUsageErrors, cliRunner } from '../support/cli.js';

const WITH_REDIS = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
let dataDir = '';

const cli = cliRunner({ dataDir: () => dataDir, shareStores: WITH_REDIS });

before(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-jobs-cli-'));
});
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('saas-cli jobs', () => {
  test('bad arguments exit 2 and name the valid values', () => {
    const cases: [string[], RegExp][] = [
      [['jobs', 'list', '--state', 'sleeping'], /Unknown state "sleeping"; choose from waiting, active, delayed, failed, completed/],
      [['jobs', 'failed', '--queue', 'mail'], /Unknown queue "mail"; choose from email, analytics, billing, webhooks, maintenance/],
      [['jobs', 'list', '--limit', '0'], /Expected a whole number from 1 to 1000/],
      [['jobs', 'retry'], /missing required argument 'id'/],
      [['jobs', 'retry-all'], /Give the queue: --queue <name>/],
      [['jobs', 'frobnicate'], /unknown command 'frobnicate'/],
      [['worker', '--queues', 'email,mail'], /Unknown queue "mail"; choose from email, analytics, billing, webhooks, maintenance/],
      [['worker', '--concurrency', '101'], /Expected a whole number from 1 to 100/],
    ];
    assertUsageErrors(cli, cases);
  });

  test('help lists the subcommands', () => {
    const r = cli('jobs', '--help');
    assert.equal(r.status, 0);
    for (const sub of ['stats', 'list', 'failed', 'retry', 'retry-all']) assert.match(r.stdout, new RegExp(`\\n\\s+${sub}\\b`));
  });

  test('embedded default: stats explains that jobs run in the web process; retry of an unknown id fails', { skip: WITH_REDIS ? 'REDIS_URL is set' : false }, () => {
    const stats = cli('jobs', 'stats');
    assert.equal(stats.status, 0, stats.stderr);
    assert.match(stats.stdout, /jobs run inside the web process/);
    assert.match(stats.stdout, /Outbox rows not yet queued: \d+/);
    const json = cli('jobs', 'stats', '--json');
    assert.equal(json.status, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { mode: string }).mode, 'embedded');
    const retry = cli('jobs', 'retry', '42');
    assert.equal(retry.status, 1);
    assert.match(retry.stderr, /No failed job has the id "42"/);
    const worker = cli('worker');
    assert.equal(worker.status, 0, worker.stderr);
  });

  test('embedded default: the failed set is kept in the database; retry runs the job here, once', { skip: WITH_REDIS ? 'REDIS_URL is set' : false }, async () => {
    assert.equal(cli('jobs', 'stats').status, 0); // creates the embedded database
    const none = cli('jobs', 'failed');
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /No failed jobs\./);

    // What the web process records when a job uses up its attempts (it holds the database while it
    // runs, so the rows are written here directly).
    const { openPglite } = await import('../../src/platform/db/pglite.js');
    const { jobFailures } = await import('../../src/modules/jobs/jobs.tables.js');
    const handle = await openPglite({ dir: dataDir });
    let rows: { id: string; job: string }[];
    try {
      rows = await handle.database.db
        .insert(jobFailures)
        .values([
          // A message that no longer exists: the job has nothing to do and finishes.
          { jobId: 'run-1', job: 'email.send', queue: 'email', payload: { messageId: '00000000-0000-4000-8000-000000000001' }, error: '421 mail server busy', attempts: 5 },
          { jobId: 'run-2', job: 'reports.old_job', queue: 'maintenance', payload: {}, error: 'gone', attempts: 3 },
        ])
        .returning({ id: jobFailures.id, job: jobFailures.job });
    } finally {
      await handle.database.close();
    }
    const sendFailure = rows.find((r) => r.job === 'email.send')!.id;
    const oldFailure = rows.find((r) => r.job === 'reports.old_job')!.id;

    const stats = cli('jobs', 'stats');
    assert.match(stats.stdout, /Failed jobs: 2/);
    const listed = cli('jobs', 'failed', '--queue', 'email');
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${sendFailure}.+email\\.send.+421 mail server busy`));
    assert.doesNotMatch(listed.stdout, /reports\.old_job/, 'filtered by queue');

    const retried = cli('jobs', 'retry', sendFailure);
    assert.equal(retried.status, 0, retried.stderr);
    assert.match(retried.stdout, /email\.send ran again and finished/);
    const again = cli('jobs', 'retry', sendFailure);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already retried/);
    const gone = cli('jobs', 'retry', oldFailure);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /no longer has: it cannot run again/);
    const unknown = cli('jobs', 'retry', '00000000-0000-4000-8000-00000000dead');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No failed job has the id/);
    const json = JSON.parse(cli('jobs', 'failed', '--json').stdout) as { id: string }[];
    assert.deepEqual(json.map((f) => f.id), [oldFailure]);
  });

  test('with Redis: stats per queue, and a retry of an unknown id fails clearly', { skip: WITH_REDIS ? false : 'needs REDIS_URL and DATABASE_URL' }, () => {
    const stats = cli('jobs', 'stats', '--json');
    assert.equal(stats.status, 0, stats.stderr);
    const body = JSON.parse(stats.stdout) as { mode: string; queues: { queue: string; failed: number }[]; outboxPending: number };
    assert.equal(body.mode, 'redis');
    assert.deepEqual(body.queues.map((q) => q.queue).sort(), ['analytics', 'billing', 'email', 'maintenance', 'webhooks']);
    assert.equal(typeof body.outboxPending, 'number');
    const table = cli('jobs', 'stats');
    assert.match(table.stdout, /Queue.+Waiting.+Active.+Delayed.+Failed.+Completed/);
    const retry = cli('jobs', 'retry', 'no-such-job-id');
    assert.equal(retry.status, 1);
    assert.match(retry.stderr, /No job has the id "no-such-job-id"/);
    const failed = cli('jobs', 'failed', '--queue', 'billing', '--json');
    assert.equal(failed.status, 0, failed.stderr);
    assert.ok(Array.isArray(JSON.parse(failed.stdout)));
  });
});
