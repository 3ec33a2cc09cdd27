/**
 * The recurring jobs, in code (docs/admin/jobs.md lists them). Patterns are cron, in UTC. Workers
 * register them as BullMQ job schedulers at start; on the embedded default the web process runs an
 * in-process scheduler. A schedule whose job is not registered is skipped with a log line.
 */
import type { Schedule } from '../../platform/queue/schedules.js';
import { CLEANUP_JOB } from './cleanup.jobs.js';

export type { Schedule } from '../../platform/queue/schedules.js';

export const SCHEDULES: readonly Schedule[] = [
  {
    id: 'maintenance-cleanup',
    pattern: '15 * * * *',
    job: CLEANUP_JOB,
    payload: {},
    description: 'Deletes expired sessions, tokens, invitations (30 days after expiry) and subdomain redirects, old outbox rows and sent emails',
  },
  {
    id: 'tenants-purge-due',
    pattern: '5 * * * *',
    job: 'tenants.purge_due',
    payload: {},
    description: 'Deletes the data of workspaces whose deletion grace period has ended',
  },
  {
    id: 'domains-verify-pending',
    pattern: '25 * * * *',
    job: 'domains.verify_pending',
    payload: {},
    description: 'Checks the DNS records of custom domains added in the last 7 days that are not verified yet',
  },
  {
    id: 'analytics-daily-metrics',
    pattern: '5 0 * * *',
    job: 'analytics.daily_metrics',
    payload: {},
    description: "Records yesterday's usage metrics of every workspace (00:05 UTC)",
  },
  {
    id: 'analytics-usage-reports',
    pattern: '0 6 1 * *',
    job: 'analytics.usage_reports',
    payload: {},
    description: "Mails every active workspace's owners last month's usage (the 1st of the month, 06:00 UTC)",
  },
  {
    id: 'email-requeue-stale',
    pattern: '35 * * * *',
    job: 'email.requeue_stale',
    payload: {},
    description: 'Queues again emails that stayed queued too long (their job was lost)',
  },
];
