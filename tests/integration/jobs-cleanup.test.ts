/**
 * The hourly cleanup deletes exactly what has outlived its use (and nothing else, in every
 * workspace's scope), and running it again deletes nothing more. The in-process scheduler queues a
 * schedule's job at its times and skips a run while the previous one is still going.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import pino from 'pino';
import { refreshTokens, sessions, verifications } from '../../src/modules/auth/auth.tables.js';
import { emailMessages } from '../../src/modules/email/email.tables.js';
import { createCleanup } from '../../src/modules/jobs/index.js';
import { jobFailures, outboxMessages } from '../../src/modules/jobs/jobs.tables.js';
import { invitations, subdomainRedirects } from '../../src/modules/tenants/tenants.tables.js';
import { createInProcessQueue } from '../../src/platform/queue/in-process-queue.js';
import { defineJob, type JobDefinition } from '../../src/platform/queue/queue.js';
import { nextRun, startInProcessScheduler } from '../../src/platform/queue/schedules.js';
import { createTenantWithOwner, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const hex = () => crypto.randomBytes(16).toString('hex');

describe('maintenance.cleanup', () => {
  test('deletes expired and old rows, keeps the rest, in every workspace; a second run deletes nothing more', async () => {
    const { tenant, userId } = await createTenantWithOwner(t);
    const db = t.deps.database.db;
    const sessionRows = await db
      .insert(sessions)
      .values([
        { token: hex(), userId, expiresAt: daysAgo(1) },
        { token: hex(), userId, expiresAt: daysAgo(-1) },
      ])
      .returning({ id: sessions.id });
    const verificationRows = await db
      .insert(verifications)
      .values([
        { identifier: uniqueName('v'), value: hex(), expiresAt: daysAgo(1 / 24) },
        { identifier: uniqueName('v'), value: hex(), expiresAt: daysAgo(-1) },
      ])
      .returning({ id: verifications.id });
    const refreshRows = await db
      .insert(refreshTokens)
      .values([
        { familyId: crypto.randomUUID(), userId, sessionId: sessionRows[1]!.id, tokenHash: hex(), expiresAt: daysAgo(2) },
        { familyId: crypto.randomUUID(), userId, sessionId: sessionRows[1]!.id, tokenHash: hex(), expiresAt: daysAgo(-20) },
      ])
      .returning({ id: refreshTokens.id });
    const outboxRows = await db
      .insert(outboxMessages)
      .values([
        { job: 'maintenance.cleanup', payload: {}, dispatchedAt: daysAgo(8) },
        { job: 'maintenance.cleanup', payload: {}, dispatchedAt: daysAgo(1) },
        { job: 'maintenance.cleanup', payload: {}, createdAt: daysAgo(30), availableAt: daysAgo(-365) },
      ])
      .returning({ id: outboxMessages.id });
    const emailRows = await db
      .insert(emailMessages)
      .values([
        { toAddress: 'a@example.com', template: 'welcome', subject: 'Old', status: 'sent', sentAt: daysAgo(31) },
        { toAddress: 'a@example.com', template: 'welcome', subject: 'Recent', status: 'sent', sentAt: daysAgo(2) },
        { toAddress: 'a@example.com', template: 'welcome', subject: 'Failed', status: 'failed', createdAt: daysAgo(60) },
      ])
      .returning({ id: emailMessages.id });
    const failureRows = await db
      .insert(jobFailures)
      .values([
        { jobId: 'a', job: 'email.send', queue: 'email', payload: {}, error: 'x', attempts: 5, retriedAt: daysAgo(31) },
        { jobId: 'b', job: 'email.send', queue: 'email', payload: {}, error: 'x', attempts: 5, retriedAt: daysAgo(2) },
        { jobId: 'c', job: 'email.send', queue: 'email', payload: {}, error: 'x', attempts: 5, failedAt: daysAgo(90) },
      ])
      .returning({ id: jobFailures.id });
    const [oldRedirect, liveRedirect] = [uniqueName('old'), uniqueName('old')];
    const invitationRows = await t.deps.database.withTenant(tenant.id, async (tx) => {
      await tx.insert(subdomainRedirects).values([
        { subdomain: oldRedirect, expiresAt: daysAgo(1) },
        { subdomain: liveRedirect, expiresAt: daysAgo(-30) },
      ]);
      return tx
        .insert(invitations)
        .values([
          { email: 'gone@example.com', role: 'member', tokenHash: hex(), expiresAt: daysAgo(31) },
          { email: 'recent@example.com', role: 'member', tokenHash: hex(), expiresAt: daysAgo(10) },
        ])
        .returning({ id: invitations.id });
    });

    const cleanup = createCleanup({ database: t.deps.database, log: pino({ level: 'silent' }) });
    const counts = await cleanup.run();
    // At least this test's rows (other tests may add their own on a shared database).
    for (const [key, n] of Object.entries(counts)) assert.ok(n >= 1, `${key}: ${n}`);

    /** Which of `ids` are still in `table`. */
    const left = async (table: PgTable, column: PgColumn, ids: { id: string }[]): Promise<string[]> =>
      (await db.select({ id: column }).from(table).where(inArray(column, ids.map((r) => r.id)))).map((r) => String(r.id));
    assert.deepEqual(await left(sessions, sessions.id, sessionRows), [sessionRows[1]!.id]);
    assert.deepEqual(await left(verifications, verifications.id, verificationRows), [verificationRows[1]!.id]);
    assert.deepEqual(await left(refreshTokens, refreshTokens.id, refreshRows), [refreshRows[1]!.id]);
    assert.deepEqual((await left(outboxMessages, outboxMessages.id, outboxRows)).sort(), [outboxRows[1]!.id, outboxRows[2]!.id].sort());
    assert.deepEqual((await left(emailMessages, emailMessages.id, emailRows)).sort(), [emailRows[1]!.id, emailRows[2]!.id].sort());
    assert.deepEqual((await left(jobFailures, jobFailures.id, failureRows)).sort(), [failureRows[1]!.id, failureRows[2]!.id].sort(), 'open failures stay, however old');
    const scoped = await t.deps.database.withTenant(tenant.id, async (tx) => ({
      invitations: (await tx.select({ id: invitations.id }).from(invitations).where(inArray(invitations.id, invitationRows.map((r) => r.id)))).map((r) => r.id),
      redirects: (await tx.select({ subdomain: subdomainRedirects.subdomain }).from(subdomainRedirects).where(inArray(subdomainRedirects.subdomain, [oldRedirect, liveRedirect]))).map((r) => r.subdomain),
    }));
    assert.deepEqual(scoped.invitations, [invitationRows[1]!.id]);
    assert.deepEqual(scoped.redirects, [liveRedirect]);

    // Again: what is left is not due, so nothing of this test's rows goes.
    await cleanup.run();
    assert.deepEqual(await left(sessions, sessions.id, sessionRows), [sessionRows[1]!.id]);
    const [{ n }] = (await t.deps.database.withTenant(tenant.id, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(invitations))) as [{ n: number }];
    assert.equal(n, 1);
  });

  test('the job is registered on the maintenance queue', () => {
    const job = t.deps.queue.definitions().find((d) => d.name === 'maintenance.cleanup');
    assert.equal(job?.queue, 'maintenance');
    assert.throws(() => job!.parse('nope'));
  });
});

