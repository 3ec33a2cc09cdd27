/**
 * `maintenance.cleanup` (hourly): deletes what has outlived its use. Expired sessions, verification
 * and reset tokens and refresh tokens; invitations expired more than 30 days ago and expired
 * subdomain redirects (tenant-owned: deleted inside each workspace's scope); outbox rows dispatched
 * more than 7 days ago; emails sent more than 30 days ago. Each delete goes in bounded batches, so a
 * large backlog is worked off over several runs without long locks. Safe to run twice: it only
 * deletes rows that match the conditions when it runs.
 */
import { and, asc, eq, gt, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Database, Db } from '../../platform/db/database.js';
import { defineJob, type JobDefinition } from '../../platform/queue/queue.js';
import { refreshTokens, sessions, verifications } from '../auth/auth.tables.js';
import { emailMessages } from '../email/email.tables.js';
import { invitations, subdomainRedirects, tenants } from '../tenants/tenants.tables.js';
import { jobFailures, outboxMessages } from './jobs.tables.js';

export const CLEANUP_JOB = 'maintenance.cleanup';

/** Rows one statement deletes, and statements per table and run (so one run deletes at most BATCH * MAX_BATCHES rows of a table). */
const BATCH = 1000;
const MAX_BATCHES = 50;
/** Tenants read per page when visiting every workspace. */
const TENANT_PAGE = 500;

export interface CleanupCounts {
  sessions: number;
  verifications: number;
  refreshTokens: number;
  invitations: number;
  subdomainRedirects: number;
  outboxMessages: number;
  emailMessages: number;
  jobFailures: number;
}

/** Deletes rows of `table` matching `where`, `BATCH` at a time by key, until none are left or the run's bound is reached. */
async function deleteInBatches(db: Db, table: PgTable, key: PgColumn, where: SQL | undefined, maxBatches = MAX_BATCHES): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const batch = db.select({ key }).from(table).where(where).limit(BATCH);
    const deleted = await db.delete(table).where(inArray(key, batch)).returning({ key });
    total += deleted.length;
    if (deleted.length < BATCH) break;
  }
  return total;
}

export function createCleanup(deps: { database: Database; log: Logger }) {
  const { database } = deps;
  const db = database.db;
  return {
    async run(): Promise<CleanupCounts> {
      const counts: CleanupCounts = {
        sessions: await deleteInBatches(db, sessions, sessions.id, lt(sessions.expiresAt, sql`now()`)),
        verifications: await deleteInBatches(db, verifications, verifications.id, lt(verifications.expiresAt, sql`now()`)),
        refreshTokens: await deleteInBatches(db, refreshTokens, refreshTokens.id, lt(refreshTokens.expiresAt, sql`now()`)),
        invitations: 0,
        subdomainRedirects: 0,
        outboxMessages: await deleteInBatches(db, outboxMessages, outboxMessages.id, and(isNotNull(outboxMessages.dispatchedAt), lt(outboxMessages.dispatchedAt, sql`now() - interval '7 days'`))),
        emailMessages: await deleteInBatches(db, emailMessages, emailMessages.id, and(eq(emailMessages.status, 'sent'), lt(emailMessages.sentAt, sql`now() - interval '30 days'`))),
        // Failures an operator retried: a new failure is a new row. Open ones stay until they are looked at.
        jobFailures: await deleteInBatches(db, jobFailures, jobFailures.id, lt(jobFailures.retriedAt, sql`now() - interval '30 days'`)),
      };
      // Tenant-owned rows: row-level security shows each workspace's rows only inside its scope.
      let after: string | null = null;
      for (;;) {
        const page: { id: string }[] = await db
          .select({ id: tenants.id })
          .from(tenants)
          .where(after ? gt(tenants.id, after) : undefined)
          .orderBy(asc(tenants.id))
          .limit(TENANT_PAGE);
        for (const { id } of page) {
          await database.withTenant(id, async (tx) => {
            counts.invitations += await deleteInBatches(tx, invitations, invitations.id, lt(invitations.expiresAt, sql`now() - interval '30 days'`), 5);
            counts.subdomainRedirects += await deleteInBatches(tx, subdomainRedirects, subdomainRedirects.subdomain, lt(subdomainRedirects.expiresAt, sql`now()`), 5);
          });
        }
        if (page.length < TENANT_PAGE) break;
        after = page[page.length - 1]!.id;
      }
      deps.log.info({ deleted: counts }, 'cleanup: expired rows deleted');
      return counts;
    },
  };
}
export type Cleanup = ReturnType<typeof createCleanup>;

export function createCleanupJobs(deps: { database: Database; log: Logger }): JobDefinition<unknown>[] {
  const cleanup = createCleanup(deps);
  const job = defineJob<Record<string, never>>({
    name: CLEANUP_JOB,
    queue: 'maintenance',
    parse: (payload: unknown) => {
      if (payload !== undefined && payload !== null && typeof payload !== 'object') throw new Error(`${CLEANUP_JOB}: payload must be an object`);
      return {};
    },
    attempts: 3,
    backoffMs: 60_000,
    async handle() {
      await cleanup.run();
    },
  });
  return [job as JobDefinition<unknown>];
}
