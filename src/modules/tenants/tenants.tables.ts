/**
 * The tenant directory and memberships.
 * `tenants` is read before any tenant is known (Host -> tenant), so it has no row-level security.
 * `memberships` is tenant-owned: its policy admits the current tenant's rows, or the acting user's own rows
 * (to list "my tenants" before one is chosen).
 */
import { sql } from 'drizzle-orm';
import { boolean, index, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.tables.js';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  subdomain: text('subdomain').notNull().unique(),
  plan: text('plan').notNull().default('starter'),
  /** active | suspended */
  status: text('status').notNull().default('active'),
  /** Members must use two-factor authentication to open this workspace. */
  requireMfa: boolean('require_mfa').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const memberships = pgTable(
  'memberships',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | admin | member | billing | viewer */
    role: text('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index('memberships_user_id_idx').on(t.userId),
    pgPolicy('memberships_tenant_or_self', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid or ${t.userId} = nullif(current_setting('app.user_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();
