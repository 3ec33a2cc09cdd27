/** Web process: config -> dependencies -> app -> listen. Stops gracefully on SIGTERM/SIGINT. */
import fs from 'node:fs';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, withDevSecretKey } from './platform/config.js';
import { DataDirError } from './platform/db/data-dir-lock.js';
import { AppError } from './platform/errors.js';
import { buildDeps } from './platform/deps.js';
import { createLogger } from './platform/log.js';
import { seedDemo } from './seed.js';
import { PURGE_DUE_JOB, purgeDueJobId } from './modules/lifecycle/index.js';
import { createServices } from './services.js';

async function main() {
  const started = performance.now();
  // A `.env` in the working directory fills in what the real environment does not set.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(withDevSecretKey());
  const log = createLogger(config);
  const deps = await buildDeps(config, log);
  const services = createServices(deps);
  const app = await buildApp(deps, services);

  const embedded = !config.databaseUrl;
  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  const pending = embedded ? [] : await deps.pendingMigrations();
  if (pending.length) {
    log.error({ pending }, 'database migrations are pending: run `saas-cli db migrate` (the app reports not-ready until then)');
  } else if (config.seedDemo) {
    try {
      demo = await seedDemo(deps, services);
    } catch (err) {
      // Several processes starting at once: another one seeded it first.
      if (!(err instanceof AppError && err.fields)) throw err;
    }
  }
  // Workspace deletions whose delayed job was lost (an embedded restart, a queue that was down) run now.
  if (!pending.length) await deps.queue.enqueue(PURGE_DUE_JOB, {}, { dedupeKey: purgeDueJobId() }).catch((err: unknown) => log.warn({ err }, 'could not queue the purge of due workspace deletions'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    await deps.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  services.auth.warmUp();
  const origin = config.publicUrl.origin;
  log.info({ ms: Math.round(performance.now() - started), mode: embedded ? 'embedded' : 'production' }, `listening on ${origin}`);
  if (process.stdout.isTTY || demo) {
    const lines = [
      '',
      `  SaaS App is running (${embedded ? 'embedded database in ' + config.dataDir : 'PostgreSQL'})`,
      '',
      `  Site       ${origin}`,
      `  Sign up    ${origin}/signup`,
      `  API docs   ${origin}/docs`,
      `  Health     ${origin}/health  ·  ${origin}/ready`,
    ];
    if (demo) lines.push(`  Demo       ${demo.tenantUrl}  (log in as ${demo.email} / ${demo.password})`);
    lines.push('');
    process.stdout.write(lines.join('\n') + '\n');
  }
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(`Port already in use: another process listens on it. Stop it or set PORT to another port.\n`);
    process.exit(1);
  }
  process.stderr.write(`Failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
