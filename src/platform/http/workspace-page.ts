/**
 * What every workspace page's layout needs (the header's workspace name and logo, the member's
 * navigation, the CSRF token), read from what the tenant route guards put on the request. One place,
 * so every page of a workspace shows the same header.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppPageContext } from '../views/layout.js';

/** Where a page shows the workspace's logo (versioned, so browsers keep it until it changes), or null without one. */
export function logoUrlOf(tenant: { logoUpdatedAt: Date | null }): string | null {
  return tenant.logoUpdatedAt ? `/logo?v=${tenant.logoUpdatedAt.getTime()}` : null;
}

export type WorkspacePageContext = AppPageContext & { tenant: { plan: string }; role: string; permissions: ReadonlySet<string>; rootUrl: string };

/** The layout context of a workspace page; call it after the guards of `tenantRoutes.web(...)` ran. */
export function workspacePageContext(request: FastifyRequest, reply: FastifyReply, rootUrl: string): WorkspacePageContext {
  const tenant = request.tenant!;
  return {
    csrfToken: reply.generateCsrf(),
    user: { name: request.auth!.name, email: request.auth!.email },
    tenant: { name: tenant.name, subdomain: tenant.subdomain, plan: tenant.plan, logoUrl: logoUrlOf(tenant) },
    role: request.membership!.role,
    permissions: request.membership!.permissions,
    rootUrl,
  };
}
