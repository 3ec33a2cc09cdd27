/**
 * The tenant of a request comes from its Host (`acme.example.com`), and is trusted only after the
 * caller's membership is checked. Client headers such as X-Tenant-Id are never read.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { createLocalMemo } from '../../platform/cache/local-memo.js';
import type { Tenant, TenantsService } from './tenants.service.js';

/** `acme` for `acme.<baseDomain>`, null for the root site (the base domain, www, or any other host). */
export function subdomainOf(hostname: string, baseDomain: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === baseDomain || !host.endsWith(`.${baseDomain}`)) return null;
  const label = host.slice(0, -(baseDomain.length + 1));
  if (label.includes('.') || label === 'www') return null;
  return label;
}

/** A host that could be a workspace's custom domain (not ours, not an IP address, a dotted name), normalised; else null. */
export function customHostOf(hostname: string, baseDomain: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === baseDomain || host.endsWith(`.${baseDomain}`) || !host.includes('.') || /^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[')) return null;
  return host;
}

/** How long a process trusts "this user has MFA on" for tenants that require it (turning it off applies within this time). */
const MFA_MEMO_MS = 5000;

export function createTenantGuards(
  config: AppConfig,
  tenants: TenantsService,
  hasMfa: (userId: string) => Promise<boolean>,
  /** The workspace a verified custom domain leads to (domains.service.ts). */
  customDomains?: { getTenantByHost(hostname: string): Promise<Tenant | null> },
  /** Where an old subdomain of a workspace leads while its redirect lasts (address.service.ts). */
  movedTo?: (subdomain: string) => Promise<string | null>,
) {
  const mfaMemo = createLocalMemo<boolean>(MFA_MEMO_MS);
  async function memberHasMfa(userId: string): Promise<boolean> {
    const known = mfaMemo.get(userId);
    if (known !== undefined) return known;
    const value = await hasMfa(userId);
    // Only "on" is remembered: a member who just turned it on gets in at once.
    if (value) mfaMemo.set(userId, value);
    return value;
  }

  /** Returns true when it answered (a redirect); the hook must then return the reply. */
  async function checkMember(request: FastifyRequest, reply: FastifyReply, whileClosed: boolean): Promise<boolean> {
    const tenant = request.tenant;
    if (!tenant) {
      throw notFound('Tenant (call this endpoint on your workspace host, e.g. acme.' + config.baseDomain + ')');
    }
    if (!whileClosed && tenant.status === 'suspended') throw new AppError('tenant_suspended', 'Tenant suspended');
    if (!whileClosed && tenant.deletionScheduledFor) {
      throw new AppError(
        'tenant_deletion_pending',
        `This workspace is scheduled for deletion on ${tenant.deletionScheduledFor.toISOString().slice(0, 10)}. Its members can still export its data; an owner can cancel the deletion from the workspace settings.`,
      );
    }
    const role = await tenants.getMembershipRole(tenant.id, request.auth!.userId);
    if (!role) throw forbidden('You are not a member of this workspace');
    if (tenant.requireMfa && !(await memberHasMfa(request.auth!.userId))) {
      // Pages send the member to set it up; the API says why it refuses.
      if (request.auth!.via === 'session') {
        reply.redirect('/account?mfa_required=1', 303);
        return true;
      }
      throw forbidden(`${tenant.name} requires two-factor authentication: turn it on from your account page, then sign in again`);
    }
    request.membership = { role, permissions: await tenants.permissionsForRole(tenant.id, role) };
    request.tenantDb = tenants.getTenantDb(tenant.id);
    return false;
  }

  return {
    /** onRequest: sets `request.site` and `request.tenant`; unknown subdomain -> 404, suspended -> 403. */
    async resolveSite(request: FastifyRequest, reply?: FastifyReply): Promise<void> {
      // Fastify's hostname already honours X-Forwarded-Host only when TRUST_PROXY is set.
      const subdomain = subdomainOf(request.hostname, config.baseDomain);
      if (subdomain === null) {
        // Any other host may be a workspace's verified custom domain; unverified or unknown ones are the root site.
        const customHost = customDomains ? customHostOf(request.hostname, config.baseDomain) : null;
        const tenant = customHost ? await customDomains!.getTenantByHost(customHost) : null;
        request.site = tenant ? 'tenant' : 'root';
        if (tenant) request.tenant = tenant;
        return;
      }
      request.site = 'tenant';
      const tenant = await tenants.getTenantBySubdomain(subdomain);
      // An old subdomain of a workspace: 308 to the same path on its address, built from PUBLIC_URL (never from the Host).
      const moved = !tenant && reply && movedTo ? await movedTo(subdomain) : null;
      if (moved) return reply!.redirect(`${tenantOrigin(config, moved)}${request.url}`, 308) as unknown as void;
      if (!tenant) throw new AppError('not_found', 'No workspace exists at this address. Check the spelling, or create it at sign-up.');
      request.tenant = tenant;
    },

    /** The caller must be a member of the Host's tenant, which must be open; sets `request.membership` and `request.tenantDb`. */
    async requireMember(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (await checkMember(request, reply, false)) return reply as unknown as void;
    },

    /** The same, but the route stays open while the workspace is suspended or pending deletion (export, cancelling a deletion). */
    async requireMemberWhileClosed(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (await checkMember(request, reply, true)) return reply as unknown as void;
    },
  };
}
export type TenantGuards = ReturnType<typeof createTenantGuards>;
