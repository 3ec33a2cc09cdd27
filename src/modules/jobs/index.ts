/** Background work: the transactional outbox that turns committed writes into queued jobs. */
export { createOutbox, type Outbox, type OutboxAddOptions } from './outbox.js';
export { createJobFailures, type JobFailures, type JobFailureRow, type RetryOutcome } from './failures.js';
export { createCleanup, createCleanupJobs, CLEANUP_JOB, type Cleanup, type CleanupCounts } from './cleanup.jobs.js';
export { SCHEDULES, type Schedule } from './schedules.js';
export { jobsAdminRoutes } from './jobs-admin.routes.js';
