/** Jobs of custom domains: checking one domain's TXT record, and re-checking the recent unverified ones. */
import { defineJob, type JobDefinition } from '../../platform/queue/queue.js';
import { UUID_RE } from '../../platform/db/database.js';
import type { DomainsService } from './domains.service.js';

export interface VerifyDomainPayload {
  tenantId: string;
  domainId: string;
}

function parseVerifyPayload(payload: unknown): VerifyDomainPayload {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (typeof p.tenantId !== 'string' || !UUID_RE.test(p.tenantId) || typeof p.domainId !== 'string' || !UUID_RE.test(p.domainId)) {
    throw new Error('domains.verify: expected { tenantId, domainId } (uuids)');
  }
  return { tenantId: p.tenantId, domainId: p.domainId };
}

export function createDomainsJobs(domains: DomainsService): JobDefinition<unknown>[] {
  const verify = defineJob<VerifyDomainPayload>({
    name: 'domains.verify',
    queue: 'maintenance',
    parse: parseVerifyPayload,
    // A lookup without an answer throws: the job retries with backoff; "no record" is an answer and does not.
    async handle({ tenantId, domainId }) {
      await domains.verify(tenantId, domainId);
    },
    attempts: 3,
    backoffMs: 30_000,
  });
  const verifyPending = defineJob<Record<string, never>>({
    name: 'domains.verify_pending',
    queue: 'maintenance',
    parse: () => ({}),
    async handle() {
      await domains.verifyPending();
    },
    attempts: 1,
  });
  return [verify as JobDefinition<unknown>, verifyPending as JobDefinition<unknown>];
}
