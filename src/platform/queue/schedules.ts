/**
 * Recurring jobs ("schedules"): defined in code, each a cron pattern in UTC and the job it queues.
 * With Redis they become BullMQ job schedulers, registered at worker start (idempotent by id: several
 * workers starting together leave one scheduler per id). On the embedded default an in-process
 * scheduler in the web process queues them.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { QUEUE_NAMES, type JobDefinition, type JobQueue } from './queue.js';

export interface Schedule {
  /** Stable id: the BullMQ scheduler id. Renaming one removes the old scheduler at the next worker start. */
  id: string;
  /** Cron pattern (5 fields, or 6 with seconds), in UTC. */
  pattern: string;
  /** The job it queues (a registered definition's name). */
  job: string;
  payload: Record<string, unknown>;
  /** What it does, for the docs and the dashboard. */
  description: string;
}

/** The next run of `pattern` after `after`, in UTC. */
export function nextRun(pattern: string, after: Date = new Date()): Date {
  return CronExpressionParser.parse(pattern, { currentDate: after, tz: 'UTC' }).next().toDate();
}

/** The schedules whose job is registered; the others are left out with a log line (a module that is not built yet). */
export function runnableSchedules(schedules: readonly Schedule[], definitions: JobDefinition<unknown>[], log: Logger): Schedule[] {
  const known = new Set(definitions.map((d) => d.name));
  return schedules.filter((s) => {
    if (known.has(s.job)) return true;
    log.info({ schedule: s.id, job: s.job }, 'schedule skipped: its job is not registered');
    return false;
  });
}

/**
 * Registers `schedules` as BullMQ job schedulers and removes the schedulers no longer in code.
 * `upsertJobScheduler` is atomic per id, so workers starting at once register each schedule once.
 */
export async function registerBullmqSchedules(options: {
  connection: Redis;
  prefix?: string;
  schedules: readonly Schedule[];
  definitions: JobDefinition<unknown>[];
  log: Logger;
}): Promise<{ registered: string[]; removed: string[] }> {
  // BullMQ loads here, not at start: the embedded default never needs it (about 100 ms and 20 MB).
  const { Queue } = await import('bullmq');
  const byName = new Map(options.definitions.map((d) => [d.name, d]));
  const schedules = runnableSchedules(options.schedules, options.definitions, options.log);
  const registered: string[] = [];
  const removed: string[] = [];
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection: options.connection, prefix: options.prefix ?? 'saas' });
    queue.on('error', (err) => options.log.debug({ err: err.message, queue: name }, 'queue error'));
    try {
      const mine = schedules.filter((s) => byName.get(s.job)!.queue === name);
      for (const s of mine) {
        const definition = byName.get(s.job)!;
        await queue.upsertJobScheduler(
          s.id,
          { pattern: s.pattern, tz: 'UTC' },
          {
            name: s.job,
            data: s.payload,
            opts: {
              attempts: definition.attempts ?? 3,
              backoff: { type: 'exponential', delay: definition.backoffMs ?? 1000, jitter: 0.5 },
              removeOnComplete: { age: 24 * 3600, count: 10_000 },
              removeOnFail: false,
            },
          },
        );
        registered.push(s.id);
      }
      const wanted = new Set(mine.map((s) => s.id));
      for (const existing of await queue.getJobSchedulers(0, -1)) {
        const id = existing.id ?? existing.key;
        if (wanted.has(id)) continue;
        await queue.removeJobScheduler(id);
        removed.push(id);
      }
    } finally {
      await queue.close();
    }
  }
  options.log.info({ registered, removed }, 'schedules registered');
  return { registered, removed };
}

export interface InProcessScheduler {
  /** Each schedule and its next run. */
  upcoming(): { schedule: Schedule; next: Date }[];
  stop(): void;
}

/** setTimeout holds at most ~24.8 days; a longer wait is cut in hops. */
const MAX_WAIT_MS = 6 * 3600_000;

/**
 * Queues each schedule's job at its times, in this process (the embedded default). One timer for
 * all schedules. A run is skipped while the previous run of the same schedule is still waiting or
 * running (the queue drops a second job with the same dedupe key).
 */
export function startInProcessScheduler(options: { queue: JobQueue; schedules: readonly Schedule[]; log: Logger; now?: () => Date }): InProcessScheduler {
  const now = options.now ?? (() => new Date());
  const schedules = runnableSchedules(options.schedules, options.queue.definitions(), options.log);
  const next = new Map(schedules.map((s) => [s.id, nextRun(s.pattern, now())]));
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const arm = () => {
    if (stopped || next.size === 0) return;
    const soonest = Math.min(...[...next.values()].map((d) => d.getTime()));
    timer = setTimeout(fire, Math.max(0, Math.min(MAX_WAIT_MS, soonest - now().getTime())));
    timer.unref();
  };
  const fire = () => {
    timer = null;
    const at = now();
    for (const s of schedules) {
      const due = next.get(s.id)!;
      if (due.getTime() > at.getTime()) continue;
      next.set(s.id, nextRun(s.pattern, at));
      options.queue
        .enqueue(s.job, s.payload, { dedupeKey: `schedule:${s.id}` })
        .then(() => options.log.debug({ schedule: s.id, job: s.job }, 'scheduled job queued'))
        .catch((err: unknown) => options.log.warn({ err, schedule: s.id, job: s.job }, 'could not queue a scheduled job'));
    }
    arm();
  };
  arm();
  return {
    upcoming: () => schedules.map((schedule) => ({ schedule, next: next.get(schedule.id)! })),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
