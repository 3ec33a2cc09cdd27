/**
 * A workspace's address: changing its subdomain, and the redirect its old subdomain keeps for
 * REDIRECT_DAYS (so bookmarks, API clients and emailed links keep working meanwhile). While the
 * redirect lives nobody else can take the old name; the workspace itself can take it back.
 */
import type { Deps } from '../../platform/deps.js';
import { notFound, validationFailed } from '../../platform/errors.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import { createLocalMemo } from '../../platform/cache/local-memo.js';
import type { AuditService } from '../audit/index.js';
import { createAddressRepository } from './address.repository.js';
import { checkSubdomain } from './subdomains.js';
import { LOCAL_CACHE_MS, type Actor, type ChangeOrigin, type Tenant, type TenantsService } from './tenants.service.js';

/** How long an old subdomain redirects to the new one. */
export const REDIRECT_DAYS = 30;

const TAKEN = 'This subdomain is taken; pick another';
/** How long the shared cache keeps "this subdomain moved" (at most until it expires) and "it did not". */
const MOVED_CACHE_SECONDS = 30;
const NOT_MOVED_CACHE_SECONDS = 5;

interface Moved {
  to: string;
  /** Epoch ms after which the redirect no longer applies. */
  until: number;
}

export interface AddressChange {
  tenant: Tenant;
  from: string;
  redirectExpiresAt: Date;
}

export function createAddressService(deps: Pick<Deps, 'database' | 'cache'>, tenants: TenantsService, audit: AuditService) {
  const repo = createAddressRepository(deps.database);
  const localMoves = createLocalMemo<Moved | null>(LOCAL_CACHE_MS);
  const movedKey = (subdomain: string) => `tenant:moved:${subdomain}`;

  const forgetMove = async (subdomain: string) => {
    localMoves.delete(movedKey(subdomain));
    await deps.cache.delete(movedKey(subdomain));
  };

  const service = {
    /**
     * Moves the workspace to `subdomainInput`. The old subdomain redirects for REDIRECT_DAYS; taking
     * back one of the workspace's own old names ends that name's redirect. A name held by another
     * workspace (or by another workspace's live redirect) is refused with a field error.
     */
    async changeSubdomain(tenantId: string, subdomainInput: string, origin: ChangeOrigin, actor: Actor): Promise<AddressChange> {
      const to = subdomainInput.trim().toLowerCase();
      const problem = checkSubdomain(to);
      if (problem) throw validationFailed({ subdomain: problem });
      const current = await tenants.getTenantById(tenantId);
      if (!current) throw notFound('Tenant');
      if (to === current.subdomain) throw validationFailed({ subdomain: 'This is already the address of the workspace' });
      if ((await repo.tenantHolds(to)) || (await repo.heldByRedirect(to, tenantId))) throw validationFailed({ subdomain: TAKEN });
      // A stale expired row on the current name (another workspace's, from before this one took it) would block its redirect.
      await repo.heldByRedirect(current.subdomain, tenantId);

      let change: AddressChange & { stillRedirecting: string[] };
      try {
        change = await deps.database.withTenant(tenantId, async (tx) => {
          const locked = await repo.lockTenant(tx);
          if (!locked) throw notFound('Tenant');
          const from = locked.subdomain;
          if (from === to) throw validationFailed({ subdomain: 'This is already the address of the workspace' });
          const tookBack = await repo.deleteOwnRedirect(tx, to);
          const row = await repo.setSubdomain(tx, to);
          const redirectExpiresAt = await repo.insertRedirect(tx, from, REDIRECT_DAYS);
          const stillRedirecting = (await repo.listLiveRedirects(tx)).map((r) => r.subdomain);
          await audit.record(
            {
              action: 'tenant.subdomain_changed',
              tenantId,
              actorUserId: actor.userId,
              actorEmail: actor.email,
              target: { type: 'tenant', id: tenantId },
              details: { via: origin.via, from, to, redirect_expires_at: redirectExpiresAt.toISOString(), ...(tookBack ? { took_back: true } : {}) },
            },
            origin.context,
            tx,
          );
          return { tenant: { ...current, subdomain: row.subdomain }, from, redirectExpiresAt, stillRedirecting };
        });
      } catch (err) {
        const constraint = uniqueViolation(err);
        if (constraint !== null) throw validationFailed({ subdomain: TAKEN });
        throw err;
      }
      // Every cached answer about these names is now wrong: the old and new subdomain, and the other
      // old names, which lead to the new one now.
      for (const name of new Set([change.from, to, ...change.stillRedirecting])) {
        await tenants.forgetCachedTenant(name);
        await forgetMove(name);
      }
      return { tenant: change.tenant, from: change.from, redirectExpiresAt: change.redirectExpiresAt };
    },

    /**
     * Where a subdomain without a workspace now leads (the Host lookup, for the 308): the workspace's
     * current subdomain, or null. Cached like the tenant lookup; an expired redirect is deleted when met.
     */
    async findMove(subdomain: string): Promise<string | null> {
      const key = movedKey(subdomain);
      const now = Date.now();
      const local = localMoves.get(key);
      if (local !== undefined && (local === null || local.until > now)) return local?.to ?? null;
      let moved: Moved | null = null;
      const cached = await deps.cache.get(key);
      if (cached) {
        const parsed = JSON.parse(cached) as Moved | { missing: true };
        moved = 'missing' in parsed || parsed.until <= now ? null : parsed;
      } else {
        const row = await repo.findRedirect(subdomain);
        if (row && !row.live) await repo.deleteIfExpired(row.tenantId, subdomain);
        moved = row?.live && row.to !== subdomain ? { to: row.to, until: row.expiresAt.getTime() } : null;
        const seconds = moved ? Math.max(1, Math.min(MOVED_CACHE_SECONDS, Math.floor((moved.until - now) / 1000))) : NOT_MOVED_CACHE_SECONDS;
        await deps.cache.set(key, JSON.stringify(moved ?? { missing: true }), seconds);
      }
      localMoves.set(key, moved);
      return moved?.to ?? null;
    },

    /** The workspace's old subdomains that still redirect, with when each stops. */
    async listRedirects(tenantId: string): Promise<{ subdomain: string; expiresAt: Date }[]> {
      return deps.database.withTenant(tenantId, (tx) => repo.listLiveRedirects(tx));
    },
  };
  return service;
}

export type AddressService = ReturnType<typeof createAddressService>;
