/** Workspace lifecycle: the data export, and deletion by an owner after a grace period. */
/** The export: a ZIP of workspace.json, one CSV per kind of record and a README, read inside the tenant's scope. */
export { createExportService, exportFileName, type ExportService, type WorkspaceExport } from './export.service.js';
/** Deletion: schedule (closes the workspace), cancel, and the purge that deletes every tenant-owned row. */
export { createDeletionService, PURGE_JOB, PURGE_DUE_JOB, type DeletionService, type PurgeResult } from './deletion.service.js';
/** The `tenants.purge` and `tenants.purge_due` jobs, and the id that queues the sweep once an hour. */
export { createLifecycleJobs, purgeDueJobId } from './lifecycle.jobs.js';
/** The export page and downloads (/settings/export, /export.zip, /api/export) and the deletion page (/settings/workspace/delete). */
export { lifecycleRoutes } from './lifecycle.routes.js';
