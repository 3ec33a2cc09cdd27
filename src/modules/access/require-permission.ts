/**
 * The one access check of tenant routes, after the membership check: the member's role must have
 * the route's permission (docs/permissions.md). Anything else, an unknown role included, is refused.
 */
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError, forbidden } from '../../platform/errors.js';
import { ANY_MEMBER, PERMISSIONS, type RouteAccess } from './permissions.js';

/** A preHandler that admits members whose role has `access`; it carries `access` so the route table can be read back. */
export type PermissionGuard = ((request: FastifyRequest) => Promise<void>) & { readonly access: RouteAccess };

export function requirePermission(access: RouteAccess): PermissionGuard {
  const guard = async (request: FastifyRequest) => {
    const membership = request.membership;
    if (!membership?.role) throw forbidden('You are not a member of this workspace');
    // Resolved by the membership check from the workspace's catalog: a role it does not know has no
    // permissions, and a role without any permission is not let in at all.
    const { role, permissions } = membership;
    if (access === ANY_MEMBER ? permissions.size === 0 : !permissions.has(access)) {
      const what = access === ANY_MEMBER ? 'open this workspace' : PERMISSIONS[access].charAt(0).toLowerCase() + PERMISSIONS[access].slice(1);
      throw new AppError('permission_denied', `Your role in this workspace (${role.replace(/^custom:/, '')}) does not allow this: ${what}.`);
    }
  };
  return Object.assign(guard, { access });
}

export interface TenantRouteOptions {
  /**
   * The route stays open while the workspace is closed (suspended by an operator, or pending
   * deletion): exporting the data, and cancelling a deletion. Everything else answers 403 then.
   */
  whileClosed?: boolean;
}

/** The guards a tenant route puts in its `preValidation`: who the caller is, membership, then `access`. */
export interface TenantRouteGuards {
  /** Session cookie, on the tenant's host. */
  web(access: RouteAccess, options?: TenantRouteOptions): preHandlerAsyncHookHandler[];
  /** Bearer token. */
  api(access: RouteAccess, options?: TenantRouteOptions): preHandlerAsyncHookHandler[];
}
