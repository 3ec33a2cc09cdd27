/** The audit log of security events: recording, reading for the pages, export for the CLI. */
export { createAuditService, SYSTEM_CONTEXT, type AuditService, type AuditContext, type AuditEntry, type AuditEvent, type AuditFilters } from './audit.service.js';
/** The catalogue of actions and their labels. */
export { EXPORTED_AUDIT_COLUMNS, toExportedAuditEvent, type ExportedAuditEvent } from './export-row.js';
export { AUDIT_ACTIONS, AUDIT_OUTCOMES, isAuditAction, type AuditAction, type AuditOutcome } from './actions.js';
/** Audit context from a request. */
export { auditContextOf } from './audit.context.js';
/** The tenant's audit log page. */
export { auditRoutes } from './audit.routes.js';
