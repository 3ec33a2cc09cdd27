/**
 * The sample tenant-owned resource: copy this file's shape for every new tenant-owned table
 * (tenant_id column, index leading with tenant_id, the tenant policy, RLS enabled; the custom
 * migration then forces RLS and grants the app role).
 */
import { sql } from 'drizzle-orm';
import { index, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.tables.js';
import { tenants } from '../tenants/tenants.tables.js';

export const dataItems = pgTable(
  'data_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Ascending on purpose: a backward scan serves `order by created_at desc, id desc` within a tenant.
    index('data_items_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    pgPolicy('data_items_tenant_isolation', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();
