/**
 * One row per workspace and UTC day, written by the `analytics.daily_metrics` job: what the
 * workspace held at the end of the day and what happened in it. Tenant-owned (RLS forced).
 */
import { sql } from 'drizzle-orm';
import { date, integer, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from '../tenants/tenants.tables.js';

export const tenantDailyMetrics = pgTable(
  'tenant_daily_metrics',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** The UTC day, `YYYY-MM-DD`. */
    day: date('day', { mode: 'string' }).notNull(),
    members: integer('members').notNull(),
    dataItems: integer('data_items').notNull(),
    itemsCreated: integer('items_created').notNull(),
    signIns: integer('sign_ins').notNull(),
    /** People who did anything recorded in the audit log that day. */
    activeUsers: integer('active_users').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.day] }),
    pgPolicy('tenant_daily_metrics_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();

/** Usage reports already mailed: one row per workspace and month, written with the mail itself (each report goes once). Tenant-owned (RLS forced). */
export const usageReports = pgTable(
  'usage_reports',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** `YYYY-MM`. */
    month: text('month').notNull(),
    recipients: integer('recipients').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.month] }),
    pgPolicy('usage_reports_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();
