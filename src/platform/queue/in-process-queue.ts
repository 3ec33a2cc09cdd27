/** In-process runner for the embedded default: jobs run in this process, soon after enqueue, with retries. */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { backoffDelay, type FailedJob, type JobDefinition, type JobQueue } from './queue.js';

export function createInProcessQueue(log: Logger, definitions: JobDefinition<unknown>[] = []): JobQueue & { drain(): Promise<void> } {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const failureListeners: ((failure: FailedJob) => Promise<void>)[] = [];
  const running = new Set<Promise<void>>();
  const pendingKeys = new Set<string>();
  let closed = false;
  // Retry waits are cut short by close(): shutting down must not wait for a backoff.
  const sleeping = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleeping.add(wake);
    });

  const run = async (definition: JobDefinition<unknown>, payload: unknown, jobId: string) => {
    const attempts = definition.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts && !closed; attempt++) {
      try {
        await definition.handle(definition.parse(payload), { jobId, attempt });
        return;
      } catch (err) {
        const last = attempt === attempts;
        log.warn({ err, job: definition.name, jobId, attempt }, last ? 'job failed for good' : 'job failed, will retry');
        if (last) {
          const failure: FailedJob = { jobId, name: definition.name, queue: definition.queue, payload, error: (err as Error)?.message ?? String(err), attempts };
          for (const listener of failureListeners) {
            await listener(failure).catch((e: unknown) => log.error({ err: e, job: definition.name, jobId }, 'could not record a failed job'));
          }
          return;
        }
        await sleep(backoffDelay(attempt, definition.backoffMs ?? 1000));
      }
    }
  };

  return {
    channel: 'in-process',
    register(more) {
      for (const d of more) byName.set(d.name, d);
    },
    definitions: () => [...byName.values()],
    onFailed(listener) {
      failureListeners.push(listener);
    },
    async enqueue(name, payload, options = {}) {
      const definition = byName.get(name);
      if (!definition) throw new Error(`Unknown job "${name}"`);
      definition.parse(payload); // fail at the caller, as BullMQ producers would with a schema check
      const jobId = crypto.randomUUID();
      const key = options.dedupeKey ?? jobId;
      if (pendingKeys.has(key)) return;
      pendingKeys.add(key);
      const task = (async () => {
        if (options.delayMs) await sleep(options.delayMs);
        if (closed) return;
        await run(definition, payload, jobId);
      })().finally(() => {
        pendingKeys.delete(key);
        running.delete(task);
      });
      running.add(task);
    },
    async ping() {},
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async close() {
      closed = true;
      for (const wake of [...sleeping]) wake();
      await this.drain();
    },
  };
}
