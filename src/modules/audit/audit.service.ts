/**
 * The audit log: `record` appends an event, `listForTenant` / `listForUser` read it back for the
 * pages, `exportRows` streams it out for the CLI (as the owner). Details carry reason codes and ids
 * only: a key that looks like it holds a secret is refused, so no password, code or token can end up
 * here by accident.
 */
import { and, desc, eq, gte, ilike, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, Db, TenantDb } from '../../platform/db/database.js';
import type { AuditAction, AuditOutcome } from './actions.js';
import { auditEvents } from './audit.tables.js';

export type AuditDetails = Record<string, string | number | boolean | null>;

/** Where an event came from: taken from the request (see `auditContextOf`), or `SYSTEM_CONTEXT` for the CLI and jobs. */
export interface AuditContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}
export const SYSTEM_CONTEXT: AuditContext = { ip: null, userAgent: null, requestId: null };

export interface AuditEntry {
  action: AuditAction;
  outcome?: AuditOutcome;
  tenantId?: string | null;
  actorUserId?: string | null;
  actorEmail?: string | null;
  target?: { type: string; id: string } | null;
  details?: AuditDetails;
}

export type AuditEvent = typeof auditEvents.$inferSelect;

export interface AuditFilters {
  action?: string;
  actor?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
}

const SECRET_KEY_RE = /pass(word)?|secret|token|otp|^code$|_code$|credential|cookie|authorization/i;
const MAX_TEXT = 300;

function cleanDetails(details: AuditDetails | undefined): AuditDetails {
  const out: AuditDetails = {};
  for (const [key, value] of Object.entries(details ?? {})) {
    if (SECRET_KEY_RE.test(key)) throw new Error(`audit: detail "${key}" looks like a secret; record a reason code instead`);
    out[key] = typeof value === 'string' ? value.slice(0, MAX_TEXT) : value;
  }
  return out;
}

const clip = (value: string | null | undefined) => (value ? value.slice(0, MAX_TEXT) : null);

export function createAuditService(deps: { database: Database; log: Logger }) {
  const toRow = (entry: AuditEntry, ctx: AuditContext) => ({
    tenantId: entry.tenantId ?? null,
    actorUserId: entry.actorUserId ?? null,
    actorEmail: clip(entry.actorEmail),
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: clip(ctx.ip),
    userAgent: clip(ctx.userAgent),
    requestId: clip(ctx.requestId),
    details: cleanDetails(entry.details),
  });

  function filtersSql(filters: AuditFilters): SQL[] {
    const where: SQL[] = [];
    if (filters.action) where.push(or(eq(auditEvents.action, filters.action), ilike(auditEvents.action, `${escapeLike(filters.action)}.%`))!);
    if (filters.actor) where.push(ilike(auditEvents.actorEmail, `%${escapeLike(filters.actor)}%`));
    if (filters.outcome) where.push(eq(auditEvents.outcome, filters.outcome));
    if (filters.from) where.push(gte(auditEvents.occurredAt, filters.from));
    if (filters.to) where.push(lte(auditEvents.occurredAt, filters.to));
    return where;
  }

  return {
    /**
     * Appends an event. With `tx`, inside the caller's transaction (the event and the change commit
     * together; the transaction must be scoped to the event's tenant, if it has one). Without, on its
     * own; a failure is logged, not thrown, so a broken audit table cannot lock everyone out.
     */
    async record(entry: AuditEntry, ctx: AuditContext, tx?: Db): Promise<void> {
      const row = toRow(entry, ctx);
      if (tx) {
        await tx.insert(auditEvents).values(row);
        return;
      }
      try {
        if (row.tenantId) await deps.database.withTenant(row.tenantId, (t) => t.insert(auditEvents).values(row));
        else await deps.database.db.insert(auditEvents).values(row);
      } catch (err) {
        deps.log.error({ err, audit: { ...row, details: undefined } }, 'audit: could not record an event');
      }
    },

    /** One page of a tenant's events, newest first, inside the tenant's scope. */
    async listForTenant(tx: TenantDb, filters: AuditFilters, page: number, perPage: number): Promise<{ items: AuditEvent[]; hasMore: boolean }> {
      const rows = await tx
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tx.tenantId), ...filtersSql(filters)))
        .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
        .limit(perPage + 1)
        .offset((page - 1) * perPage);
      return { items: rows.slice(0, perPage), hasMore: rows.length > perPage };
    },

    /** A tenant's activity in [from, to): successful sign-ins, and how many people did anything. */
    async activityBetween(tx: TenantDb, from: Date, to: Date): Promise<{ signIns: number; activeUsers: number }> {
      const [row] = await tx
        .select({
          signIns: sql<number>`count(*) filter (where ${auditEvents.action} = 'auth.login' and ${auditEvents.outcome} = 'success')::int`,
          activeUsers: sql<number>`count(distinct ${auditEvents.actorUserId})::int`,
        })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tx.tenantId), gte(auditEvents.occurredAt, from), lt(auditEvents.occurredAt, to)));
      return { signIns: row?.signIns ?? 0, activeUsers: row?.activeUsers ?? 0 };
    },

    /** The user's own recent events, in every tenant and none (sign-ins, password changes). */
    async listForUser(userId: string, limit = 20): Promise<AuditEvent[]> {
      return deps.database.withUser(userId, (tx) =>
        tx
          .select()
          .from(auditEvents)
          .where(eq(auditEvents.actorUserId, userId))
          .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
          .limit(limit),
      );
    },

    /**
     * Events in time order, in batches, as the owner (the CLI): a tenant's events, or with
     * `tenantId: null` every event. Keyset paging, so a large log streams in constant memory.
     */
    async *exportRows(ownerDb: Db, options: { tenantId: string | null; since?: Date; until?: Date; batchSize?: number }): AsyncGenerator<AuditEvent[]> {
      const batchSize = options.batchSize ?? 1000;
      let after: { at: Date; id: string } | null = null;
      for (;;) {
        const where: SQL[] = [];
        if (options.tenantId) where.push(eq(auditEvents.tenantId, options.tenantId));
        if (options.since) where.push(gte(auditEvents.occurredAt, options.since));
        if (options.until) where.push(lt(auditEvents.occurredAt, options.until));
        if (after) where.push(sql`(${auditEvents.occurredAt}, ${auditEvents.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`);
        const rows: AuditEvent[] = await ownerDb
          .select()
          .from(auditEvents)
          .where(and(...where))
          .orderBy(auditEvents.occurredAt, auditEvents.id)
          .limit(batchSize);
        if (rows.length === 0) return;
        yield rows;
        const last = rows[rows.length - 1]!;
        after = { at: last.occurredAt, id: last.id };
        if (rows.length < batchSize) return;
      }
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
