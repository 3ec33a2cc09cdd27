/** `saas-cli health`: checks what the app depends on, from the operator's side. Read-only. */
import net from 'node:net';
import type { Command } from 'commander';
import { describeDatabase, withContext } from '../context.js';
import { color, errorMessage, examples, EXIT_FAILURE, print, printJson, printTable } from '../output.js';

type Status = 'ok' | 'fail' | 'off';

interface Check {
  check: string;
  status: Status;
  detail: string;
}

const TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reachable(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(TIMEOUT_MS);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`));
    });
    socket.once('error', reject);
  });
}

async function health(opts: { json?: boolean }): Promise<void> {
  const checks = await withContext({ migrate: false }, async (ctx) => {
    const { config, deps } = ctx;
    const results: Check[] = [];

    let databaseUp = false;
    try {
      await withTimeout(deps.database.ping(), 'the database');
      databaseUp = true;
      results.push({ check: 'database', status: 'ok', detail: describeDatabase(config) });
    } catch (err) {
      results.push({ check: 'database', status: 'fail', detail: `${describeDatabase(config)}: ${errorMessage(err)}` });
    }

    if (!databaseUp) results.push({ check: 'migrations', status: 'fail', detail: 'unknown: the database is unreachable' });
    else {
      try {
        const pending = await withTimeout(deps.pendingMigrations(), 'the database');
        results.push(
          pending.length === 0
            ? { check: 'migrations', status: 'ok', detail: 'up to date' }
            : { check: 'migrations', status: 'fail', detail: `${pending.length} pending (${pending.join(', ')}): run saas-cli db migrate` },
        );
      } catch (err) {
        results.push({ check: 'migrations', status: 'fail', detail: errorMessage(err) });
      }
    }

    if (!config.redisUrl || !deps.redis) {
      results.push({ check: 'redis', status: 'off', detail: 'not configured: in-memory cache and in-process jobs' });
    } else {
      const redis = deps.redis;
      try {
        await withTimeout(redis.ping(), 'Redis');
        results.push({ check: 'redis', status: 'ok', detail: `${redis.options.host ?? 'localhost'}:${redis.options.port ?? 6379}` });
      } catch (err) {
        results.push({ check: 'redis', status: 'fail', detail: errorMessage(err) });
      }
    }

    if (!config.smtpUrl) {
      // Fine in development; in production it means no email (invitations, password resets) ever arrives.
      results.push(
        config.isProduction
          ? { check: 'mail', status: 'fail', detail: 'SMTP_URL is not set: mail goes to the dev outbox and is never delivered' }
          : { check: 'mail', status: 'ok', detail: `dev outbox in ${config.dataDir}/mail: nothing is sent` },
      );
    } else {
      const smtp = new URL(config.smtpUrl);
      const port = Number(smtp.port) || (smtp.protocol === 'smtps:' ? 465 : 587);
      try {
        await reachable(smtp.hostname, port);
        results.push({ check: 'mail', status: 'ok', detail: `SMTP ${smtp.hostname}:${port} reachable` });
      } catch (err) {
        results.push({ check: 'mail', status: 'fail', detail: `SMTP ${smtp.hostname}:${port}: ${errorMessage(err)}` });
      }
    }
    return results;
  });

  const ok = checks.every((c) => c.status !== 'fail');
  if (opts.json) printJson({ ok, checks });
  else {
    const paint = { ok: color.out.green, fail: color.out.red, off: color.out.dim } as const;
    printTable(
      ['Check', 'Status', 'Detail'],
      checks.map((c) => [c.check, paint[c.status](c.status), c.detail]),
    );
    print(ok ? color.out.green('All checks passed.') : color.out.red('Some checks failed.'));
  }
  if (!ok) process.exitCode = EXIT_FAILURE;
}

export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description('Check the database, migrations, Redis and mail; exits 1 if any check fails')
    .option('--json', 'print { ok, checks: [{ check, status, detail }] } as JSON')
    .addHelpText(
      'after',
      examples('saas-cli health', 'saas-cli health --json') +
        '\nStatus is ok, fail, or off (not configured, which is fine). Exit codes: 0 all OK, 1 a check failed.\n',
    )
    .action(health);
}
