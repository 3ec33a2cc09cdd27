/**
 * `saas-cli jobs`: the job queues for operators. Counts per queue, listings, the failed set (jobs
 * that used up their attempts, with their error) and retries. With REDIS_URL these are BullMQ's
 * queues. On the embedded default jobs run inside the web process: there are no queues to list, the
 * failed set is the `job_failures` table, and a retry runs the job here and now (with the web
 * process stopped: it holds the embedded database; /admin/jobs retries while it runs).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { BullmqAdmin, JobState, JobSummary } from '../../platform/queue/bullmq-admin.js';
import { QUEUE_NAMES, type QueueName } from '../../platform/queue/queue.js';
import type { JobFailureRow } from '../../modules/jobs/index.js';
import { integerBetween } from '../args.js';
import { loadCliConfig, withContext, type CliContext } from '../context.js';
import { color, examples, fail, print, printJson, printSuccess, printTable, EXIT_FAILURE, EXIT_USAGE } from '../output.js';

/** Kept here (not imported from the BullMQ module) so `--help` and argument errors never load BullMQ. */
const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;
const EMBEDDED = 'REDIS_URL is not set: jobs run inside the web process (the embedded default), so there are no shared queues to show here.';
const EMBEDDED_HINT = 'Jobs that used up their attempts: `saas-cli jobs failed` (with the web process stopped), or /admin/jobs while it runs.';

function parseQueue(value: string): QueueName {
  const queue = value.trim();
  if (!(QUEUE_NAMES as readonly string[]).includes(queue)) throw new InvalidArgumentError(`Unknown queue "${queue}"; choose from ${QUEUE_NAMES.join(', ')}.`);
  return queue as QueueName;
}

function parseState(value: string): JobState {
  const state = value.trim();
  if (!(STATES as readonly string[]).includes(state)) throw new InvalidArgumentError(`Unknown state "${state}"; choose from ${STATES.join(', ')}.`);
  return state as JobState;
}

function parseJobId(value: string): string {
  const id = value.trim();
  if (!id || id.length > 200 || /\s/.test(id)) throw new InvalidArgumentError('Expected a job id (see `saas-cli jobs failed`).');
  return id;
}

/** Runs `fn` with the BullMQ queues, or handles the embedded default (`embedded` says how). */
async function withQueues(embedded: 'message' | 'fail', fn: (admin: BullmqAdmin, ctx: CliContext) => Promise<void>): Promise<void> {
  // Decided before opening anything: the embedded database may be locked by the running web process.
  if (!(await loadCliConfig()).redisUrl) {
    if (embedded === 'fail') fail(EMBEDDED, EXIT_FAILURE, EMBEDDED_HINT);
    print(EMBEDDED);
    print(color.out.dim(EMBEDDED_HINT));
    return;
  }
  await withContext({}, async (ctx) => {
    const { createBullmqAdmin } = await import('../../platform/queue/bullmq-admin.js');
    const admin = createBullmqAdmin(ctx.deps.redis!, ctx.deps.queuePrefix);
    try {
      await fn(admin, ctx);
    } finally {
      await admin.close();
    }
  });
}

const when = (job: JobSummary) => (job.finishedAt ?? job.createdAt).toISOString().replace('T', ' ').slice(0, 19);
const oneLine = (text: string | null, max = 80) => (text ? (text.length > max ? `${text.slice(0, max - 1)}…` : text).replace(/\s+/g, ' ') : '');
const toJson = (job: JobSummary) => ({ ...job, createdAt: job.createdAt.toISOString(), finishedAt: job.finishedAt?.toISOString() ?? null });

async function stats(opts: { json?: boolean }): Promise<void> {
  if (!(await loadCliConfig()).redisUrl) {
    // The outbox count needs the embedded database, which the running web process may hold: then without it.
    const counts = await withContext({}, async (ctx) => {
      const services = await ctx.services();
      return { outboxPending: await services.outbox.pendingCount(), failed: await services.jobFailures.count() };
    }).catch(() => null);
    if (opts.json) return printJson({ mode: 'embedded', message: EMBEDDED, queues: [], outboxPending: counts?.outboxPending ?? null, failed: counts?.failed ?? null });
    print(EMBEDDED);
    print(color.out.dim(EMBEDDED_HINT));
    if (counts) {
      print(`Outbox rows not yet queued: ${counts.outboxPending}`);
      print(`Failed jobs: ${counts.failed ? color.out.red(String(counts.failed)) : 0}`);
    }
    return;
  }
  await withContext({}, async (ctx) => {
    const outboxPending = await (await ctx.services()).outbox.pendingCount().catch(() => null);
    const { createBullmqAdmin } = await import('../../platform/queue/bullmq-admin.js');
    const admin = createBullmqAdmin(ctx.deps.redis!, ctx.deps.queuePrefix);
    try {
      const counts = await admin.stats();
      if (opts.json) return printJson({ mode: 'redis', queues: counts, outboxPending });
      printTable(
        ['Queue', 'Waiting', 'Active', 'Delayed', 'Failed', 'Completed'],
        counts.map((c) => [c.queue, c.waiting, c.active, c.delayed, c.failed ? color.out.red(String(c.failed)) : 0, c.completed]),
      );
      print(`Outbox rows not yet queued: ${outboxPending ?? 'unknown (database unreachable)'}`);
    } finally {
      await admin.close();
    }
  });
}

