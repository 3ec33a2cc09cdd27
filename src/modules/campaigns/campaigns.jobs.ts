/** `email.campaign_batch` (queue `email`): one batch of a campaign; the next batch is queued by this one. */
import { UUID_RE } from '../../platform/db/database.js';
import { defineJob, type JobDefinition } from '../../platform/queue/queue.js';
import { CAMPAIGN_BATCH_JOB, type CampaignsService } from './campaigns.service.js';

function parseBatch(payload: unknown): { campaignId: string; batch: number } {
  const { campaignId, batch } = (payload ?? {}) as { campaignId?: unknown; batch?: unknown };
  if (typeof campaignId !== 'string' || !UUID_RE.test(campaignId)) throw new Error(`${CAMPAIGN_BATCH_JOB}: payload needs a campaignId (uuid)`);
  if (!Number.isSafeInteger(batch) || (batch as number) < 1) throw new Error(`${CAMPAIGN_BATCH_JOB}: batch must be a positive integer`);
  return { campaignId, batch: batch as number };
}

export function createCampaignsJobs(campaigns: CampaignsService): JobDefinition<unknown>[] {
  const batch = defineJob({
    name: CAMPAIGN_BATCH_JOB,
    queue: 'email',
    parse: parseBatch,
    attempts: 5,
    backoffMs: 30_000,
    async handle({ campaignId, batch: n }) {
      // A retry after a commit finds those people mailed already (their rows are no longer pending).
      await campaigns.sendBatch(campaignId, n);
    },
  });
  return [batch] as JobDefinition<unknown>[];
}
