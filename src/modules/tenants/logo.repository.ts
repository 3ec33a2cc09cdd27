/** All SQL for a workspace's logo: `tenant_logos` (tenant-owned, RLS forced) and `tenants.logo_updated_at`, which versions its URL. */
import { eq } from 'drizzle-orm';
import type { TenantDb } from '../../platform/db/database.js';
import { tenantLogos, tenants } from './tenants.tables.js';

export interface LogoRow {
  contentType: string;
  data: Uint8Array;
  updatedAt: Date;
}

export function createLogoRepository() {
  return {
    async find(tx: TenantDb): Promise<LogoRow | null> {
      const [row] = await tx
        .select({ contentType: tenantLogos.contentType, data: tenantLogos.data, updatedAt: tenantLogos.updatedAt })
        .from(tenantLogos)
        .where(eq(tenantLogos.tenantId, tx.tenantId))
        .limit(1);
      return row ?? null;
    },

    /** Stores the logo and stamps the tenant row with the same time (the version in the logo's URL); returns the tenant's subdomain. */
    async save(tx: TenantDb, logo: { contentType: string; data: Uint8Array }, at: Date): Promise<string | null> {
      await tx
        .insert(tenantLogos)
        .values({ tenantId: tx.tenantId, contentType: logo.contentType, data: logo.data, updatedAt: at })
        .onConflictDoUpdate({ target: tenantLogos.tenantId, set: { contentType: logo.contentType, data: logo.data, updatedAt: at } });
      const [row] = await tx.update(tenants).set({ logoUpdatedAt: at, updatedAt: at }).where(eq(tenants.id, tx.tenantId)).returning({ subdomain: tenants.subdomain });
      return row?.subdomain ?? null;
    },

    /** Removes the logo; returns the tenant's subdomain, or null when there was none. */
    async remove(tx: TenantDb): Promise<string | null> {
      const removed = await tx.delete(tenantLogos).where(eq(tenantLogos.tenantId, tx.tenantId)).returning({ tenantId: tenantLogos.tenantId });
      if (!removed.length) return null;
      const [row] = await tx.update(tenants).set({ logoUpdatedAt: null, updatedAt: new Date() }).where(eq(tenants.id, tx.tenantId)).returning({ subdomain: tenants.subdomain });
      return row?.subdomain ?? null;
    },
  };
}
