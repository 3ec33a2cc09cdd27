/**
 * What a command runs against: config, dependencies and services, built as the web process builds them.
 * Loaded on demand, so `--help` and argument errors answer without opening the database.
 */
import type { Logger } from 'pino';
import type { AppConfig } from '../platform/config.js';
import type { Deps } from '../platform/deps.js';
import type { Services } from '../services.js';
import { CliError, EXIT_FAILURE } from './output.js';
import { validationFailed } from '../platform/errors.js';

export interface CliContext {
  config: AppConfig;
  deps: Deps;
  /** The shared services; loaded on first call (they pull in most of the app). */
  services(): Promise<Services>;
}

export interface ContextOptions {
  /**
   * False: leave the schema alone, for commands that migrate or inspect it themselves.
   * Otherwise the deps default applies: the embedded database migrates on open, PostgreSQL does not.
   */
  migrate?: false;
  /** Refuse to run while migrations are pending (commands that read or write application tables). */
  requireSchema?: boolean;
}

let cachedConfig: AppConfig | undefined;

/** Config from the environment (and DATA_DIR/.secret-key outside production); a `ConfigError` becomes an operator error. */
export async function loadCliConfig(): Promise<AppConfig> {
  if (cachedConfig) return cachedConfig;
  const { ConfigError, loadConfig, withDevSecretKey } = await import('../platform/config.js');
  try {
    cachedConfig = loadConfig(withDevSecretKey());
    return cachedConfig;
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT_FAILURE);
    throw err;
  }
}

/** Logs go to stderr so stdout holds only the command's output; quiet (warn) unless LOG_LEVEL asks for more. */
async function createCliLogger(config: AppConfig): Promise<Logger> {
  const { pino } = await import('pino');
  const { REDACTED_PATHS } = await import('../platform/log.js');
  const level = process.env.LOG_LEVEL ? config.logLevel : 'warn';
  const options = { name: 'saas-cli', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (process.stderr.isTTY && !config.isProduction) {
    const { default: pretty } = await import('pino-pretty');
    return pino(options, pretty({ destination: 2, sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' }));
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** Where the database is, for messages: never the connection string (it carries the password). */
export function describeDatabase(config: AppConfig): string {
  if (!config.databaseUrl) return `the embedded database in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || url.username || 'postgres';
  return `PostgreSQL database "${name}" on ${url.hostname}${url.port ? `:${url.port}` : ''}`;
}

async function closeWithin(deps: Deps, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // A Redis or PostgreSQL server that went away can make a graceful close wait forever; the CLI exits anyway.
  await Promise.race([deps.close(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Opens the dependencies, runs `fn`, and always closes them (which releases the embedded database's lock). */
export async function withContext<T>(options: ContextOptions, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = await loadCliConfig();
  const log = await createCliLogger(config);
  const [{ buildDeps }, { DataDirError }] = await Promise.all([
    import('../platform/deps.js'),
    import('../platform/db/data-dir-lock.js'),
  ]);
  let deps: Deps;
  try {
    deps = await buildDeps(config, log, { ...(options.migrate === false ? { migrate: false } : {}) });
  } catch (err) {
    if (err instanceof DataDirError) throw new CliError(err.message, EXIT_FAILURE);
    throw err;
  }
  try {
    if (options.requireSchema) {
      const pending = await deps.pendingMigrations();
      if (pending.length) {
        throw new CliError(
          `${describeDatabase(config)} has ${pending.length} pending migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')}).`,
          EXIT_FAILURE,
          'Run `saas-cli db migrate` first.',
        );
      }
    }
    let services: Services | undefined;
    return await fn({
      config,
      deps,
      async services() {
        if (!services) {
          const { createServices } = await import('../services.js');
          services = createServices(deps);
        }
        return services;
      },
    });
  } finally {
    await closeWithin(deps, 5000);
  }
}

/** The tenant with this subdomain, or an operator error that says how to find one. */
export async function requireTenantBySubdomain(ctx: CliContext, subdomain: string) {
  const tenant = await (await ctx.services()).tenants.getTenantBySubdomain(subdomain);
  if (!tenant) throw validationFailed({ tenant: `No tenant has the subdomain "${subdomain}" (see \`saas-cli tenants list\`)` });
  return tenant;
}