describe('in-process scheduler', () => {
  test('cron times are UTC', () => {
    assert.equal(nextRun('5 0 * * *', new Date('2026-03-10T23:59:00Z')).toISOString(), '2026-03-11T00:05:00.000Z');
    assert.equal(nextRun('15 * * * *', new Date('2026-03-10T10:15:00Z')).toISOString(), '2026-03-10T11:15:00.000Z');
  });

  test('queues the job at its times and skips a run while the previous one is still running', { timeout: 15_000 }, async () => {
    const queue = createInProcessQueue(pino({ level: 'silent' }));
    let starts = 0;
    let release: () => void = () => {};
    const job = defineJob<Record<string, never>>({
      name: 'test.tick',
      queue: 'maintenance',
      parse: () => ({}),
      async handle() {
        starts++;
        await new Promise<void>((r) => (release = r));
      },
    }) as JobDefinition<unknown>;
    queue.register([job]);
    const log = pino({ level: 'silent' });
    const scheduler = startInProcessScheduler({
      queue,
      log,
      schedules: [
        { id: 'tick', pattern: '* * * * * *', job: 'test.tick', payload: {}, description: 'every second' },
        { id: 'unknown', pattern: '* * * * * *', job: 'test.not_registered', payload: {}, description: 'skipped' },
      ],
    });
    try {
      assert.deepEqual(scheduler.upcoming().map((u) => u.schedule.id), ['tick']);
      const until = async (fn: () => boolean) => {
        for (let i = 0; i < 50 && !fn(); i++) await new Promise((r) => setTimeout(r, 100));
      };
      await until(() => starts === 1);
      assert.equal(starts, 1);
      await new Promise((r) => setTimeout(r, 2500)); // two or three more ticks while the first run holds
      assert.equal(starts, 1);
      release();
      await until(() => starts === 2);
      assert.equal(starts, 2);
    } finally {
      scheduler.stop();
      release();
      await queue.close();
    }
  });
});
