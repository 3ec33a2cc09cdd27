/** All SQL for a workspace's own roles. Every query runs in a tenant-scoped transaction (RLS forced). */
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { TenantDb } from '../../platform/db/database.js';
import { invitations, memberships, tenantRoles } from './tenants.tables.js';

export type TenantRoleRow = typeof tenantRoles.$inferSelect;

export function createRolesRepository() {
  return {
    async list(tx: TenantDb): Promise<TenantRoleRow[]> {
      return tx.select().from(tenantRoles).where(eq(tenantRoles.tenantId, tx.tenantId)).orderBy(asc(tenantRoles.name));
    },

    /** A role by id, locked for the rest of the transaction. */
    async lockById(tx: TenantDb, id: string): Promise<TenantRoleRow | null> {
      const [row] = await tx
        .select()
        .from(tenantRoles)
        .where(and(eq(tenantRoles.tenantId, tx.tenantId), eq(tenantRoles.id, id)))
        .limit(1)
        .for('update');
      return row ?? null;
    },

    /**
     * Holds a role against deletion for the rest of the transaction (giving it to someone); null when
     * it does not exist. Deletion locks the row for update and then counts holders, so the two never cross.
     */
    async shareLockByKey(tx: TenantDb, key: string): Promise<TenantRoleRow | null> {
      const [row] = await tx
        .select()
        .from(tenantRoles)
        .where(and(eq(tenantRoles.tenantId, tx.tenantId), eq(tenantRoles.key, key)))
        .limit(1)
        .for('share');
      return row ?? null;
    },

    async insert(tx: TenantDb, role: { key: string; name: string; description: string; permissions: string[] }): Promise<TenantRoleRow> {
      const [row] = await tx.insert(tenantRoles).values(role).returning();
      return row!;
    },

    async update(tx: TenantDb, id: string, role: { name: string; description: string; permissions: string[] }): Promise<TenantRoleRow> {
      const [row] = await tx
        .update(tenantRoles)
        .set({ ...role, updatedAt: sql`now()` })
        .where(and(eq(tenantRoles.tenantId, tx.tenantId), eq(tenantRoles.id, id)))
        .returning();
      return row!;
    },

    async delete(tx: TenantDb, id: string): Promise<void> {
      await tx.delete(tenantRoles).where(and(eq(tenantRoles.tenantId, tx.tenantId), eq(tenantRoles.id, id)));
    },

    /** How many members hold `key`, and how many open invitations would give it. */
    async holders(tx: TenantDb, key: string): Promise<{ members: number; invitations: number }> {
      const [m] = await tx.select({ n: count() }).from(memberships).where(and(eq(memberships.tenantId, tx.tenantId), eq(memberships.role, key)));
      const [i] = await tx
        .select({ n: count() })
        .from(invitations)
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.role, key), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
      return { members: Number(m?.n ?? 0), invitations: Number(i?.n ?? 0) };
    },

    /** Members per role key. */
    async memberCounts(tx: TenantDb): Promise<Map<string, number>> {
      const rows = await tx.select({ role: memberships.role, n: count() }).from(memberships).where(eq(memberships.tenantId, tx.tenantId)).groupBy(memberships.role);
      return new Map(rows.map((r) => [r.role, Number(r.n)]));
    },
  };
}
