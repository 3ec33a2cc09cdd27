/** Usage analytics: each workspace's daily numbers and monthly summaries. */
export { createAnalyticsService, previousUtcDay, previousUtcMonth, type AnalyticsService, type MonthlyUsage } from './analytics.service.js';
/** `analytics.daily_metrics` (scheduled at 00:05 UTC). */
export { createAnalyticsJobs, DAILY_METRICS_JOB } from './analytics.jobs.js';
