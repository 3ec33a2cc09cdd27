/**
 * SQL for a workspace's export and deletion: the deletion schedule on the tenant row (a global table),
 * and reads of tenant-owned tables no other module lists in full (every invitation, the workspace's
 * roles, its custom domains). Tenant-owned reads take the scoped handle: RLS admits that tenant only.
 */
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db, TenantDb } from '../../platform/db/database.js';
import { customDomains, invitations, tenantRoles, tenants } from '../tenants/tenants.tables.js';

export type TenantRecord = typeof tenants.$inferSelect;

export const lifecycleRepository = {
  async findTenant(db: Db, id: string): Promise<TenantRecord | null> {
    const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
    return row ?? null;
  },

  /** Sets the schedule unless one is already set; null when it was (or the tenant is gone). */
  async scheduleDeletion(db: Db, id: string, at: Date, requestedBy: string | null): Promise<TenantRecord | null> {
    const [row] = await db
      .update(tenants)
      .set({ deletionScheduledFor: at, deletionRequestedBy: requestedBy, updatedAt: new Date() })
      .where(and(eq(tenants.id, id), sql`${tenants.deletionScheduledFor} is null`))
      .returning();
    return row ?? null;
  },

  /** Clears the schedule; null when none was set. */
  async cancelDeletion(db: Db, id: string): Promise<TenantRecord | null> {
    const [row] = await db
      .update(tenants)
      .set({ deletionScheduledFor: null, deletionRequestedBy: null, updatedAt: new Date() })
      .where(and(eq(tenants.id, id), isNotNull(tenants.deletionScheduledFor)))
      .returning();
    return row ?? null;
  },

  /** Tenants whose deletion time has come, soonest first. */
  async listDue(db: Db, now: Date, limit: number): Promise<{ id: string; subdomain: string; deletionScheduledFor: Date | null }[]> {
    return db
      .select({ id: tenants.id, subdomain: tenants.subdomain, deletionScheduledFor: tenants.deletionScheduledFor })
      .from(tenants)
      .where(and(isNotNull(tenants.deletionScheduledFor), lte(tenants.deletionScheduledFor, now)))
      .orderBy(asc(tenants.deletionScheduledFor))
      .limit(limit);
  },

  /**
   * Locks the tenant row if its deletion is still due at `now` (a cancel committed meanwhile, or a
   * purge that ran first, makes it null): the caller then records and deletes in the same transaction.
   */
  async lockDue(tx: Db, id: string, now: Date): Promise<TenantRecord | null> {
    const [row] = await tx
      .select()
      .from(tenants)
      .where(and(eq(tenants.id, id), isNotNull(tenants.deletionScheduledFor), lte(tenants.deletionScheduledFor, now)))
      .limit(1)
      .for('update');
    return row ?? null;
  },

  /** Deletes the tenant row; every tenant-owned table references it with `on delete cascade`. */
  async deleteTenant(tx: Db, id: string): Promise<boolean> {
    const rows = await tx.delete(tenants).where(eq(tenants.id, id)).returning({ id: tenants.id });
    return rows.length > 0;
  },

  /** Every invitation of the scoped tenant, whatever its state (never the token hash). */
  async listInvitations(tx: TenantDb) {
    return tx
      .select({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        invitedBy: invitations.invitedBy,
        createdAt: invitations.createdAt,
        expiresAt: invitations.expiresAt,
        acceptedAt: invitations.acceptedAt,
        revokedAt: invitations.revokedAt,
      })
      .from(invitations)
      .where(eq(invitations.tenantId, tx.tenantId))
      .orderBy(asc(invitations.createdAt), asc(invitations.id));
  },

  async listRoles(tx: TenantDb) {
    return tx
      .select({ key: tenantRoles.key, name: tenantRoles.name, description: tenantRoles.description, permissions: tenantRoles.permissions, createdAt: tenantRoles.createdAt })
      .from(tenantRoles)
      .where(eq(tenantRoles.tenantId, tx.tenantId))
      .orderBy(asc(tenantRoles.name), asc(tenantRoles.key));
  },

  /** Custom domains without their verification tokens (the export does not need them). */
  async listCustomDomains(tx: TenantDb) {
    return tx
      .select({ hostname: customDomains.hostname, verifiedAt: customDomains.verifiedAt, createdAt: customDomains.createdAt })
      .from(customDomains)
      .where(eq(customDomains.tenantId, tx.tenantId))
      .orderBy(asc(customDomains.hostname));
  },
};
