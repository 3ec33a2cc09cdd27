/** In-process runner for the embedded default: jobs run in this process, soon after enqueue, with retries. */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { backoffDelay, type JobDefinition, type JobQueue } from './queue.js';

export function createInProcessQueue(definitions: JobDefinition<unknown>[], log: Logger): JobQueue & { drain(): Promise<void> } {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const running = new Set<Promise<void>>();
  const pendingIds = new Set<string>();
  let closed = false;

  const run = async (definition: JobDefinition<unknown>, payload: unknown, jobId: string) => {
    const attempts = definition.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts && !closed; attempt++) {
      try {
        await definition.handle(definition.parse(payload), { jobId, attempt });
        return;
      } catch (err) {
        const last = attempt === attempts;
        log.warn({ err, job: definition.name, jobId, attempt }, last ? 'job failed for good' : 'job failed, will retry');
        if (last) return;
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, definition.backoffMs ?? 1000)).unref());
      }
    }
  };

  return {
    async enqueue(name, payload, options = {}) {
      const definition = byName.get(name);
      if (!definition) throw new Error(`Unknown job "${name}"`);
      definition.parse(payload); // fail at the caller, as BullMQ producers would with a schema check
      const jobId = options.jobId ?? crypto.randomUUID();
      if (pendingIds.has(jobId)) return;
      pendingIds.add(jobId);
      const task = (async () => {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        await run(definition, payload, jobId);
      })().finally(() => {
        pendingIds.delete(jobId);
        running.delete(task);
      });
      running.add(task);
    },
    async ping() {},
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async close() {
      await this.drain();
      closed = true;
    },
  };
}
