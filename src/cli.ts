/**
 * Operator CLI (`saas-cli`): set-up, users, tenants, database, health and the job worker.
 * Commands call the same services as the web app. Output: human text on stdout (or JSON with --json),
 * errors on stderr. Exit codes: 0 success, 1 failure (or a check that is not OK), 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './cli/commands/audit.js';
import { registerDbCommands } from './cli/commands/db.js';
import { registerDomainsCommands } from './cli/commands/domains.js';
import { registerHealthCommand } from './cli/commands/health.js';
import { registerEmailCommand } from './cli/commands/email.js';
import { registerJobsCommands } from './cli/commands/jobs.js';
import { registerSetupCommand } from './cli/commands/setup.js';
import { registerTenantsCommands } from './cli/commands/tenants.js';
import { registerUsersCommands } from './cli/commands/users.js';
import { registerWorkerCommand } from './cli/commands/worker.js';
import { CliError, color, errorMessage, examples, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli/output.js';
import { ConfigError } from './platform/config.js';
import { AppError } from './platform/errors.js';

/** The app's version, from the package.json above this file (src/ under tsx, dist/src/ when compiled). */
function readVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
    try {
      return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* not here: look one level up */
    }
  }
  return '0.0.0';
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function forEachCommand(command: Command, fn: (c: Command) => void): void {
  fn(command);
  for (const sub of command.commands) forEachCommand(sub, fn);
}

function buildProgram(): Command {
  const program = new Command('saas-cli')
    .version(readVersion())
    .description('Operate the SaaS app: set it up, manage users and tenants, migrate the database, check health, run the job worker, send campaigns.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(color.err.red(s)),
    })
    .showSuggestionAfterError(true);

  registerSetupCommand(program);
  registerUsersCommands(program);
  registerTenantsCommands(program);
  registerDomainsCommands(program);
  registerDbCommands(program);
  registerAuditCommands(program);
  registerHealthCommand(program);
  registerWorkerCommand(program);
  registerJobsCommands(program);
  registerEmailCommand(program);

  program.addHelpText(
    'after',
    examples('saas-cli setup --admin-email admin@example.com', 'saas-cli tenants create "Acme Inc" acme --owner-email owner@acme.test', 'saas-cli health --json') +
      '\nConfiguration comes from the environment (and ./.env): DATABASE_URL, REDIS_URL, DATA_DIR, ... as for the app.\n' +
      'Exit codes: 0 success, 1 failure or a failed check, 2 usage error (bad command, option or value).\n',
  );
  // After every command exists: exitOverride/configureOutput were inherited, the hint names the command itself.
  forEachCommand(program, (c) => c.showHelpAfterError(color.err.dim(`Run ${commandPath(c)} --help for usage.`)));
  return program;
}

function printError(message: string, hint?: string): void {
  process.stderr.write(`${color.err.red(`error: ${message}`)}\n`);
  if (hint) process.stderr.write(`${color.err.dim(hint)}\n`);
}

/** Prints what went wrong and returns the exit code. */
function reportError(err: unknown, command: Command | null): number {
  if (err instanceof CommanderError) {
    // Commander printed the message (and the --help hint) already; help and version end here with 0.
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
  const hint = command ? `Run ${commandPath(command)} --help for usage.` : undefined;
  if (err instanceof CliError) {
    printError(err.message, err.hint);
    return err.exitCode;
  }
  if (err instanceof AppError && err.fields && Object.keys(err.fields).length > 0) {
    for (const [field, message] of Object.entries(err.fields)) printError(`${field}: ${message}`);
    if (hint) process.stderr.write(`${color.err.dim(hint)}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof AppError || err instanceof ConfigError) {
    printError(err.message);
    return EXIT_FAILURE;
  }
  printError(errorMessage(err), process.env.DEBUG ? undefined : 'Set DEBUG=1 to see the stack trace.');
  if (process.env.DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT_FAILURE;
}

async function main(): Promise<number> {
  // `saas-cli users list | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
  // Real environment variables win over the file.
  if (fs.existsSync('.env')) {
    try {
      process.loadEnvFile('.env');
    } catch (err) {
      printError(`could not read .env: ${(err as Error).message}`);
      return EXIT_FAILURE;
    }
  }
  const program = buildProgram();
  let running: Command | null = null;
  program.hook('preAction', (_program, actionCommand) => {
    running = actionCommand;
  });
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    return reportError(err, running);
  }
}

// Exit explicitly: a client library that keeps a timer or socket alive must not keep an operator's shell waiting.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    printError(err instanceof Error ? err.message : String(err));
    process.exit(EXIT_FAILURE);
  },
);
