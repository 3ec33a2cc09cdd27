/** `saas-cli audit export`: a tenant's audit events (or all of them) as CSV or JSON Lines, oldest first. */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { parseSubdomain } from '../args.js';
import { requireTenantBySubdomain, withContext } from '../context.js';
import { examples, fail, EXIT_USAGE, printSuccess } from '../output.js';
import { EXPORTED_AUDIT_COLUMNS, toExportedAuditEvent } from '../../modules/audit/export-row.js';

interface ExportOptions {
  tenant?: string;
  all?: boolean;
  since?: Date;
  until?: Date;
  format: 'csv' | 'jsonl';
  output?: string;
}

function parseDate(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('Expected a date like 2026-12-01 or 2026-12-01T08:00:00Z.');
  return date;
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function exportAudit(opts: ExportOptions): Promise<void> {
  if (!opts.tenant === !opts.all) fail('Give either --tenant <subdomain> or --all.', EXIT_USAGE, 'Run saas-cli audit export --help for usage.');
  await withContext({ requireSchema: true }, async (ctx) => {
    const { audit } = await ctx.services();
    const tenant = opts.tenant ? await requireTenantBySubdomain(ctx, opts.tenant) : null;
    const toFile = Boolean(opts.output && opts.output !== '-');
    const out: Writable = toFile ? fs.createWriteStream(opts.output!, { flags: 'wx' }) : process.stdout;
    if (toFile) await once(out, 'open').catch((err: NodeJS.ErrnoException) => fail(err.code === 'EEXIST' ? `${opts.output} already exists; choose another file.` : `Cannot write ${opts.output}: ${err.message}`));
    let count = 0;
    try {
      // Spreadsheet formulas in a field (=, +, -, @ ...) are escaped: an attacker controls user agents and emails.
      if (opts.format === 'csv') await write(out, stringify([[...EXPORTED_AUDIT_COLUMNS]]));
      await ctx.deps.withOwnerDb(async (db) => {
        for await (const batch of audit.exportRows(db, { tenantId: tenant?.id ?? null, ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}) })) {
          const records = batch.map(toExportedAuditEvent);
          const text =
            opts.format === 'csv'
              ? stringify(
                  records.map((r) => EXPORTED_AUDIT_COLUMNS.map((c) => (c === 'details' ? JSON.stringify(r.details) : c === 'occurred_at' ? r.occurred_at.toISOString() : (r[c] ?? '')))),
                  { escape_formulas: true },
                )
              : records.map((r) => `${JSON.stringify(r)}\n`).join('');
          await write(out, text);
          count += batch.length;
          if (toFile) process.stderr.write(`\rexported ${count} events`);
        }
      });
    } finally {
      if (toFile) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(count ? '\n' : '');
      }
    }
    if (toFile) printSuccess(`Exported ${count} event${count === 1 ? '' : 's'} to ${opts.output}`);
  });
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Read the audit log of security events');
  audit
    .command('export')
    .description('Write audit events, oldest first, as CSV or JSON Lines (to stdout, or a new file with --output)')
    .option('--tenant <subdomain>', "one tenant's events", parseSubdomain)
    .option('--all', 'every event, including those of no tenant (sign-ins, password changes)')
    .option('--since <date>', 'events at or after this date (UTC), e.g. 2026-12-01', parseDate)
    .option('--until <date>', 'events before this date (UTC)', parseDate)
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'jsonl']).default('csv'))
    .option('-o, --output <file>', 'write to this file (must not exist yet) instead of stdout')
    .addHelpText(
      'after',
      examples('saas-cli audit export --tenant acme --since 2026-12-01 > acme-audit.csv', 'saas-cli audit export --all --format jsonl --output audit.jsonl'),
    )
    .action(exportAudit);
}
