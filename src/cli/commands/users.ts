/** `saas-cli users ...`: create and list user accounts. */
import { Option, type Command } from 'commander';
import { PASSWORD_MIN_LENGTH } from '../../modules/auth/passwords.js';
import { validationFailed } from '../../platform/errors.js';
import { createPasswordUser, generatePassword } from '../accounts.js';
import { integerBetween, parseEmail, parseName, parsePassword, parseSubdomain, ROLE_NAMES } from '../args.js';
import { requireTenantBySubdomain, withContext } from '../context.js';
import { SYSTEM_CONTEXT } from '../../modules/audit/audit.service.js';
import {
  color,
  examples,
  EXIT_USAGE,
  fail,
  formatDate,
  print,
  printFields,
  printJson,
  printShownOnce,
  printSuccess,
  printTable,
  printWarning,
  secret,
  yesNo,
} from '../output.js';

interface CreateOptions {
  name?: string;
  password?: string;
  tenant?: string;
  role: string;
  superAdmin?: boolean;
  json?: boolean;
}

interface ListOptions {
  tenant?: string;
  email?: string;
  limit: number;
  json?: boolean;
}

async function createUser(email: string, opts: CreateOptions, command: Command): Promise<void> {
  if (command.getOptionValueSource('role') === 'cli' && !opts.tenant) fail('--role needs --tenant: a role belongs to a membership in one tenant', EXIT_USAGE, 'Run saas-cli users create --help for usage.');
  await withContext({ requireSchema: true }, async (ctx) => {
    const { tenants } = await ctx.services();
    const role = opts.role;
    // Check everything the membership needs before the user exists, so a typo does not leave half the work done.
    const tenant = opts.tenant ? await requireTenantBySubdomain(ctx, opts.tenant) : null;
    if (!(tenants.memberRoles as readonly string[]).includes(role)) throw validationFailed({ role: `Choose one of: ${tenants.memberRoles.join(', ')}` });

    const generated = opts.password ? null : generatePassword();
    const user = await createPasswordUser(ctx, {
      email,
      ...(opts.name ? { name: opts.name } : {}),
      password: opts.password ?? generated!,
      isSuperAdmin: opts.superAdmin === true,
    });
    let membershipError: unknown = null;
    if (tenant) {
      try {
        await tenants.addMember(tenant.id, user.id, role);
      } catch (err) {
        membershipError = err;
      }
    }
    const membership = tenant && !membershipError ? { tenant: tenant.subdomain, role } : null;

    if (opts.json) {
      printJson({
        id: user.id,
        email: user.email,
        name: user.name,
        isSuperAdmin: user.isSuperAdmin,
        createdAt: user.createdAt,
        membership,
        ...(generated ? { generatedPassword: generated } : {}),
      });
    } else {
      printSuccess(`Created user: ${user.email}`);
      printFields([
        ['ID', user.id],
        ['Name', user.name],
        ['Super admin', yesNo(user.isSuperAdmin)],
        ...(membership ? ([['Tenant', `${membership.tenant} (${membership.role})`]] as [string, string][]) : []),
        ...(generated ? ([['Password', secret(generated)]] as [string, string][]) : []),
      ]);
      if (generated) printShownOnce();
    }
    if (membershipError) {
      // The user exists (and its password was just printed); only the membership is missing.
      printWarning(`The user was created but not added to ${tenant!.subdomain}.`);
      throw membershipError;
    }
  });
}

