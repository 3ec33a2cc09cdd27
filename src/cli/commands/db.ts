/** `saas-cli db ...`: schema migrations, status, demo data and reset. */
import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { describeDatabase, loadCliConfig, withContext } from '../context.js';
import { color, examples, EXIT_FAILURE, EXIT_USAGE, fail, print, printFields, printJson, printSuccess, printTable, printWarning } from '../output.js';

async function migrate(): Promise<void> {
  await withContext({ migrate: false }, async (ctx) => {
    const { runMigrations } = await import('../../platform/db/migrations.js');
    const applied = await ctx.deps.withOwnerDb((db) => runMigrations(db));
    if (applied.length === 0) {
      print(`Already up to date: ${describeDatabase(ctx.config)}.`);
      return;
    }
    for (const tag of applied) printSuccess(`Applied ${tag}`);
    print(`Up to date: ${describeDatabase(ctx.config)}.`);
  });
}

async function status(opts: { json?: boolean }): Promise<void> {
  const upToDate = await withContext({ migrate: false }, async (ctx) => {
    const { getMigrationStatus } = await import('../../platform/db/migrations.js');
    const migrations = await ctx.deps.withOwnerDb((db) => getMigrationStatus(db));
    const pending = migrations.filter((m) => !m.applied).map((m) => m.tag);
    if (opts.json) {
      printJson({ upToDate: pending.length === 0, pending, migrations: migrations.map((m) => ({ tag: m.tag, applied: m.applied })) });
    } else {
      printTable(
        ['Migration', 'Applied'],
        migrations.map((m) => [m.tag, m.applied ? color.out.green('yes') : color.out.yellow('no')]),
      );
      if (pending.length === 0) print(`Up to date: ${describeDatabase(ctx.config)}.`);
      else print(color.out.yellow(`${pending.length} pending: run \`saas-cli db migrate\`.`));
    }
    return pending.length === 0;
  });
  if (!upToDate) process.exitCode = EXIT_FAILURE;
}

async function seed(opts: { force?: boolean }): Promise<void> {
  const config = await loadCliConfig();
  if (config.isProduction && !opts.force) {
    fail('Refusing to seed demo data in production: its login password is public.', EXIT_USAGE, 'Pass --force if you really want the demo tenant there.');
  }
  await withContext({ requireSchema: true }, async (ctx) => {
    const [{ seedDemo }, services] = await Promise.all([import('../../seed.js'), ctx.services()]);
    const demo = await seedDemo(ctx.deps, services);
    if (demo.created) printSuccess('Created the demo tenant with sample data');
    else print('The demo tenant already exists; nothing changed.');
    printFields([
      ['URL', demo.tenantUrl],
      ['Log in', `${demo.email} / ${demo.password}`],
    ]);
  });
}

/** Reads one line from the terminal; Ctrl+C or Ctrl+D count as "no". The prompt goes to stderr so stdout stays clean. */
async function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve) => {
      rl.once('close', () => resolve(''));
      rl.once('SIGINT', () => rl.close());
      rl.question(question).then(resolve, () => resolve(''));
    });
  } finally {
    rl.close();
  }
}

async function reset(opts: { force?: boolean; yes?: boolean }): Promise<void> {
  const config = await loadCliConfig();
  if (config.isProduction && !opts.force) {
    fail('Refusing to reset a production database (NODE_ENV=production).', EXIT_USAGE, 'Pass --force as well if you really mean to drop every table.');
  }
  if (!opts.yes && !process.stdin.isTTY) {
    fail('db reset drops every table and needs confirmation, but there is no terminal to ask on.', EXIT_USAGE, 'Pass --yes to confirm from a script.');
  }
  await withContext({ migrate: false }, async (ctx) => {
    const target = describeDatabase(ctx.config);
    if (!opts.yes) {
      printWarning(`This drops every table and all data in ${target}.`);
      const answer = await ask(`Type ${color.err.bold('reset')} to continue: `);
      if (answer.trim() !== 'reset') fail('Cancelled: nothing was changed.', EXIT_FAILURE);
    }
    const { resetDatabase, runMigrations } = await import('../../platform/db/migrations.js');
    await ctx.deps.withOwnerDb((db) => resetDatabase(db));
    printSuccess(`Dropped every table in ${target}`);
    const applied = await ctx.deps.withOwnerDb((db) => runMigrations(db));
    printSuccess(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: the database is empty and up to date`);
    print(color.out.dim('Next: `saas-cli setup --admin-email <email>` for an admin, or `saas-cli db seed` for demo data.'));
  });
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Database schema: migrate, status, demo data, reset');
  db.addHelpText('after', examples('saas-cli db migrate', 'saas-cli db status'));

  db.command('migrate')
    .description('Apply pending schema migrations (as the schema owner)')
    .addHelpText('after', examples('saas-cli db migrate') + '\nSafe to run on every deploy, from several processes at once: each migration is applied once.\n')
    .action(migrate);

  db.command('status')
    .description('Show which migrations are applied; exits 1 when some are pending')
    .option('--json', 'print { upToDate, pending, migrations } as JSON')
    .addHelpText('after', examples('saas-cli db status', 'saas-cli db status --json || saas-cli db migrate') + '\nExit codes: 0 up to date, 1 migrations pending (or the database is unreachable).\n')
    .action(status);

  db.command('seed')
    .description('Create the demo tenant, its owner and sample data (does nothing if it exists)')
    .option('--force', 'allow it in production (the demo password is public)')
    .addHelpText('after', examples('saas-cli db seed'))
    .action(seed);

  db.command('reset')
    .description('Drop every table and migrate again: all data is lost')
    .option('--yes', 'do not ask for confirmation (needed without a terminal)')
    .option('--force', 'allow it when NODE_ENV=production')
    .addHelpText(
      'after',
      examples('saas-cli db reset', 'saas-cli db reset --yes') +
        '\nOn a terminal it asks you to type "reset". Without one it refuses (exit 2) unless --yes is given.\n',
    )
    .action(reset);
}
