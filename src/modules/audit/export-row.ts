/**
 * One audit event as it leaves the app: the workspace export (JSON and CSV) and
 * `saas-cli audit export` (JSON Lines and CSV) write the same fields, in this order.
 */
import type { AuditEvent } from './audit.service.js';

export const EXPORTED_AUDIT_COLUMNS = ['occurred_at', 'tenant_id', 'actor_user_id', 'actor_email', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent', 'request_id', 'details', 'id'] as const;

export type ExportedAuditEvent = {
  occurred_at: Date;
  tenant_id: string | null;
  actor_user_id: string | null;
  actor_email: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  id: string;
};

export function toExportedAuditEvent(e: AuditEvent): ExportedAuditEvent {
  return {
    occurred_at: e.occurredAt,
    tenant_id: e.tenantId,
    actor_user_id: e.actorUserId,
    actor_email: e.actorEmail,
    action: e.action,
    outcome: e.outcome,
    target_type: e.targetType,
    target_id: e.targetId,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: e.details as Record<string, unknown>,
    id: e.id,
  };
}
