/** `saas-cli setup`: first-run set-up of a deployment: schema, super admin, where to go next. */
import type { Command } from 'commander';
import { createPasswordUser, generatePassword } from '../accounts.js';
import { SYSTEM_CONTEXT } from '../../modules/audit/audit.service.js';
import { parseEmail, parsePassword } from '../args.js';
import { describeDatabase, withContext } from '../context.js';
import { color, examples, print, printFields, printJson, printShownOnce, printSuccess, secret } from '../output.js';

interface SetupOptions {
  adminEmail: string;
  password?: string;
  json?: boolean;
}

async function setup(opts: SetupOptions): Promise<void> {
  await withContext({ migrate: false }, async (ctx) => {
    const { runMigrations } = await import('../../platform/db/migrations.js');
    const applied = await ctx.deps.withOwnerDb((db) => runMigrations(db));
    const { auth } = await ctx.services();

    const existing = await auth.users.findByEmail(opts.adminEmail);
    let admin: { id: string; email: string; created: boolean; madeSuperAdmin: boolean; passwordChanged: boolean };
    let generated: string | null = null;
    if (!existing) {
      generated = opts.password ? null : generatePassword();
      const user = await createPasswordUser(ctx, {
        email: opts.adminEmail,
        password: opts.password ?? generated!,
        isSuperAdmin: true,
        // The operator who runs set-up owns this address.
        emailVerified: true,
      });
      admin = { id: user.id, email: user.email, created: true, madeSuperAdmin: true, passwordChanged: false };
    } else {
      const { audit } = await ctx.services();
      if (!existing.isSuperAdmin) {
        await auth.users.setSuperAdmin(existing.id, true);
        await audit.record({ action: 'admin.user.super_admin_granted', target: { type: 'user', id: existing.id }, details: { via: 'cli', email: existing.email } }, SYSTEM_CONTEXT);
      }
      if (opts.password) {
        await auth.users.setPassword(existing.id, await auth.hashPassword(opts.password));
        // A new password from the operator: sessions opened with the old one end.
        await auth.revokeAllSessions(existing.id);
        await audit.record({ action: 'auth.password.changed', target: { type: 'user', id: existing.id }, details: { via: 'cli', other_sessions_ended: true } }, SYSTEM_CONTEXT);
      }
      admin = { id: existing.id, email: existing.email, created: false, madeSuperAdmin: !existing.isSuperAdmin, passwordChanged: Boolean(opts.password) };
    }

    const appUrl = ctx.config.publicUrl.origin;
    const loginUrl = `${appUrl}/login`;
    if (opts.json) {
      printJson({
        database: { appliedMigrations: applied },
        admin: { ...admin, ...(generated ? { generatedPassword: generated } : {}) },
        appUrl,
        loginUrl,
      });
      return;
    }

    if (applied.length) printSuccess(`Migrated ${describeDatabase(ctx.config)}: ${applied.join(', ')}`);
    else printSuccess(`Database schema is up to date (${describeDatabase(ctx.config)})`);
    if (admin.created) {
      printSuccess(`Created super admin: ${admin.email}`);
      if (generated) {
        printFields([['Password', secret(generated)]]);
        printShownOnce();
      }
    } else {
      const what = admin.madeSuperAdmin ? 'already exists; it is now a super admin' : 'already exists and is a super admin';
      printSuccess(`${admin.email} ${what} (${admin.passwordChanged ? 'password changed' : 'password unchanged'})`);
    }
    print();
    printFields([
      ['App', appUrl],
      ['Log in', loginUrl],
    ]);
    print();
    print(color.out.bold('Next steps'));
    const steps = [
      ctx.config.databaseUrl ? 'Start the app:       npm start  (or node dist/src/main.js)' : 'Start the app:       npm start',
      ...(ctx.config.redisUrl ? ['Start a worker:      saas-cli worker'] : []),
      `Create a tenant:     saas-cli tenants create "Acme Inc" acme --owner-email ${admin.email}`,
      'Check the services:  saas-cli health',
    ];
    steps.forEach((step, i) => print(`  ${i + 1}. ${step}`));
  });
}

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description('Prepare a deployment: migrate the database and create (or promote) the super admin')
    .requiredOption('--admin-email <email>', "the super admin's email", parseEmail)
    .option('--password <password>', 'password for a new admin, or a new password for an existing one (default: generated for a new admin, shown once)', parsePassword)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples('saas-cli setup --admin-email admin@example.com', 'saas-cli setup --admin-email admin@example.com --json') +
        '\nSafe to run again: an existing user is made super admin and keeps its password unless --password is given.\n',
    )
    .action(setup);
}
