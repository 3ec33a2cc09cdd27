/** Who is acting on a workspace route, and where from: for the services' rules and the audit trail. */
import type { FastifyRequest } from 'fastify';
import { auditContextOf } from '../audit/index.js';
import type { ChangeOrigin } from './tenants.service.js';

/** The signed-in member behind a tenant route (its guards ran: `auth` and `membership` are set). */
export function memberActor(request: FastifyRequest): { userId: string; role: string; email: string | null } {
  return { userId: request.auth!.userId, role: request.membership!.role, email: request.auth!.email || null };
}

/** The request's audit context and channel. */
export function changeOrigin(request: FastifyRequest, via: 'api' | 'web'): ChangeOrigin {
  return { context: auditContextOf(request), via };
}
