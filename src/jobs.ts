/**
 * Every job the workers can run, from every module, built from the services they call. The
 * composition root (createServices) registers them on the queue; a worker process consumes them.
 */
import type { JobDefinition } from './platform/queue/queue.js';
import type { Services } from './services.js';

export function createJobs(_services: Omit<Services, 'jobs'>): JobDefinition<unknown>[] {
  return [];
}
