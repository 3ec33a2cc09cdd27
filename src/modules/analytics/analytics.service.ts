/**
 * Usage analytics from what the app already records: each workspace's members, data items and
 * activity per UTC day (the `analytics.daily_metrics` job, 00:05 UTC), and a month's summary for
 * usage reports. Days are computed after they end, so a re-run gives the same numbers
 * (except for items deleted since, which no longer count).
 */
import type { Logger } from 'pino';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import type { AuditService } from '../audit/index.js';
import { findPlan } from '../billing/index.js';
import type { DataService } from '../data/index.js';
import type { EmailSender } from '../email/index.js';
import type { MembersService, TenantsService } from '../tenants/index.js';
import { analyticsRepository, type DailyMetricsRow } from './analytics.repository.js';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_RE = /^\d{4}-\d{2}$/;

/** `YYYY-MM-DD` of the UTC day before `now`. */
export function previousUtcDay(now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
}

/** `YYYY-MM` of the UTC month before `now`. */
export function previousUtcMonth(now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

export function isDay(value: string): boolean {
  return DAY_RE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

export function isMonth(value: string): boolean {
  return MONTH_RE.test(value) && isDay(`${value}-01`);
}

export interface MonthlyUsage {
  month: string;
  /** Days of the month with a row (the job may have started mid-month). */
  daysRecorded: number;
  /** At the end of the last recorded day. */
  members: number;
  dataItems: number;
  /** Over the month. */
  itemsCreated: number;
  signIns: number;
  /** The most people active on one day. */
  peakActiveUsers: number;
  /** Per day, for a chart. */
  days: { day: string; dataItems: number; activeUsers: number }[];
}

const monthName = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function createAnalyticsService(
  deps: { log: Logger; config: AppConfig },
  services: { tenants: TenantsService; data: DataService; audit: AuditService; members: Pick<MembersService, 'listMembers'>; email: EmailSender },
) {
  const { tenants, data, audit, members, email } = services;

  const service = {
    /** Computes and stores one workspace's numbers for a UTC day. */
    async recordDayForTenant(tenantId: string, day: string): Promise<void> {
      if (!isDay(day)) throw new Error(`recordDayForTenant: not a day: ${day}`);
      const from = new Date(`${day}T00:00:00Z`);
      const to = new Date(from.getTime() + 24 * 3600 * 1000);
      const scope = tenants.getTenantDb(tenantId);
      const [items, activity, members] = await Promise.all([
        data.countsForPeriod(scope, from, to),
        scope.read((tx) => audit.activityBetween(tx, from, to)),
        tenants.countMembers(tenantId),
      ]);
      await scope.run((tx) =>
        analyticsRepository.upsertDay(tx, {
          day,
          members,
          dataItems: items.total,
          itemsCreated: items.created,
          signIns: activity.signIns,
          activeUsers: activity.activeUsers,
        }),
      );
    },

    /** Every workspace's numbers for a UTC day (default: yesterday). Safe to run again. Returns how many workspaces. */
    async recordDay(day: string = previousUtcDay()): Promise<number> {
      if (!isDay(day)) throw new Error(`recordDay: not a day: ${day}`);
      let count = 0;
      let failed = 0;
      for await (const tenant of tenants.eachTenant()) {
        try {
          await service.recordDayForTenant(tenant.id, day);
          count++;
        } catch (err) {
          // One workspace's failure does not stop the others; the job fails at the end and its retry
          // rewrites every row of the day (upserts), the failed ones included.
          failed++;
          deps.log.error({ err, tenant_id: tenant.id, day }, 'daily metrics: could not record a workspace');
        }
      }
      deps.log.info({ day, workspaces: count, failed }, 'daily metrics recorded');
      if (failed) throw new Error(`daily metrics for ${day}: ${failed} workspace(s) failed`);
      return count;
    },

    /**
     * Mails a workspace's owners its usage for `month`, once: the `usage_reports` row and the mails
     * commit together, so a re-run (or a second worker) sends nothing more. Returns how many owners
     * were mailed (0 when it was sent before, or the workspace is not active).
     */
    async sendUsageReport(tenantId: string, month: string): Promise<number> {
      const tenant = await tenants.getTenantById(tenantId);
      if (!tenant || tenant.status !== 'active' || tenant.deletionScheduledFor) return 0;
      const usage = await service.monthlyUsage(tenantId, month);
      const owners = (await members.listMembers(tenantId)).filter((m) => m.role === 'owner');
      const plan = findPlan(tenant.plan);
      return tenants.getTenantDb(tenantId).run(async (tx) => {
        if (!(await analyticsRepository.claimUsageReport(tx, month, owners.length))) return 0;
        for (const owner of owners) {
          await email.sendTemplateEmail(
            {
              to: owner.email,
              userId: owner.userId,
              template: 'usage-report',
              context: {
                workspaceName: tenant.name,
                month: monthName(month),
                planName: plan?.name ?? tenant.plan,
                members: { used: usage.members, limit: plan?.limits.members ?? null },
                dataItems: { used: usage.dataItems, limit: plan?.limits.dataItems ?? null },
                workspaceUrl: `${tenantOrigin(deps.config, tenant.subdomain)}/dashboard`,
              },
            },
            tx,
          );
        }
        return owners.length;
      });
    },

    /** Every active workspace's report for `month` (default: last month). Safe to run again. */
    async sendUsageReports(month: string = previousUtcMonth()): Promise<{ workspaces: number; mails: number }> {
      if (!isMonth(month)) throw new Error(`sendUsageReports: not a month: ${month}`);
      let workspaces = 0;
      let mails = 0;
      let failed = 0;
      for await (const tenant of tenants.eachTenant()) {
        try {
          const sent = await service.sendUsageReport(tenant.id, month);
          if (sent) workspaces++;
          mails += sent;
        } catch (err) {
          failed++;
          deps.log.error({ err, tenant_id: tenant.id, month }, 'usage report: could not send a workspace its report');
        }
      }
      deps.log.info({ month, workspaces, mails, failed }, 'usage reports sent');
      if (failed) throw new Error(`usage reports for ${month}: ${failed} workspace(s) failed`);
      return { workspaces, mails };
    },

    /** A workspace's usage for a month (`YYYY-MM`), from the daily rows. */
    async monthlyUsage(tenantId: string, month: string): Promise<MonthlyUsage> {
      if (!isMonth(month)) throw new Error(`monthlyUsage: not a month: ${month}`);
      const start = `${month}-01`;
      const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
      const rows: DailyMetricsRow[] = await tenants.getTenantDb(tenantId).read((tx) => analyticsRepository.listDays(tx, start, next));
      const last = rows[rows.length - 1];
      return {
        month,
        daysRecorded: rows.length,
        members: last?.members ?? 0,
        dataItems: last?.dataItems ?? 0,
        itemsCreated: rows.reduce((n, r) => n + r.itemsCreated, 0),
        signIns: rows.reduce((n, r) => n + r.signIns, 0),
        peakActiveUsers: rows.reduce((n, r) => Math.max(n, r.activeUsers), 0),
        days: rows.map((r) => ({ day: r.day, dataItems: r.dataItems, activeUsers: r.activeUsers })),
      };
    },
  };
  return service;
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