async function list(opts: { queue?: QueueName; state: JobState; limit: number; json?: boolean }): Promise<void> {
  await withQueues('message', async (admin) => {
    const jobs = await admin.list({ ...(opts.queue ? { queue: opts.queue } : {}), state: opts.state, limit: opts.limit });
    if (opts.json) return printJson(jobs.map(toJson));
    printTable(
      ['ID', 'Queue', 'Job', 'State', 'Attempts', 'When (UTC)'],
      jobs.map((j) => [j.id, j.queue, j.name, j.state, `${j.attemptsMade}/${j.attempts}`, when(j)]),
      `No ${opts.state} jobs${opts.queue ? ` on ${opts.queue}` : ''}.`,
    );
  });
}

/** Whether the failed set is the embedded default's `job_failures` table (without Redis) rather than BullMQ's. */
async function embeddedFailures(): Promise<boolean> {
  return !(await loadCliConfig()).redisUrl;
}

async function failed(opts: { queue?: QueueName; limit: number; json?: boolean }): Promise<void> {
  if (await embeddedFailures()) {
    return withContext({}, async (ctx) => {
      const rows = await (await ctx.services()).jobFailures.list({ limit: opts.limit, ...(opts.queue ? { queue: opts.queue } : {}) });
      if (opts.json) return printJson(rows.map((r) => ({ ...r, failedAt: r.failedAt.toISOString(), retriedAt: null })));
      printTable(
        ['ID', 'Queue', 'Job', 'Attempts', 'Error', 'Failed at (UTC)'],
        rows.map((r) => [r.id, r.queue, r.job, String(r.attempts), oneLine(r.error), r.failedAt.toISOString().replace('T', ' ').slice(0, 19)]),
        `No failed jobs${opts.queue ? ` on ${opts.queue}` : ''}.`,
      );
    });
  }
  await withQueues('message', async (admin) => {
    const jobs = await admin.list({ ...(opts.queue ? { queue: opts.queue } : {}), state: 'failed', limit: opts.limit });
    if (opts.json) return printJson(jobs.map(toJson));
    printTable(
      ['ID', 'Queue', 'Job', 'Attempts', 'Failed reason', 'Failed at (UTC)'],
      jobs.map((j) => [j.id, j.queue, j.name, `${j.attemptsMade}/${j.attempts}`, oneLine(j.failedReason), when(j)]),
      `No failed jobs${opts.queue ? ` on ${opts.queue}` : ''}.`,
    );
  });
}

/**
 * Embedded: runs one failed job once, here and now (no retries: the operator sees the outcome at
 * once). A new failure is recorded when it fails again. Returns the error, or null when it finished.
 */
async function runOnceHere(ctx: CliContext, failure: JobFailureRow): Promise<string | null> {
  const definition = ctx.deps.queue.definitions().find((d) => d.name === failure.job)!;
  const jobId = `cli-retry-${failure.id}`;
  try {
    await definition.handle(definition.parse(failure.payload), { jobId, attempt: 1 });
    return null;
  } catch (err) {
    const error = (err as Error)?.message ?? String(err);
    await (await ctx.services()).jobFailures.record({ jobId, name: failure.job, queue: definition.queue, payload: failure.payload, error, attempts: 1 });
    return error;
  }
}

async function retry(id: string, opts: { queue?: QueueName; json?: boolean }): Promise<void> {
  if (await embeddedFailures()) {
    return withContext({}, async (ctx) => {
      const taken = /^[0-9a-f-]{36}$/i.test(id) ? await (await ctx.services()).jobFailures.take(id) : 'not_found';
      if (taken === 'not_found') fail(`No failed job has the id "${id}".`, EXIT_FAILURE, 'See `saas-cli jobs failed` for the failed jobs.');
      if (taken === 'already_retried') fail(`Failed job ${id} was already retried.`, EXIT_FAILURE, 'If it failed again, it has a new id: see `saas-cli jobs failed`.');
      if (taken === 'unknown_job') fail(`Failed job ${id} is a job this version of the app no longer has: it cannot run again.`);
      const error = await runOnceHere(ctx, taken);
      if (opts.json) return printJson({ retried: id, job: taken.job, ok: error === null, error });
      if (error) fail(`${taken.job} failed again: ${oneLine(error)}`, EXIT_FAILURE, 'It is back in `saas-cli jobs failed` with a new id.');
      printSuccess(`${taken.job} ran again and finished.`);
    });
  }
  await withQueues('fail', async (admin) => {
    const result = await admin.retry(id, opts.queue);
    if (result.outcome === 'not_found') fail(`No job has the id "${id}"${opts.queue ? ` on the ${opts.queue} queue` : ''}.`, EXIT_FAILURE, 'See `saas-cli jobs failed` for the failed jobs.');
    if (result.outcome === 'not_failed') fail(`Job ${id} (${result.job.name} on ${result.job.queue}) is ${result.job.state}, not failed: only failed jobs can be retried.`);
    if (opts.json) return printJson({ retried: toJson(result.job) });
    printSuccess(`Job ${id} (${result.job.name}) is back on the ${result.job.queue} queue with fresh attempts.`);
  });
}

