/**
 * The tenant directory and memberships.
 * `tenants` is read before any tenant is known (Host -> tenant), so it has no row-level security.
 * `memberships` is tenant-owned: its policy admits the current tenant's rows, or the acting user's own rows
 * (to list "my tenants" before one is chosen).
 */
import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, pgPolicy, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
  /** When the logo (tenant_logos) last changed, null without one: versions its URL so caches refresh. */
  logoUpdatedAt: timestamp('logo_updated_at', { withTimezone: true }),
  /** Set while deletion is pending: the workspace and every row it owns go at this time unless an owner cancels. */
  deletionScheduledFor: timestamp('deletion_scheduled_for', { withTimezone: true }),
  deletionRequestedBy: uuid('deletion_requested_by').references(() => users.id, { onDelete: 'set null' }),
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

/**
 * An invitation to join a workspace: for one email address and one role, valid 7 days, used once.
 * Only the SHA-256 hash of its token is stored. Tenant-owned (RLS forced).
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Normalised (lower case): the only address that can accept it. */
    email: text('email').notNull(),
    role: text('role').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Sends of this invitation (resends are limited) and when the last one went. */
    sendCount: integer('send_count').notNull().default(1),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('invitations_tenant_idx').on(t.tenantId, t.createdAt),
    // One pending invitation per address and workspace: inviting again renews it.
    uniqueIndex('invitations_pending_email_idx').on(t.tenantId, t.email).where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    pgPolicy('invitations_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();

/** A workspace's own roles: a name and a set of the permissions in src/modules/access. Tenant-owned (RLS forced). */
export const tenantRoles = pgTable(
  'tenant_roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** What memberships.role holds for this role: `custom:<slug>`, never a built-in role's name. */
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    permissions: text('permissions').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tenant_roles_key_idx').on(t.tenantId, t.key),
    pgPolicy('tenant_roles_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** A workspace's logo (PNG, JPEG or WebP, checked by its bytes). Tenant-owned (RLS forced). */
export const tenantLogos = pgTable(
  'tenant_logos',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    contentType: text('content_type').notNull(),
    data: bytea('data').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    pgPolicy('tenant_logos_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
  ],
).enableRLS();

/**
 * Hosts that lead to a workspace before its id is known: a custom domain, or an old subdomain that
 * redirects for 30 days after a change. Tenant-owned (RLS forced); the Host lookup alone may read
 * across tenants, by setting `app.host_lookup` in its own transaction (tenants.repository.ts).
 */
const hostLookup = sql`current_setting('app.host_lookup', true) = 'on'`;

export const customDomains = pgTable(
  'custom_domains',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Lower case, no trailing dot: `app.acme.com`. Several workspaces may claim it; the first to prove control (verify) gets it. */
    hostname: text('hostname').notNull(),
    /** Published by the customer as a TXT record at `_saas-verify.<hostname>`. */
    verificationToken: text('verification_token').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    /** Why the last check failed, in words for the settings page. */
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('custom_domains_tenant_hostname_idx').on(t.tenantId, t.hostname),
    uniqueIndex('custom_domains_verified_hostname_idx').on(t.hostname).where(sql`${t.verifiedAt} is not null`),
    pgPolicy('custom_domains_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
    pgPolicy('custom_domains_host_lookup', { for: 'select', using: hostLookup }),
  ],
).enableRLS();

export const subdomainRedirects = pgTable(
  'subdomain_redirects',
  {
    /** The old subdomain; nobody can take it while the redirect lasts. */
    subdomain: text('subdomain').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .default(sql`nullif(current_setting('app.tenant_id', true), '')::uuid`)
      .references(() => tenants.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('subdomain_redirects_tenant_idx').on(t.tenantId),
    pgPolicy('subdomain_redirects_tenant', {
      for: 'all',
      using: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`${t.tenantId} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
    pgPolicy('subdomain_redirects_host_lookup', { for: 'select', using: hostLookup }),
  ],
).enableRLS();
