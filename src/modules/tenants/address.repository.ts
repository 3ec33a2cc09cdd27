/**
 * All SQL for a workspace's address: moving `tenants.subdomain`, and the redirects its old subdomains
 * keep for a while (`subdomain_redirects`, tenant-owned, RLS forced). Reading a redirect before the
 * workspace is known (the Host lookup, or "is this name free?") goes through the host-lookup policy,
 * in a transaction of its own that turns `app.host_lookup` on and does nothing else.
 */
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database, TenantDb } from '../../platform/db/database.js';
import { subdomainRedirects, tenants } from './tenants.tables.js';
import type { TenantRow } from './tenants.repository.js';

export interface RedirectRow {
  subdomain: string;
  tenantId: string;
  expiresAt: Date;
  /** Whether it still redirects (the database's clock decides). */
  live: boolean;
  /** Where it leads: the workspace's current subdomain. */
  to: string;
}

export function createAddressRepository(database: Database) {
  const { db } = database;
  const repo = {
    /** The redirect held on `subdomain`, whichever workspace holds it (expired or not), or null. */
    async findRedirect(subdomain: string): Promise<RedirectRow | null> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.host_lookup', 'on', true)`);
        const [row] = await tx
          .select({
            subdomain: subdomainRedirects.subdomain,
            tenantId: subdomainRedirects.tenantId,
            expiresAt: subdomainRedirects.expiresAt,
            live: sql<boolean>`${subdomainRedirects.expiresAt} > now()`,
            to: tenants.subdomain,
          })
          .from(subdomainRedirects)
          .innerJoin(tenants, eq(tenants.id, subdomainRedirects.tenantId))
          .where(eq(subdomainRedirects.subdomain, subdomain))
          .limit(1);
        return row ?? null;
      });
    },

    /** Drops the redirect on `subdomain` if it has expired (in its owner's scope: the policy lets no one else delete it). */
    async deleteIfExpired(tenantId: string, subdomain: string): Promise<void> {
      await database.withTenant(tenantId, (tx) =>
        tx.delete(subdomainRedirects).where(and(eq(subdomainRedirects.tenantId, tx.tenantId), eq(subdomainRedirects.subdomain, subdomain), lte(subdomainRedirects.expiresAt, sql`now()`))),
      );
    },

    /**
     * Whether a live redirect holds `subdomain` (a name nobody may take); an expired one found on the
     * way is deleted, so the name can be claimed.
     */
    async heldByRedirect(subdomain: string, exceptTenantId?: string): Promise<boolean> {
      const row = await repo.findRedirect(subdomain);
      if (!row) return false;
      if (!row.live) {
        await repo.deleteIfExpired(row.tenantId, subdomain);
        return false;
      }
      return row.tenantId !== exceptTenantId;
    },

    async tenantHolds(subdomain: string): Promise<boolean> {
      const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.subdomain, subdomain)).limit(1);
      return Boolean(row);
    },

    /** The scoped tenant's row, locked until the transaction ends (two changes of one workspace run one after the other). */
    async lockTenant(tx: TenantDb): Promise<TenantRow | null> {
      const [row] = await tx.select().from(tenants).where(eq(tenants.id, tx.tenantId)).limit(1).for('update');
      return row ?? null;
    },

    async setSubdomain(tx: TenantDb, subdomain: string): Promise<TenantRow> {
      const [row] = await tx.update(tenants).set({ subdomain, updatedAt: new Date() }).where(eq(tenants.id, tx.tenantId)).returning();
      return row!;
    },

    /** Removes the scoped tenant's own redirect on `subdomain` (taking an old name back); true when there was one. */
    async deleteOwnRedirect(tx: TenantDb, subdomain: string): Promise<boolean> {
      const rows = await tx
        .delete(subdomainRedirects)
        .where(and(eq(subdomainRedirects.tenantId, tx.tenantId), eq(subdomainRedirects.subdomain, subdomain)))
        .returning({ subdomain: subdomainRedirects.subdomain });
      return rows.length > 0;
    },

    async insertRedirect(tx: TenantDb, subdomain: string, days: number): Promise<Date> {
      const [row] = await tx
        .insert(subdomainRedirects)
        .values({ subdomain, tenantId: tx.tenantId, expiresAt: sql`now() + make_interval(days => ${days})` })
        .returning({ expiresAt: subdomainRedirects.expiresAt });
      return row!.expiresAt;
    },

    /** The scoped tenant's old subdomains that still redirect, the first to expire first. */
    async listLiveRedirects(tx: TenantDb): Promise<{ subdomain: string; expiresAt: Date }[]> {
      return tx
        .select({ subdomain: subdomainRedirects.subdomain, expiresAt: subdomainRedirects.expiresAt })
        .from(subdomainRedirects)
        .where(and(eq(subdomainRedirects.tenantId, tx.tenantId), gt(subdomainRedirects.expiresAt, sql`now()`)))
        .orderBy(asc(subdomainRedirects.expiresAt));
    },
  };
  return repo;
}
export type AddressRepository = ReturnType<typeof createAddressRepository>;