async function retryAll(opts: { queue?: QueueName; json?: boolean }): Promise<void> {
  if (!opts.queue) fail('Give the queue: --queue <name>.', EXIT_USAGE, `Queues: ${QUEUE_NAMES.join(', ')}. Run saas-cli jobs retry-all --help for usage.`);
  if (await embeddedFailures()) {
    return withContext({}, async (ctx) => {
      const { jobFailures } = await ctx.services();
      const open = await jobFailures.list({ limit: 1000, queue: opts.queue });
      let finished = 0;
      let failedAgain = 0;
      for (const [i, f] of open.entries()) {
        const taken = await jobFailures.take(f.id);
        if (typeof taken === 'string') continue; // retried meanwhile, or a job this version no longer has
        if ((await runOnceHere(ctx, taken)) === null) finished++;
        else failedAgain++;
        if (!opts.json) process.stderr.write(`${color.err.dim(`  ran ${i + 1} of ${open.length}`)}\n`);
      }
      if (opts.json) return printJson({ queue: opts.queue, retried: finished + failedAgain, finished, failedAgain });
      if (finished + failedAgain === 0) return printSuccess(`No failed jobs on the ${opts.queue} queue.`);
      if (failedAgain) fail(`Ran ${finished + failedAgain} failed jobs again: ${finished} finished, ${failedAgain} failed again.`, EXIT_FAILURE, 'See `saas-cli jobs failed`.');
      printSuccess(`Ran ${finished} failed job${finished === 1 ? '' : 's'} of the ${opts.queue} queue again; all finished.`);
    });
  }
  await withQueues('fail', async (admin) => {
    const count = await admin.retryAll(opts.queue!, (done, total) => {
      if (!opts.json && total > 0) process.stderr.write(`${color.err.dim(`  retried ${done} of ${total}`)}\n`);
    });
    if (opts.json) return printJson({ queue: opts.queue, retried: count });
    printSuccess(count ? `Retried ${count} failed job${count === 1 ? '' : 's'} on the ${opts.queue} queue.` : `No failed jobs on the ${opts.queue} queue.`);
  });
}

export function registerJobsCommands(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('Inspect the job queues, the failed set, and retry failed jobs')
    .addHelpText('after', examples('saas-cli jobs stats', 'saas-cli jobs failed --queue email', 'saas-cli jobs retry 42', 'saas-cli jobs retry-all --queue email'));
  const queueOption = `queue: ${QUEUE_NAMES.join(', ')}`;
  jobs.command('stats').description('Jobs per queue and state, and outbox rows not yet queued').option('--json', 'print JSON').action(stats);
  jobs
    .command('list')
    .description('Jobs in one state, newest first')
    .option('--queue <name>', `${queueOption} (default: all)`, parseQueue)
    .option('--state <state>', `one of ${STATES.join(', ')}`, parseState, 'waiting' as JobState)
    .option('--limit <n>', 'at most this many, 1-1000', integerBetween(1, 1000), 50)
    .option('--json', 'print JSON')
    .action(list);
  jobs
    .command('failed')
    .description('Jobs that used up their attempts, with their error')
    .option('--queue <name>', `${queueOption} (default: all)`, parseQueue)
    .option('--limit <n>', 'at most this many, 1-1000', integerBetween(1, 1000), 50)
    .option('--json', 'print JSON')
    .action(failed);
  jobs
    .command('retry')
    .description('Put one failed job back on its queue with fresh attempts')
    .argument('<id>', 'the job id (see `saas-cli jobs failed`)', parseJobId)
    .option('--queue <name>', `${queueOption} (default: search every queue)`, parseQueue)
    .option('--json', 'print JSON')
    .action(retry);
  jobs
    .command('retry-all')
    .description("Put every failed job of a queue back with fresh attempts")
    .option('--queue <name>', `${queueOption} (required)`, parseQueue)
    .option('--json', 'print JSON')
    .action(retryAll);
}
