/**
 * The audit log: one row per security event, append-only.
 * Row-level security: a tenant's events are visible in that tenant's scope, and everyone may read the
 * events they caused themselves (`app.user_id`), in any tenant or none. The
 * app role may insert and read, never update or delete (revoked in migration 0003); exports and
 * retention run as the owner from the CLI.
 */
import { sql } from 'drizzle-orm';
import { index, jsonb, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Millisecond precision, as in JavaScript: export paging resumes after exact values. */
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** No foreign keys on purpose: the record outlives the user or tenant it names. */
    tenantId: uuid('tenant_id'),
    actorUserId: uuid('actor_user_id'),
    /** The actor's email when the event happened (or the email a failed sign-in tried). */
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    /** success | failure | denied */
    outcome: text('outcome').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    /** Reason codes and ids only; never a password, code, token or secret (checked when written). */
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [
    index('audit_events_tenant_time_idx').on(t.tenantId, t.occurredAt.desc()),
    index('audit_events_actor_time_idx').on(t.actorUserId, t.occurredAt.desc()),
    pgPolicy('audit_events_read', {
      for: 'select',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid or ${t.actorUserId} = nullif(current_setting('app.user_id', true), '')::uuid`,
    }),
    pgPolicy('audit_events_insert', {
      for: 'insert',
      withCheck: sql`${t.tenantId} is null or ${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();
