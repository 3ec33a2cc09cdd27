/** `saas-cli tenants ...`: create and list tenants. */
import { Argument, Option, type Command } from 'commander';
import { DEFAULT_PLAN_ID } from '../../modules/billing/index.js';
import { tenantOrigin } from '../../platform/config.js';
import { generatePassword } from '../accounts.js';
import { integerBetween, parseEmail, parseName, parseSubdomain, PLAN_IDS } from '../args.js';
import { requireTenantBySubdomain, withContext } from '../context.js';
import { registerTenantsPurgeCommand } from './tenants-purge.js';
import { color, examples, formatDate, print, printFields, printJson, printShownOnce, printSuccess, printTable, secret } from '../output.js';

interface CreateOptions {
  ownerEmail: string;
  plan: string;
  json?: boolean;
}

async function createTenant(name: string, subdomain: string, opts: CreateOptions): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { auth, tenants } = await ctx.services();
    const owner = await auth.users.findByEmail(opts.ownerEmail);
    let tenant;
    let generated: string | null = null;
    let ownerId: string;
    if (owner) {
      tenant = await tenants.createTenant({ name, subdomain, ownerEmail: owner.email, plan: opts.plan });
      ownerId = owner.id;
    } else {
      // Sign-up creates the owner and the tenant in one transaction: both or neither.
      generated = generatePassword();
      const result = await tenants.signUp({
        companyName: name,
        subdomain,
        email: opts.ownerEmail,
        password: generated,
        plan: opts.plan,
      });
      tenant = result.tenant;
      ownerId = result.userId;
    }
    await tenants.refreshMembership(tenant.id, ownerId);
    const url = tenantOrigin(ctx.config, tenant.subdomain);

    if (opts.json) {
      printJson({
        ...tenant,
        url,
        owner: { id: ownerId, email: opts.ownerEmail, created: generated !== null, ...(generated ? { generatedPassword: generated } : {}) },
      });
      return;
    }
    printSuccess(`Created tenant: ${tenant.name}`);
    printFields([
      ['URL', url],
      ['Subdomain', tenant.subdomain],
      ['Plan', tenant.plan],
      ['ID', tenant.id],
      ['Owner', opts.ownerEmail + (generated ? color.out.dim(' (no such user: created it)') : '')],
      ...(generated ? ([['Password', secret(generated)]] as [string, string][]) : []),
    ]);
    if (generated) printShownOnce();
  });
}

async function listTenants(opts: { limit: number; json?: boolean }): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const list = await (await ctx.services()).tenants.listTenants(opts.limit);
    if (opts.json) {
      printJson(list.map((t) => ({ ...t, url: tenantOrigin(ctx.config, t.subdomain) })));
      return;
    }
    printTable(
      ['ID', 'Name', 'Subdomain', 'Plan', 'Status', 'Created'],
      list.map((t) => [t.id, t.name, t.subdomain, t.plan, t.status === 'active' ? color.out.green(t.status) : color.out.yellow(t.status), formatDate(t.createdAt)]),
      'No tenants yet. Create one with `saas-cli tenants create <name> <subdomain> --owner-email <email>`.',
    );
    if (list.length === opts.limit) print(color.out.dim(`Showing the first ${opts.limit}; raise --limit to see more.`));
  });
}

async function requireMfa(subdomain: string, setting: string): Promise<void> {
  const required = setting === 'on';
  await withContext({ requireSchema: true }, async (ctx) => {
    const tenant = await requireTenantBySubdomain(ctx, subdomain);
    const { tenants } = await ctx.services();
    if (tenant.requireMfa === required) {
      printSuccess(`${tenant.name} already ${required ? 'requires' : 'does not require'} two-factor authentication; nothing changed.`);
      return;
    }
    await tenants.setRequireMfa(tenant.id, required);
    printSuccess(
      required
        ? `${tenant.name} now requires two-factor authentication: members without it are sent to set it up, and API calls of theirs get 403.`
        : `${tenant.name} no longer requires two-factor authentication.`,
    );
  });
}

async function setStatus(subdomain: string, status: 'active' | 'suspended'): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const tenant = await requireTenantBySubdomain(ctx, subdomain);
    const { tenants } = await ctx.services();
    if (tenant.status === status) {
      printSuccess(`${tenant.name} is already ${status}; nothing changed.`);
      return;
    }
    await tenants.setStatus(tenant.id, status);
    printSuccess(
      status === 'suspended'
        ? `${tenant.name} is suspended: its pages and API answer 403 "Tenant suspended" (within seconds in every process). Nothing was deleted.`
        : `${tenant.name} is active again.`,
    );
  });
}

export function registerTenantsCommands(program: Command): void {
  const tenants = program.command('tenants').description('Create and list tenants (customer workspaces)');
  tenants.addHelpText('after', examples('saas-cli tenants create "Acme Inc" acme --owner-email owner@acme.test', 'saas-cli tenants list'));

  tenants
    .command('create')
    .description('Create a tenant on its own subdomain, owned by a user (created if needed)')
    .argument('<name>', 'company or workspace name, e.g. "Acme Inc"', parseName)
    .argument('<subdomain>', 'subdomain: 3-63 lowercase letters, digits and hyphens', parseSubdomain)
    .requiredOption('--owner-email <email>', "owner's email; a user with a generated password is created if none exists", parseEmail)
    .addOption(new Option('--plan <plan>', 'the plan, which sets its limits').choices(PLAN_IDS).default(DEFAULT_PLAN_ID))
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'saas-cli tenants create "Acme Inc" acme --owner-email owner@acme.test',
        'saas-cli tenants create Globex globex --owner-email it@globex.test --plan professional --json',
      ),
    )
    .action(createTenant);

  tenants
    .command('list')
    .description('List tenants, oldest first')
    .option('--limit <n>', 'show at most this many (1-10000)', integerBetween(1, 10_000), 100)
    .option('--json', 'print a JSON array')
    .addHelpText('after', examples('saas-cli tenants list', 'saas-cli tenants list --limit 20 --json'))
    .action(listTenants);

  tenants
    .command('require-mfa')
    .description('Require (or stop requiring) two-factor authentication of the members of a tenant')
    .argument('<subdomain>', "the tenant's subdomain", parseSubdomain)
    .addArgument(new Argument('<setting>', 'on or off').choices(['on', 'off']))
    .addHelpText('after', examples('saas-cli tenants require-mfa acme on', 'saas-cli tenants require-mfa acme off'))
    .action(requireMfa);

  tenants
    .command('suspend')
    .description('Suspend a tenant: its pages and API answer 403 until it is reactivated; nothing is deleted')
    .argument('<subdomain>', "the tenant's subdomain", parseSubdomain)
    .addHelpText('after', examples('saas-cli tenants suspend acme'))
    .action((subdomain: string) => setStatus(subdomain, 'suspended'));

  tenants
    .command('reactivate')
    .description('Reactivate a suspended tenant')
    .argument('<subdomain>', "the tenant's subdomain", parseSubdomain)
    .addHelpText('after', examples('saas-cli tenants reactivate acme'))
    .action((subdomain: string) => setStatus(subdomain, 'active'));

  registerTenantsPurgeCommand(tenants);
}
