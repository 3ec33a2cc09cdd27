/**
 * Custom domains: a workspace claims a hostname (`app.acme.com`), proves control with a TXT record at
 * `_saas-verify.<hostname>`, and from then on the hostname serves the workspace like its subdomain.
 * Several workspaces may claim one hostname; the first to prove control gets it.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { domainToASCII } from 'node:url';
import type { Deps } from '../../platform/deps.js';
import { DnsLookupError } from '../../platform/dns/resolver.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import { createLocalMemo } from '../../platform/cache/local-memo.js';
import { describeWait, notFound, tooManyAttempts, validationFailed } from '../../platform/errors.js';
import { UUID_RE } from '../../platform/db/database.js';
import { SYSTEM_CONTEXT, type AuditService } from '../audit/index.js';
import { createDomainsRepository, type CustomDomainRow } from './domains.repository.js';
import { LOCAL_CACHE_MS, type Actor, type ChangeOrigin, type Tenant, type TenantsService } from './tenants.service.js';

/** Custom domains a workspace may claim at a time. */
export const MAX_DOMAINS_PER_WORKSPACE = 5;
/** The label of the TXT record, under the claimed hostname. */
export const VERIFY_LABEL = '_saas-verify';
/** The prefix of the TXT record's value. */
export const VERIFY_PREFIX = 'saas-verify=';
/** Domains not yet verified are re-checked for this long after they were added. */
export const PENDING_RECHECK_DAYS = 7;

export const REASONS = {
  takenElsewhere: 'verified by another workspace',
  lookupFailed: 'DNS lookup failed: try again later',
  mismatch: 'TXT record found but the value does not match',
  missing: (txtName: string) => `No TXT record found at ${txtName}`,
} as const;

export type DomainState = 'pending' | 'verified' | 'failed';

export interface CustomDomain {
  id: string;
  hostname: string;
  state: DomainState;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  /** Why the last check failed, in words. */
  lastError: string | null;
  createdAt: Date;
  /** The DNS records the customer creates. */
  records: { txt: { name: string; value: string }; cname: { name: string; target: string } };
}

export interface VerifyOutcome {
  state: DomainState | 'gone';
  reason: string | null;
}

/** Second-level names under which anyone registers (a tiny list: the common ones people paste by mistake). */
const PUBLIC_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'co.jp', 'ne.jp', 'com.br', 'com.cn', 'co.za', 'co.in', 'com.mx', 'com.tr', 'github.io', 'herokuapp.com', 'vercel.app', 'netlify.app']);
const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EXAMPLE = 'app.example.com';

