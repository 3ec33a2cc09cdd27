/** The analytics jobs (queue `analytics`). Both are idempotent: a day's rows are upserts. */
import { defineJob, type JobDefinition } from '../../platform/queue/queue.js';
import { isDay, isMonth, type AnalyticsService } from './analytics.service.js';

export const DAILY_METRICS_JOB = 'analytics.daily_metrics';
export const USAGE_REPORTS_JOB = 'analytics.usage_reports';

/** `{}` reports last month (UTC); `{ month: 'YYYY-MM' }` a given month. */
function parseUsageReports(payload: unknown): { month?: string } {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'object') throw new Error(`${USAGE_REPORTS_JOB}: payload must be an object`);
  const { month } = payload as { month?: unknown };
  if (month === undefined) return {};
  if (typeof month !== 'string' || !isMonth(month)) throw new Error(`${USAGE_REPORTS_JOB}: month must be YYYY-MM`);
  return { month };
}

/** `{}` computes yesterday (UTC); `{ day: 'YYYY-MM-DD' }` a given day. */
function parseDailyMetrics(payload: unknown): { day?: string } {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'object') throw new Error(`${DAILY_METRICS_JOB}: payload must be an object`);
  const { day } = payload as { day?: unknown };
  if (day === undefined) return {};
  if (typeof day !== 'string' || !isDay(day)) throw new Error(`${DAILY_METRICS_JOB}: day must be YYYY-MM-DD`);
  return { day };
}

export function createAnalyticsJobs(analytics: AnalyticsService): JobDefinition<unknown>[] {
  const dailyMetrics = defineJob({
    name: DAILY_METRICS_JOB,
    queue: 'analytics',
    parse: parseDailyMetrics,
    attempts: 5,
    backoffMs: 60_000,
    async handle({ day }) {
      await analytics.recordDay(day);
    },
  });
  const usageReports = defineJob({
    name: USAGE_REPORTS_JOB,
    queue: 'analytics',
    parse: parseUsageReports,
    attempts: 5,
    backoffMs: 60_000,
    async handle({ month }) {
      await analytics.sendUsageReports(month);
    },
  });
  return [dailyMetrics, usageReports] as JobDefinition<unknown>[];
}
