/** Every job the workers can run, from every module. The queue adapters are built from this list. */
import type { JobDefinition } from './platform/queue/queue.js';

export const allJobs: JobDefinition<unknown>[] = [];
