/** All SQL for data items. Every function takes the tenant-scoped handle: RLS admits only that tenant's rows. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { TenantDb } from '../../platform/db/database.js';
import { dataItems } from './data.tables.js';

export type DataItemRow = typeof dataItems.$inferSelect;

export const dataRepository = {
  /** One page, newest first; fetches one extra row to know whether another page exists. */
  async listPage(tx: TenantDb, page: number, perPage: number): Promise<{ items: DataItemRow[]; hasMore: boolean }> {
    const rows = await tx
      .select()
      .from(dataItems)
      .where(eq(dataItems.tenantId, tx.tenantId)) // redundant with RLS on purpose: it lets the planner use the index
      .orderBy(desc(dataItems.createdAt), desc(dataItems.id))
      .limit(perPage + 1)
      .offset((page - 1) * perPage);
    return { items: rows.slice(0, perPage), hasMore: rows.length > perPage };
  },
  async findById(tx: TenantDb, id: string): Promise<DataItemRow | null> {
    const [row] = await tx.select().from(dataItems).where(and(eq(dataItems.tenantId, tx.tenantId), eq(dataItems.id, id))).limit(1);
    return row ?? null;
  },
  async insert(tx: TenantDb, input: { name: string; description: string; createdBy: string | null }): Promise<DataItemRow> {
    const [row] = await tx
      .insert(dataItems)
      .values({ tenantId: tx.tenantId, ...input })
      .returning();
    return row!;
  },
  async update(tx: TenantDb, id: string, patch: { name?: string; description?: string }): Promise<DataItemRow | null> {
    const [row] = await tx
      .update(dataItems)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(dataItems.tenantId, tx.tenantId), eq(dataItems.id, id)))
      .returning();
    return row ?? null;
  },
  async delete(tx: TenantDb, id: string): Promise<boolean> {
    const rows = await tx
      .delete(dataItems)
      .where(and(eq(dataItems.tenantId, tx.tenantId), eq(dataItems.id, id)))
      .returning({ id: dataItems.id });
    return rows.length > 0;
  },
  async count(tx: TenantDb): Promise<number> {
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(dataItems).where(eq(dataItems.tenantId, tx.tenantId));
    return row?.n ?? 0;
  },
  /** Items that existed at `at`, and items created in [from, to). */
  async countsAt(tx: TenantDb, from: Date, to: Date): Promise<{ total: number; created: number }> {
    const [row] = await tx
      .select({
        total: sql<number>`count(*) filter (where ${dataItems.createdAt} < ${to.toISOString()}::timestamptz)::int`,
        created: sql<number>`count(*) filter (where ${dataItems.createdAt} >= ${from.toISOString()}::timestamptz and ${dataItems.createdAt} < ${to.toISOString()}::timestamptz)::int`,
      })
      .from(dataItems)
      .where(eq(dataItems.tenantId, tx.tenantId));
    return { total: row?.total ?? 0, created: row?.created ?? 0 };
  },
};
