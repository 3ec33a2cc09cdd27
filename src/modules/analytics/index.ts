/** Usage analytics: each workspace's daily numbers and monthly summaries. */
export { createAnalyticsService, previousUtcDay, previousUtcMonth, type AnalyticsService, type MonthlyUsage } from './analytics.service.js';
/** `analytics.daily_metrics` (scheduled at 00:05 UTC) and `analytics.usage_reports` (the 1st of each month). */
export { createAnalyticsJobs, DAILY_METRICS_JOB, USAGE_REPORTS_JOB } from './analytics.jobs.js';