async function listUsers(opts: ListOptions): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { auth, tenants } = await ctx.services();
    let roles: Map<string, string> | null = null;
    if (opts.tenant) {
      const tenant = await requireTenantBySubdomain(ctx, opts.tenant);
      roles = new Map((await tenants.listMembers(tenant.id)).map((m) => [m.userId, m.role]));
    }
    const users = await auth.users.list({
      limit: opts.limit,
      ...(opts.email ? { emailContains: opts.email } : {}),
      ...(roles ? { ids: [...roles.keys()] } : {}),
    });
    if (opts.json) {
      printJson(
        users.map((u) => ({
          id: u.id,
          email: u.email,
          name: u.name,
          isSuperAdmin: u.isSuperAdmin,
          emailVerified: u.emailVerified,
          disabled: u.disabledAt !== null,
          createdAt: u.createdAt,
          ...(roles ? { role: roles.get(u.id) } : {}),
        })),
      );
      return;
    }
    printTable(
      ['ID', 'Email', 'Name', ...(roles ? ['Role'] : []), 'Super admin', 'Disabled', 'Created'],
      users.map((u) => [u.id, u.email, u.name, ...(roles ? [roles.get(u.id)] : []), yesNo(u.isSuperAdmin), yesNo(u.disabledAt !== null), formatDate(u.createdAt)]),
      opts.tenant || opts.email ? 'No users match.' : 'No users yet. Create one with `saas-cli users create <email>`.',
    );
    if (users.length === opts.limit) print(color.out.dim(`Showing the first ${opts.limit}; raise --limit to see more.`));
  });
}

/** `users disable|enable <email>`: an operator locks an account out (every session ends at once) or lets it back in. */
async function setDisabled(email: string, disabled: boolean): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { auth, audit } = await ctx.services();
    const user = await auth.users.findByEmail(email);
    if (!user) throw validationFailed({ email: `No user has the email ${email} (see \`saas-cli users list\`)` });
    if ((user.disabledAt !== null) === disabled) {
      printSuccess(`${email} is already ${disabled ? 'disabled' : 'enabled'}; nothing changed.`);
      return;
    }
    await auth.setDisabled(user.id, disabled);
    await audit.record(
      { action: disabled ? 'admin.user.disabled' : 'admin.user.enabled', target: { type: 'user', id: user.id }, details: { via: 'cli', email } },
      SYSTEM_CONTEXT,
    );
    printSuccess(disabled ? `Disabled ${email}: every session and API token of the account has ended, and it cannot sign in.` : `Enabled ${email}: the account can sign in again.`);
  });
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('Create, list, disable and enable user accounts');
  users.addHelpText('after', examples('saas-cli users create alice@example.com --tenant acme --role admin', 'saas-cli users list --tenant acme'));

  users
    .command('create')
    .description('Create a user who logs in with an email and password')
    .argument('<email>', 'email address the user logs in with', parseEmail)
    .option('--name <name>', 'display name (default: the part of the email before the @)', parseName)
    .option('--password <password>', `password of at least ${PASSWORD_MIN_LENGTH} characters (default: a generated one, shown once)`, parsePassword)
    .option('--tenant <subdomain>', 'also make the user a member of this tenant', parseSubdomain)
    .addOption(new Option('--role <role>', 'their role in --tenant').choices(ROLE_NAMES).default('member'))
    .option('--super-admin', 'give the user operator rights over every tenant')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'saas-cli users create alice@example.com',
        'saas-cli users create bob@example.com --name "Bob Stone" --tenant acme --role billing',
        'saas-cli users create ops@example.com --super-admin --json',
      ) + '\nA password given with --password stays in your shell history; leave it out to get a generated one.\n',
    )
    .action(createUser);

  users
    .command('list')
    .description('List users, oldest first')
    .option('--tenant <subdomain>', 'only members of this tenant (adds their role)', parseSubdomain)
    .option('--email <text>', 'only emails containing this text')
    .option('--limit <n>', 'show at most this many (1-10000)', integerBetween(1, 10_000), 100)
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples('saas-cli users list', 'saas-cli users list --tenant acme', 'saas-cli users list --email @example.com --json'))
    .action(listUsers);

  users
    .command('disable')
    .description('Lock an account out: its sessions and API tokens end at once, and it cannot sign in')
    .argument('<email>', "the account's email", parseEmail)
    .addHelpText('after', examples('saas-cli users disable mallory@example.com'))
    .action((email: string) => setDisabled(email, true));

  users
    .command('enable')
    .description('Let a disabled account sign in again')
    .argument('<email>', "the account's email", parseEmail)
    .addHelpText('after', examples('saas-cli users enable mallory@example.com'))
    .action((email: string) => setDisabled(email, false));
}
