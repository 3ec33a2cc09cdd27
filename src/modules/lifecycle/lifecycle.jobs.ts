/**
 * The workspace deletion jobs (maintenance queue). Both are safe to run twice: a purge re-reads the
 * tenant and does nothing unless its deletion is due, and purge-due only runs purges.
 */
import { UUID_RE } from '../../platform/db/database.js';
import { defineJob, type JobDefinition } from '../../platform/queue/queue.js';
import { PURGE_DUE_JOB, PURGE_JOB, type DeletionService } from './deletion.service.js';

/** `scheduledFor`: the deletion time (epoch ms) the job was queued for; absent, the job only purges. */
function parsePurge(payload: unknown): { tenantId: string; scheduledFor?: number } {
  const { tenantId, scheduledFor } = (payload ?? {}) as { tenantId?: unknown; scheduledFor?: unknown };
  if (typeof tenantId !== 'string' || !UUID_RE.test(tenantId)) throw new Error(`${PURGE_JOB}: payload needs a tenantId (uuid)`);
  if (scheduledFor !== undefined && !Number.isSafeInteger(scheduledFor)) throw new Error(`${PURGE_JOB}: scheduledFor must be a time in milliseconds`);
  return scheduledFor === undefined ? { tenantId } : { tenantId, scheduledFor: scheduledFor as number };
}

/** The job id of the periodic sweep: one per hour, so several processes starting together queue it once. */
export const purgeDueJobId = (at: Date = new Date()) => `tenants-purge-due-${at.toISOString().slice(0, 13).replace(/\D/g, '')}`;

export function createLifecycleJobs(services: { deletion: DeletionService }): JobDefinition<unknown>[] {
  const { deletion } = services;
  const purge = defineJob({
    name: PURGE_JOB,
    queue: 'maintenance',
    parse: parsePurge,
    attempts: 5,
    backoffMs: 30_000,
    async handle({ tenantId, scheduledFor }) {
      const result = await deletion.purge(tenantId);
      // Woke early (a long grace period waits in hops): wait again, unless the schedule changed.
      if (result === 'not_due' && scheduledFor !== undefined) await deletion.requeuePurge(tenantId, scheduledFor);
    },
  });
  const purgeDue = defineJob({
    name: PURGE_DUE_JOB,
    queue: 'maintenance',
    parse: (payload: unknown) => {
      if (payload !== undefined && (typeof payload !== 'object' || payload === null)) throw new Error(`${PURGE_DUE_JOB}: payload must be an object`);
      return {};
    },
    attempts: 3,
    backoffMs: 60_000,
    async handle() {
      const failed: string[] = [];
      for (const tenant of await deletion.listDue()) {
        try {
          await deletion.purge(tenant.id);
        } catch {
          failed.push(tenant.subdomain);
        }
      }
      // One workspace that cannot be purged must not hold up the others; the retry takes it again.
      if (failed.length) throw new Error(`${PURGE_DUE_JOB}: could not purge ${failed.join(', ')}`);
    },
  });
  return [purge, purgeDue] as JobDefinition<unknown>[];
}
