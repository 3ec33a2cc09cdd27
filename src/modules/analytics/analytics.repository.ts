/** All SQL for the daily metrics. Every query runs in a tenant-scoped transaction (RLS forced). */
import { and, asc, gte, lt, sql } from 'drizzle-orm';
import type { TenantDb } from '../../platform/db/database.js';
import { tenantDailyMetrics, usageReports } from './analytics.tables.js';

export type DailyMetricsRow = typeof tenantDailyMetrics.$inferSelect;
export type DailyMetricsValues = Omit<typeof tenantDailyMetrics.$inferInsert, 'tenantId' | 'computedAt'>;

export const analyticsRepository = {
  /** Writes a day's row; running the job again for the same day replaces it (idempotent). */
  async upsertDay(tx: TenantDb, values: DailyMetricsValues): Promise<void> {
    await tx
      .insert(tenantDailyMetrics)
      .values(values)
      .onConflictDoUpdate({
        target: [tenantDailyMetrics.tenantId, tenantDailyMetrics.day],
        set: {
          members: values.members,
          dataItems: values.dataItems,
          itemsCreated: values.itemsCreated,
          signIns: values.signIns,
          activeUsers: values.activeUsers,
          computedAt: sql`now()`,
        },
      });
  },

  /** Records that `month`'s report goes out now; false when it went before (the row exists). */
  async claimUsageReport(tx: TenantDb, month: string, recipients: number): Promise<boolean> {
    const rows = await tx.insert(usageReports).values({ month, recipients }).onConflictDoNothing().returning({ month: usageReports.month });
    return rows.length > 0;
  },

  /** The tenant's rows for days in [from, to), oldest first. */
  async listDays(tx: TenantDb, from: string, to: string): Promise<DailyMetricsRow[]> {
    return tx
      .select()
      .from(tenantDailyMetrics)
      .where(and(sql`${tenantDailyMetrics.tenantId} = ${tx.tenantId}`, gte(tenantDailyMetrics.day, from), lt(tenantDailyMetrics.day, to)))
      .orderBy(asc(tenantDailyMetrics.day));
  },
};
