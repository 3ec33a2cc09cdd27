/**
 * `saas-cli tenants purge-due`: deletes the workspaces whose deletion time has passed, now, in this
 * process (what the `tenants.purge_due` job does). For a cron, or after the queue was down.
 */
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { color, errorMessage, examples, fail, print, printJson, printSuccess } from '../output.js';

async function purgeDue(opts: { dryRun?: boolean; json?: boolean }): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { deletion } = await ctx.services();
    const due = await deletion.listDue();
    const results: { id: string; subdomain: string; result: string; error?: string }[] = [];
    if (!opts.json) print(due.length ? `${due.length} workspace${due.length === 1 ? '' : 's'} due for deletion.` : 'No workspace is due for deletion.');
    for (const tenant of due) {
      if (opts.dryRun) {
        results.push({ id: tenant.id, subdomain: tenant.subdomain, result: 'due' });
        if (!opts.json) print(`  ${tenant.subdomain}  ${color.out.dim(`due since ${tenant.deletionScheduledFor?.toISOString() ?? '?'}`)}`);
        continue;
      }
      try {
        const result = await deletion.purge(tenant.id);
        results.push({ id: tenant.id, subdomain: tenant.subdomain, result });
        if (!opts.json) print(`  ${result === 'purged' ? color.out.green('deleted') : color.out.dim(result === 'missing' ? 'already gone' : 'cancelled meanwhile')}  ${tenant.subdomain}`);
      } catch (err) {
        results.push({ id: tenant.id, subdomain: tenant.subdomain, result: 'failed', error: errorMessage(err) });
        if (!opts.json) print(`  ${color.out.red('failed')}   ${tenant.subdomain}: ${errorMessage(err)}`);
      }
    }
    if (opts.json) printJson(results);
    const failed = results.filter((r) => r.result === 'failed');
    if (failed.length) fail(`${failed.length} of ${due.length} could not be deleted; run the command again, or see the log`);
    if (!opts.json && !opts.dryRun && due.length) printSuccess(`Done. Archives are in ${ctx.config.dataDir}/exports.`);
  });
}

export function registerTenantsPurgeCommand(tenants: Command): void {
  tenants
    .command('purge-due')
    .description('Delete now every workspace whose deletion time has passed (a final archive of each goes to DATA_DIR/exports)')
    .option('--dry-run', 'only list the workspaces that are due')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', examples('saas-cli tenants purge-due', 'saas-cli tenants purge-due --dry-run'))
    .action(purgeDue);
}
