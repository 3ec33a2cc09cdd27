/** `saas-cli worker`: runs the background job worker in this process until SIGTERM / Ctrl+C. */
import type { Command } from 'commander';
import { QUEUE_NAMES, type QueueName } from '../../platform/queue/queue.js';
import { integerBetween, parseQueues } from '../args.js';
import { examples } from '../output.js';

async function worker(opts: { queues?: QueueName[]; concurrency?: number }): Promise<void> {
  // The worker opens its own connections; loading it only here keeps the other commands light.
  const { runWorker } = await import('../../worker.js');
  await runWorker({ ...(opts.queues ? { queues: opts.queues } : {}), ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run background jobs from the Redis queues (needs REDIS_URL)')
    .option('--queues <list>', `comma-separated queues to consume: ${QUEUE_NAMES.join(', ')} (default: all)`, parseQueues)
    .option('--concurrency <n>', 'jobs run at once per queue, 1-100 (default: 5)', integerBetween(1, 100))
    .addHelpText(
      'after',
      examples('saas-cli worker', 'saas-cli worker --queues email,webhooks --concurrency 10') +
        '\nRegisters the schedules, then runs jobs. On SIGTERM or Ctrl+C it stops taking jobs and waits up to WORKER_SHUTDOWN_SECONDS (25) for the running ones;\n' +
        'a second signal exits at once. Probes: GET /health and /ready on WORKER_HEALTH_PORT (9465; 0 turns them off).\n' +
        'Without REDIS_URL jobs run inside the web process and this exits at once.\n',
    )
    .action(worker);
}