/** Normalises a hostname as typed (case, trailing dot, international names) or says what is wrong with it. */
export function checkHostname(input: string, baseDomain: string): { hostname: string } | { problem: string } {
  let host = input.trim().toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!host) return { problem: `Enter a domain name, like ${EXAMPLE}` };
  if (/[\s/:@?#\\]/.test(host)) return { problem: `Enter the domain name alone, like ${EXAMPLE}: no https://, port or path` };
  if (net.isIP(host) || /^[\d.]+$/.test(host)) return { problem: 'Use a domain name, not an IP address' };
  // International names are stored in their DNS (punycode) form, as browsers send them in Host.
  if (/[^\x20-\x7e]/.test(host)) {
    const ascii = domainToASCII(host);
    if (!ascii) return { problem: 'This is not a valid domain name' };
    host = ascii;
  }
  if (host.length > 253) return { problem: 'Use at most 253 characters' };
  const labels = host.split('.');
  if (labels.length < 2) return { problem: `Use a full domain name with at least one dot, like ${EXAMPLE}` };
  if (!labels.every((label) => LABEL_RE.test(label))) {
    return { problem: 'Each part between dots must be 1 to 63 letters, digits or hyphens, and cannot start or end with a hyphen' };
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return { problem: 'This is not a valid domain name' };
  if (host === 'localhost' || host.endsWith('.localhost')) return { problem: 'Use a public domain name, not localhost' };
  if (host === baseDomain || host.endsWith(`.${baseDomain}`)) return { problem: `Addresses under ${baseDomain} are ours: use a domain you own` };
  if (PUBLIC_SUFFIXES.has(host)) return { problem: `${host} is shared by many owners: use a name under it, like app.yourcompany.${host}` };
  return { hostname: host };
}

const txtNameOf = (hostname: string) => `${VERIFY_LABEL}.${hostname}`;

/** TXT answers come as character strings of up to 255 bytes each; a record's value is their concatenation. */
const recordValues = (answers: string[][]) => answers.map((chunks) => chunks.join('').trim());

const HOST_CACHE_SECONDS = 30;
const HOST_MISS_CACHE_SECONDS = 5;
type CachedHost = { tenantId: string; subdomain: string } | { missing: true };

export function createDomainsService(deps: Pick<Deps, 'config' | 'database' | 'cache' | 'queue' | 'dns' | 'throttles' | 'log'>, tenants: TenantsService, audit: AuditService) {
  const repo = createDomainsRepository(deps.database);
  const { baseDomain } = deps.config;
  // "Check now" enqueues at most one job per domain and minute; this bounds the workspace as a whole.
  const checkThrottle = deps.throttles.create({ name: 'domains.check', points: 20, windowSeconds: 600 });
  const localHosts = createLocalMemo<CachedHost>(LOCAL_CACHE_MS);
  const hostKey = (hostname: string) => `domain:host:${hostname}`;

  function toDomain(row: CustomDomainRow, subdomain: string, takenElsewhere: boolean): CustomDomain {
    const state: DomainState = row.verifiedAt ? 'verified' : row.lastError || takenElsewhere ? 'failed' : 'pending';
    return {
      id: row.id,
      hostname: row.hostname,
      state,
      verifiedAt: row.verifiedAt,
      lastCheckedAt: row.lastCheckedAt,
      lastError: row.verifiedAt ? null : takenElsewhere ? REASONS.takenElsewhere : row.lastError,
      createdAt: row.createdAt,
      records: {
        txt: { name: txtNameOf(row.hostname), value: `${VERIFY_PREFIX}${row.verificationToken}` },
        cname: { name: row.hostname, target: `${subdomain}.${baseDomain}` },
      },
    };
  }

  /** Drops every copy of the Host lookup of `hostname` (this process at once, others within seconds). */
  async function forgetHost(hostname: string): Promise<void> {
    localHosts.delete(hostKey(hostname));
    await deps.cache.delete(hostKey(hostname));
  }

  async function lookupHost(hostname: string): Promise<CachedHost> {
    const key = hostKey(hostname);
    const local = localHosts.get(key);
    if (local) return local;
    const cached = await deps.cache.get(key);
    let value: CachedHost;
    if (cached) value = JSON.parse(cached) as CachedHost;
    else {
      value = (await repo.findVerifiedHost(hostname)) ?? { missing: true };
      // Unknown hosts are remembered too (briefly): probing random names does not reach the database each time.
      await deps.cache.set(key, JSON.stringify(value), 'missing' in value ? HOST_MISS_CACHE_SECONDS : HOST_CACHE_SECONDS);
    }
    localHosts.set(key, value);
    return value;
  }

  /** An id that is not a uuid is any other unknown id: the same 404, without reaching the database. */
  const requireUuid = (id: string) => {
    if (!UUID_RE.test(id)) throw notFound('Domain');
  };

  const service = {
    checkHostname: (input: string) => checkHostname(input, baseDomain),

    /** The workspace's domains, oldest first, each with its state and the records to create. */
    async list(tenant: Pick<Tenant, 'id' | 'subdomain'>): Promise<CustomDomain[]> {
      const rows = await deps.database.readTenant(tenant.id, (tx) => repo.list(tx));
      const pending = rows.filter((r) => !r.verifiedAt).map((r) => r.hostname);
      const taken = await repo.verifiedElsewhere(tenant.id, pending);
      return rows.map((r) => toDomain(r, tenant.subdomain, taken.has(r.hostname)));
    },

    async get(tenant: Pick<Tenant, 'id' | 'subdomain'>, domainId: string): Promise<CustomDomain> {
      requireUuid(domainId);
      const row = await deps.database.readTenant(tenant.id, (tx) => repo.find(tx, domainId));
      if (!row) throw notFound('Domain');
      const taken = row.verifiedAt ? false : (await repo.verifiedElsewhere(tenant.id, [row.hostname])).has(row.hostname);
      return toDomain(row, tenant.subdomain, taken);
    },

    /** Claims a hostname for the workspace and starts checking its TXT record. */
    async add(tenant: Pick<Tenant, 'id' | 'subdomain'>, input: string, origin: ChangeOrigin, actor: Actor | null): Promise<CustomDomain> {
      const checked = checkHostname(input, baseDomain);
      if ('problem' in checked) throw validationFailed({ hostname: checked.problem });
      const { hostname } = checked;
      const token = crypto.randomBytes(32).toString('base64url');
      let row: CustomDomainRow;
      try {
        row = await deps.database.withTenant(tenant.id, async (tx) => {
          if ((await repo.count(tx)) >= MAX_DOMAINS_PER_WORKSPACE) {
            throw validationFailed({ hostname: `A workspace can have at most ${MAX_DOMAINS_PER_WORKSPACE} custom domains: remove one first` });
          }
          const inserted = await repo.insert(tx, { hostname, verificationToken: token });
          await audit.record(
            {
              action: 'tenant.domain_added',
              tenantId: tenant.id,
              ...(actor ? { actorUserId: actor.userId, actorEmail: actor.email } : {}),
              target: { type: 'custom_domain', id: inserted.id },
              details: { via: origin.via, hostname },
            },
            origin.context,
            tx,
          );
          return inserted;
        });
      } catch (err) {
        if (uniqueViolation(err)?.includes('hostname')) throw validationFailed({ hostname: 'This domain is already on the list' });
        throw err;
      }
      await service.enqueueCheck(tenant.id, row.id);
      return toDomain(row, tenant.subdomain, false);
    },

    /** Queues a check (at most one per domain and minute). */
    async enqueueCheck(tenantId: string, domainId: string): Promise<void> {
      const minute = Math.floor(Date.now() / 60_000);
      await deps.queue.enqueue('domains.verify', { tenantId, domainId }, { dedupeKey: `domain-verify:${domainId}:${minute}` });
    },

    /** "Check now": queues a check of a claimed domain; limited per workspace. */
    async requestCheck(tenant: Pick<Tenant, 'id' | 'subdomain'>, domainId: string): Promise<CustomDomain> {
      const domain = await service.get(tenant, domainId);
      if (domain.state === 'verified') return domain;
      const wait = await checkThrottle.hit(tenant.id);
      if (wait > 0) throw tooManyAttempts(wait, `Too many checks for this workspace. Try again in ${describeWait(wait)}.`);
      await service.enqueueCheck(tenant.id, domain.id);
      return domain;
    },

    /** Removes a claim; a verified domain stops leading to the workspace at once. */
    async remove(tenant: Pick<Tenant, 'id' | 'subdomain'>, domainId: string, origin: ChangeOrigin, actor: Actor | null): Promise<void> {
      requireUuid(domainId);
      const row = await deps.database.withTenant(tenant.id, async (tx) => {
        const removed = await repo.remove(tx, domainId);
        if (!removed) return null;
        await audit.record(
          {
            action: 'tenant.domain_removed',
            tenantId: tenant.id,
            ...(actor ? { actorUserId: actor.userId, actorEmail: actor.email } : {}),
            target: { type: 'custom_domain', id: removed.id },
            details: { via: origin.via, hostname: removed.hostname, was_verified: removed.verifiedAt !== null },
          },
          origin.context,
          tx,
        );
        return removed;
      });
      if (!row) throw notFound('Domain');
      await forgetHost(row.hostname);
    },

    /**
     * Checks a domain's TXT record (the `domains.verify` job). Safe to run twice: a verified or
     * removed domain is left as it is. A lookup that got no answer is recorded, then thrown (`DnsLookupError`) so the job retries.
     */
    async verify(tenantId: string, domainId: string): Promise<VerifyOutcome> {
      if (!UUID_RE.test(tenantId) || !UUID_RE.test(domainId)) return { state: 'gone', reason: null };
      const row = await deps.database.readTenant(tenantId, (tx) => repo.find(tx, domainId));
      if (!row) return { state: 'gone', reason: null };
      if (row.verifiedAt) return { state: 'verified', reason: null };
      const fail = async (reason: string): Promise<VerifyOutcome> => {
        await deps.database.withTenant(tenantId, (tx) => repo.markChecked(tx, domainId, new Date(), reason));
        return { state: 'failed', reason };
      };
      if ((await repo.verifiedElsewhere(tenantId, [row.hostname])).has(row.hostname)) return fail(REASONS.takenElsewhere);

      const txtName = txtNameOf(row.hostname);
      let values: string[];
      try {
        values = recordValues(await deps.dns.resolveTxt(txtName));
      } catch (err) {
        await fail(REASONS.lookupFailed);
        if (err instanceof DnsLookupError) throw err;
        throw new DnsLookupError(`DNS lookup of ${txtName} failed: ${(err as Error).message}`, 'EUNKNOWN');
      }
      if (values.length === 0) return fail(REASONS.missing(txtName));
      if (!values.includes(`${VERIFY_PREFIX}${row.verificationToken}`)) return fail(REASONS.mismatch);

      try {
        const verified = await deps.database.withTenant(tenantId, async (tx) => {
          const updated = await repo.markVerified(tx, domainId, new Date());
          if (!updated) return null;
          await audit.record(
            { action: 'tenant.domain_verified', tenantId, target: { type: 'custom_domain', id: domainId }, details: { via: 'job', hostname: row.hostname } },
            SYSTEM_CONTEXT,
            tx,
          );
          return updated;
        });
        // Removed meanwhile, or verified by a concurrent run.
        if (!verified) return (await deps.database.readTenant(tenantId, (tx) => repo.find(tx, domainId)))?.verifiedAt ? { state: 'verified', reason: null } : { state: 'gone', reason: null };
      } catch (err) {
        // The partial unique index: another workspace proved control of this hostname first.
        if (uniqueViolation(err)) return fail(REASONS.takenElsewhere);
        throw err;
      }
      // A "no workspace here" answer may be cached for this hostname.
      await forgetHost(row.hostname);
      deps.log.info({ tenantId, domainId, hostname: row.hostname }, 'custom domain verified');
      return { state: 'verified', reason: null };
    },

    /** Re-checks every workspace's unverified domains added in the last week (`domains.verify_pending`, `saas-cli domains verify-pending`). */
    async verifyPending(limit = 500): Promise<(VerifyOutcome & { tenantId: string; domainId: string; hostname: string })[]> {
      const since = new Date(Date.now() - PENDING_RECHECK_DAYS * 86_400_000);
      const results = [];
      for (const domain of await repo.listPendingSince(since, limit)) {
        let outcome: VerifyOutcome;
        try {
          outcome = await service.verify(domain.tenantId, domain.id);
        } catch (err) {
          if (!(err instanceof DnsLookupError)) throw err;
          outcome = { state: 'failed', reason: REASONS.lookupFailed };
        }
        results.push({ tenantId: domain.tenantId, domainId: domain.id, hostname: domain.hostname, ...outcome });
      }
      return results;
    },

    /** The workspace a verified custom domain leads to (the Host lookup: cached, positive and negative answers alike). */
    async getTenantByHost(hostname: string): Promise<Tenant | null> {
      const found = await lookupHost(hostname);
      if ('missing' in found) return null;
      const tenant = await tenants.getTenantBySubdomain(found.subdomain);
      if (tenant?.id === found.tenantId) return tenant;
      // The workspace changed its subdomain (or went) since the answer was cached: ask again once.
      await forgetHost(hostname);
      const fresh = await lookupHost(hostname);
      if ('missing' in fresh) return null;
      const again = await tenants.getTenantBySubdomain(fresh.subdomain);
      return again?.id === fresh.tenantId ? again : null;
    },

    /** Whether a TLS certificate may be issued for `hostname` (a verified custom domain): the reverse proxy's "ask". */
    async isServedHost(hostname: string): Promise<boolean> {
      const checked = checkHostname(hostname, baseDomain);
      if ('problem' in checked) return false;
      return (await service.getTenantByHost(checked.hostname)) !== null;
    },
  };
  return service;
}

export type DomainsService = ReturnType<typeof createDomainsService>;
