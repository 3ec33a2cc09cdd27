/**
 * The one access check of tenant routes, after the membership check: the member's role must have
 * the route's permission (docs/permissions.md). Anything else, an unknown role included, is refused.
 */
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError, forbidden } from '../../platform/errors.js';
import { ANY_MEMBER, PERMISSIONS, roleCan, type RouteAccess } from './permissions.js';

/** A preHandler that admits members whose role has `access`; it carries `access` so the route table can be read back. */
export type PermissionGuard = ((request: FastifyRequest) => Promise<void>) & { readonly access: RouteAccess };

export function requirePermission(access: RouteAccess): PermissionGuard {
  const guard = async (request: FastifyRequest) => {
    const role = request.membership?.role;
    if (!role) throw forbidden('You are not a member of this workspace');
    if (!roleCan(role, access)) {
      const what = access === ANY_MEMBER ? 'open this workspace' : PERMISSIONS[access].charAt(0).toLowerCase() + PERMISSIONS[access].slice(1);
      throw new AppError('permission_denied', `Your role in this workspace (${role}) does not allow this: ${what}.`);
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
