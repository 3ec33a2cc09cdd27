/** The audit context of an HTTP request: client address (as the trusted-proxy setting resolves it), user agent, request id. */
import type { FastifyRequest } from 'fastify';
import { clientInfo } from '../../platform/http/forms.js';
import type { AuditContext } from './audit.service.js';

export function auditContextOf(request: FastifyRequest): AuditContext {
  const client = clientInfo(request);
  return { ip: client.ip || null, userAgent: client.userAgent || null, requestId: String(request.id) };
}
