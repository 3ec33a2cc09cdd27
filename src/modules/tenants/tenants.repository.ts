/** All SQL for the tenant directory and memberships. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db, Tx, TenantDb } from '../../platform/db/database.js';
import { users } from '../auth/auth.tables.js';
import { memberships, tenants } from './tenants.tables.js';

export type TenantRow = typeof tenants.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

export function createTenantsRepository(db: Db) {
  return {
    async findBySubdomain(subdomain: string): Promise<TenantRow | null> {
      const [row] = await db.select().from(tenants).where(eq(tenants.subdomain, subdomain)).limit(1);
      return row ?? null;
    },
    async findById(id: string): Promise<TenantRow | null> {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
      return row ?? null;
    },
    async setRequireMfa(id: string, required: boolean): Promise<TenantRow | null> {
      const [row] = await db.update(tenants).set({ requireMfa: required, updatedAt: new Date() }).where(eq(tenants.id, id)).returning();
      return row ?? null;
    },
    async setStatus(id: string, status: 'active' | 'suspended'): Promise<TenantRow | null> {
      const [row] = await db.update(tenants).set({ status, updatedAt: new Date() }).where(eq(tenants.id, id)).returning();
      return row ?? null;
    },
    async rename(id: string, name: string): Promise<TenantRow | null> {
      const [row] = await db.update(tenants).set({ name, updatedAt: new Date() }).where(eq(tenants.id, id)).returning();
      return row ?? null;
    },
    async subdomainTaken(subdomain: string): Promise<boolean> {
      const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.subdomain, subdomain)).limit(1);
      return Boolean(row);
    },
    /** Inserts the tenant and its owner's membership; `tx` must have `app.tenant_id` set to `tenant.id`. */
    async insertWithOwner(tx: Tx, tenant: { id: string; name: string; subdomain: string; plan: string }, ownerId: string): Promise<TenantRow> {
      const [row] = await tx.insert(tenants).values(tenant).returning();
      await tx.insert(memberships).values({ tenantId: tenant.id, userId: ownerId, role: 'owner' });
      return row!;
    },
    /** The caller's membership in the scoped tenant (RLS admits only that tenant's rows). */
    async findMembership(tx: TenantDb, userId: string): Promise<MembershipRow | null> {
      const [row] = await tx
        .select()
        .from(memberships)
        .where(and(eq(memberships.tenantId, tx.tenantId), eq(memberships.userId, userId)))
        .limit(1);
      return row ?? null;
    },
    async insertMembership(tx: TenantDb, userId: string, role: string): Promise<void> {
      await tx.insert(memberships).values({ tenantId: tx.tenantId, userId, role });
    },
    async listMembers(tx: TenantDb): Promise<{ userId: string; role: string; joinedAt: Date }[]> {
      return tx
        .select({ userId: memberships.userId, role: memberships.role, joinedAt: memberships.createdAt })
        .from(memberships)
        .where(eq(memberships.tenantId, tx.tenantId))
        .orderBy(asc(memberships.createdAt));
    },
    /** Members (or the one member `onlyUserId`) with their names and emails, oldest first; users is a global table, RLS limits the memberships. */
    async listMembersWithUsers(tx: TenantDb, onlyUserId?: string): Promise<{ userId: string; name: string; email: string; role: string; joinedAt: Date }[]> {
      return tx
        .select({ userId: memberships.userId, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.tenantId, tx.tenantId), onlyUserId ? eq(memberships.userId, onlyUserId) : undefined))
        .orderBy(asc(memberships.createdAt), asc(memberships.userId));
    },
    /**
     * Locks the scoped tenant's owner memberships (in user id order, so two changes never deadlock)
     * and returns their user ids: every membership change takes this lock first, so changes of one
     * tenant run one after another and the owner count they see is the committed one.
     */
    async lockOwners(tx: TenantDb): Promise<string[]> {
      const rows = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.tenantId, tx.tenantId), eq(memberships.role, 'owner')))
        .orderBy(asc(memberships.userId))
        .for('update');
      return rows.map((r) => r.userId);
    },
    /** A membership of the scoped tenant, locked for the rest of the transaction. */
    async lockMembership(tx: TenantDb, userId: string): Promise<MembershipRow | null> {
      const [row] = await tx
        .select()
        .from(memberships)
        .where(and(eq(memberships.tenantId, tx.tenantId), eq(memberships.userId, userId)))
        .limit(1)
        .for('update');
      return row ?? null;
    },
    async setMemberRole(tx: TenantDb, userId: string, role: string): Promise<void> {
      await tx.update(memberships).set({ role }).where(and(eq(memberships.tenantId, tx.tenantId), eq(memberships.userId, userId)));
    },
    async deleteMembership(tx: TenantDb, userId: string): Promise<void> {
      await tx.delete(memberships).where(and(eq(memberships.tenantId, tx.tenantId), eq(memberships.userId, userId)));
    },
    async countMembers(tx: TenantDb): Promise<number> {
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(memberships).where(eq(memberships.tenantId, tx.tenantId));
      return row?.n ?? 0;
    },
    /** Tenants the user belongs to; `tx` must have `app.user_id` set (the policy admits one's own memberships). */
    async listForUser(tx: Tx, userId: string): Promise<(TenantRow & { role: string })[]> {
      const rows = await tx
        .select({ tenant: tenants, role: memberships.role })
        .from(memberships)
        .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(tenants.name));
      return rows.map((r) => ({ ...r.tenant, role: r.role }));
    },
    /** Tenant ids after `afterId` in id order (paging through every tenant in jobs). */
    async listIdsAfter(afterId: string | null, limit: number): Promise<{ id: string; name: string; subdomain: string; plan: string; status: string }[]> {
      return db
        .select({ id: tenants.id, name: tenants.name, subdomain: tenants.subdomain, plan: tenants.plan, status: tenants.status })
        .from(tenants)
        .where(afterId ? gt(tenants.id, afterId) : undefined)
        .orderBy(asc(tenants.id))
        .limit(limit);
    },
    async list(limit: number): Promise<TenantRow[]> {
      return db.select().from(tenants).orderBy(asc(tenants.createdAt)).limit(limit);
    },
  };
}
export type TenantsRepository = ReturnType<typeof createTenantsRepository>;
