/**
 * All SQL for custom domains. Tenant-owned (RLS forced): the workspace's own rows go through a
 * tenant-scoped handle; the Host lookup and the operators' sweep read across workspaces in a
 * transaction of their own that sets `app.host_lookup` (the table's SELECT-only policy).
 */
import { and, asc, count, eq, gt, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Database, TenantDb, Tx } from '../../platform/db/database.js';
import { customDomains, tenants } from './tenants.tables.js';

export type CustomDomainRow = typeof customDomains.$inferSelect;

export function createDomainsRepository(database: Database) {
  /** Runs read-only `fn` where the host-lookup policy admits every workspace's domains. */
  const acrossTenants = <T>(fn: (tx: Tx) => Promise<T>) =>
    database.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.host_lookup', 'on', true)`);
      return fn(tx);
    });

  return {
    async list(tx: TenantDb): Promise<CustomDomainRow[]> {
      return tx.select().from(customDomains).where(eq(customDomains.tenantId, tx.tenantId)).orderBy(asc(customDomains.createdAt), asc(customDomains.hostname));
    },
    async find(tx: TenantDb, id: string): Promise<CustomDomainRow | null> {
      const [row] = await tx
        .select()
        .from(customDomains)
        .where(and(eq(customDomains.tenantId, tx.tenantId), eq(customDomains.id, id)))
        .limit(1);
      return row ?? null;
    },
    async count(tx: TenantDb): Promise<number> {
      const [row] = await tx.select({ n: count() }).from(customDomains).where(eq(customDomains.tenantId, tx.tenantId));
      return Number(row?.n ?? 0);
    },
    async insert(tx: TenantDb, values: { hostname: string; verificationToken: string }): Promise<CustomDomainRow> {
      const [row] = await tx
        .insert(customDomains)
        .values({ tenantId: tx.tenantId, ...values })
        .returning();
      return row!;
    },
    async remove(tx: TenantDb, id: string): Promise<CustomDomainRow | null> {
      const [row] = await tx
        .delete(customDomains)
        .where(and(eq(customDomains.tenantId, tx.tenantId), eq(customDomains.id, id)))
        .returning();
      return row ?? null;
    },
    /** Marks it verified; a unique violation means another workspace verified the hostname first. */
    async markVerified(tx: TenantDb, id: string, at: Date): Promise<CustomDomainRow | null> {
      const [row] = await tx
        .update(customDomains)
        .set({ verifiedAt: at, lastCheckedAt: at, lastError: null })
        .where(and(eq(customDomains.tenantId, tx.tenantId), eq(customDomains.id, id), isNull(customDomains.verifiedAt)))
        .returning();
      return row ?? null;
    },
    async markChecked(tx: TenantDb, id: string, at: Date, error: string): Promise<void> {
      await tx
        .update(customDomains)
        .set({ lastCheckedAt: at, lastError: error })
        .where(and(eq(customDomains.tenantId, tx.tenantId), eq(customDomains.id, id), isNull(customDomains.verifiedAt)));
    },

    /** The workspace a verified hostname leads to (the Host lookup), with its current subdomain. */
    async findVerifiedHost(hostname: string): Promise<{ tenantId: string; subdomain: string } | null> {
      return acrossTenants(async (tx) => {
        const [row] = await tx
          .select({ tenantId: customDomains.tenantId, subdomain: tenants.subdomain })
          .from(customDomains)
          .innerJoin(tenants, eq(tenants.id, customDomains.tenantId))
          .where(and(eq(customDomains.hostname, hostname), isNotNull(customDomains.verifiedAt)))
          .limit(1);
        return row ?? null;
      });
    },
    /** Which of these hostnames another workspace has verified. */
    async verifiedElsewhere(tenantId: string, hostnames: string[]): Promise<Set<string>> {
      if (hostnames.length === 0) return new Set();
      const rows = await acrossTenants((tx) =>
        tx
          .select({ hostname: customDomains.hostname })
          .from(customDomains)
          .where(and(inArray(customDomains.hostname, hostnames), isNotNull(customDomains.verifiedAt), ne(customDomains.tenantId, tenantId))),
      );
      return new Set(rows.map((r) => r.hostname));
    },
    /** Unverified domains of every workspace added after `since`, oldest first (the periodic re-check). */
    async listPendingSince(since: Date, limit: number): Promise<{ id: string; tenantId: string; hostname: string }[]> {
      return acrossTenants((tx) =>
        tx
          .select({ id: customDomains.id, tenantId: customDomains.tenantId, hostname: customDomains.hostname })
          .from(customDomains)
          .where(and(isNull(customDomains.verifiedAt), gt(customDomains.createdAt, since)))
          .orderBy(asc(customDomains.createdAt))
          .limit(limit),
      );
    },
  };
}
