/** `saas-cli domains verify-pending`: re-checks the DNS records of the custom domains added in the last week that are not verified yet. */
import type { Command } from 'commander';
import { integerBetween } from '../args.js';
import { withContext } from '../context.js';
import { color, examples, print, printJson, printTable } from '../output.js';

async function verifyPending(opts: { limit: number; json?: boolean }): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { domains, tenants } = await ctx.services();
    const results = await domains.verifyPending(opts.limit);
    if (opts.json) {
      printJson(results);
      return;
    }
    const subdomains = new Map<string, string>();
    for (const r of results) if (!subdomains.has(r.tenantId)) subdomains.set(r.tenantId, (await tenants.getTenantById(r.tenantId))?.subdomain ?? r.tenantId);
    printTable(
      ['Domain', 'Workspace', 'Result', 'Reason'],
      results.map((r) => [
        r.hostname,
        subdomains.get(r.tenantId),
        r.state === 'verified' ? color.out.green('verified') : r.state === 'gone' ? color.out.dim('removed') : color.out.yellow('not verified'),
        r.reason ?? '',
      ]),
      'No unverified custom domains were added in the last 7 days: nothing to check.',
    );
    const verified = results.filter((r) => r.state === 'verified').length;
    if (results.length) print(`Checked ${results.length} domain${results.length === 1 ? '' : 's'}: ${verified} verified.`);
  });
}

export function registerDomainsCommands(program: Command): void {
  const domains = program.command('domains').description("Workspaces' custom domains");
  domains
    .command('verify-pending')
    .description('Check the TXT records of unverified custom domains added in the last 7 days, now (the domains.verify_pending job does the same)')
    .option('--limit <n>', 'check at most this many (1-10000)', integerBetween(1, 10_000), 500)
    .option('--json', 'print a JSON array of the results')
    .addHelpText('after', examples('saas-cli domains verify-pending', 'saas-cli domains verify-pending --json'))
    .action(verifyPending);
}
