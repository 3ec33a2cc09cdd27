/**
 * `saas-cli email`: marketing campaigns and people's subscriptions.
 *   email campaign send --subject S --headline H --body FILE --audience all|owners|plan:P [--cta-label L --cta-url U] [--yes] [--no-wait]
 *   email campaign list | status ID | cancel ID
 *   email subscribe EMAIL | unsubscribe EMAIL   (records the operator's change as consent source `cli`)
 */
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { parseEmail } from '../args.js';
import { withContext, type CliContext } from '../context.js';
import { EXIT_USAGE, examples, fail, formatDate, print, printFields, printJson, printSuccess, printTable, printWarning } from '../output.js';

const parseAudienceArg = (value: string) => {
  const text = value.trim().toLowerCase();
  if (!/^(all|owners|plan:[a-z0-9_-]+)$/.test(text)) throw new InvalidArgumentError('Expected all, owners or plan:<plan id>.');
  return text;
};

const parseHttpsUrl = (value: string) => {
  if (!/^https:\/\/\S+$/.test(value)) throw new InvalidArgumentError('Expected an https:// link.');
  return value;
};

/** Paragraphs of a plain-text file: separated by blank lines; single line breaks are kept as spaces. */
export function paragraphsOf(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Follows a campaign with a progress bar until it has been handed to the mail server (or stopped). */
async function follow(ctx: CliContext, id: string, json: boolean): Promise<void> {
  const { campaigns, outbox } = await ctx.services();
  // This process relays the outbox while it waits: on the embedded default it is the one that sends.
  const relay = outbox.start({ pollMs: 250 });
  const first = await campaigns.progress(id);
  const bar = json || !process.stderr.isTTY ? null : new SingleBar({ format: '  {bar} {value}/{total} handled · {delivered} delivered · {skipped} skipped', hideCursor: true }, Presets.shades_classic);
  bar?.start(first.audience, 0, { delivered: 0, skipped: 0 });
  let last = first;
  let lastLine = 0;
  try {
    for (;;) {
      last = await campaigns.progress(id);
      const handled = last.queued + last.skipped;
      bar?.update(handled, { delivered: last.delivered, skipped: last.skipped });
      if (!bar && !json && Date.now() - lastLine > 5000) {
        print(`  ${handled}/${last.audience} handled, ${last.delivered} delivered, ${last.skipped} skipped`);
        lastLine = Date.now();
      }
      // Done once nobody is waiting and every queued message reached the mail server or gave up.
      if (last.status !== 'sending' && last.delivered + last.failed >= last.queued) break;
      await sleep(500);
    }
  } finally {
    bar?.stop();
    await relay.stop();
  }
  if (json) printJson(last);
  else {
    printSuccess(`${last.status === 'cancelled' ? 'Cancelled' : 'Sent'}: ${last.delivered} delivered, ${last.skipped} skipped (unsubscribed or disabled meanwhile).`);
    if (last.failed) printWarning(`${last.failed} could not be delivered after every retry; see \`saas-cli jobs failed --queue email\`.`);
  }
}

interface SendOptions {
  subject: string;
  headline: string;
  body: string;
  audience: string;
  ctaLabel?: string;
  ctaUrl?: string;
  yes?: boolean;
  wait: boolean;
  json?: boolean;
}

async function send(opts: SendOptions): Promise<void> {
  if (Boolean(opts.ctaLabel) !== Boolean(opts.ctaUrl)) fail('Give both --cta-label and --cta-url, or neither.', EXIT_USAGE);
  const body = await fs.readFile(opts.body, 'utf8').catch(() => fail(`Cannot read ${opts.body}.`, EXIT_USAGE));
  const paragraphs = paragraphsOf(body);
  if (paragraphs.length === 0) fail(`${opts.body} is empty: write the message's paragraphs, separated by blank lines.`, EXIT_USAGE);
  await withContext({ requireSchema: true }, async (ctx) => {
    const { campaigns } = await ctx.services();
    const { parseAudience, describeAudience } = await import('../../modules/campaigns/index.js');
    const audience = parseAudience(opts.audience);
    const reach = await campaigns.previewAudience(audience);
    if (reach === 0) fail(`Nobody to send to: no one among ${describeAudience(audience)} has opted in to product news.`);
    if (!opts.yes && !(await confirm(`Send "${opts.subject}" to ${reach} ${reach === 1 ? 'person' : 'people'} (${describeAudience(audience)}, opted in)?`))) {
      fail(process.stdin.isTTY ? 'Not sent.' : 'Not sent: add --yes to send without a prompt.', process.stdin.isTTY ? 1 : EXIT_USAGE);
    }
    const campaign = await campaigns.create({
      subject: opts.subject,
      content: { headline: opts.headline, paragraphs, ...(opts.ctaUrl ? { cta: { label: opts.ctaLabel!, url: opts.ctaUrl } } : {}) },
      audience,
      createdBy: 'cli',
    });
    const started = await campaigns.start(campaign.id);
    if (!opts.json) {
      printFields([
        ['Campaign', campaign.id],
        ['Audience', `${started.audience} (${describeAudience(audience)}, opted in)`],
        ['Pace', `${ctx.config.marketingEmailsPerMinute} per minute (MARKETING_EMAILS_PER_MINUTE)`],
      ]);
    }
    if (!opts.wait) {
      if (!ctx.config.redisUrl) printWarning('Without REDIS_URL, the web process sends it once it runs (jobs run inside it).');
      if (opts.json) printJson(started);
      return;
    }
    await follow(ctx, campaign.id, Boolean(opts.json));
  });
}

async function list(opts: { json?: boolean }): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { campaigns } = await ctx.services();
    const rows = await campaigns.list();
    if (opts.json) return printJson(rows);
    printTable(
      ['id', 'subject', 'status', 'audience', 'created'],
      rows.map((r) => [r.id, r.subject, r.status, r.audienceCount, formatDate(r.createdAt)]),
      'No campaigns yet. Send one with `saas-cli email campaign send`.',
    );
  });
}

async function status(id: string, opts: { json?: boolean }): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { campaigns } = await ctx.services();
    const found = await campaigns.get(id);
    if (!found) fail(`No campaign has the id ${id}.`, 1, 'List them with `saas-cli email campaign list`.');
    const p = await campaigns.progress(id);
    if (opts.json) return printJson(p);
    printFields([
      ['Subject', p.subject],
      ['Status', p.status],
      ['Audience', String(p.audience)],
      ['Waiting', String(p.pending)],
      ['Queued', String(p.queued)],
      ['Delivered', String(p.delivered)],
      ['Skipped', String(p.skipped)],
    ]);
  });
}

async function cancel(id: string): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const { campaigns } = await ctx.services();
    if (!(await campaigns.get(id))) fail(`No campaign has the id ${id}.`);
    await campaigns.cancel(id);
    printSuccess('Cancelled: nobody else gets it. Messages already queued still go.');
  });
}

async function setSubscription(email: string, marketing: boolean): Promise<void> {
  await withContext({ requireSchema: true }, async (ctx) => {
    const services = await ctx.services();
    const user = await services.auth.users.findByEmail(email);
    if (!user) fail(`No user has the email ${email}.`);
    const changed = await services.subscriptions.setMarketing(user.id, marketing, 'cli');
    printSuccess(changed ? `${email} is now ${marketing ? 'subscribed to' : 'unsubscribed from'} product news (recorded as consent from the CLI).` : `Nothing changed: ${email} was already ${marketing ? 'subscribed' : 'unsubscribed'}.`);
  });
}

export function registerEmailCommand(program: Command): void {
  const email = program.command('email').description('Marketing email: campaigns, and who is subscribed');
  const campaign = email.command('campaign').description('Send and follow marketing campaigns (only to people who opted in)');
  campaign
    .command('send')
    .description('Send an announcement to an audience, at MARKETING_EMAILS_PER_MINUTE, with a progress bar')
    .requiredOption('--subject <text>', 'the subject line')
    .requiredOption('--headline <text>', 'the headline at the top of the message')
    .requiredOption('--body <file>', 'a text file: the paragraphs of the message, separated by blank lines')
    .requiredOption('--audience <who>', 'all, owners, or plan:<plan id>', parseAudienceArg)
    .option('--cta-label <text>', 'the call-to-action button')
    .option('--cta-url <https-url>', "the button's link", parseHttpsUrl)
    .option('-y, --yes', 'send without asking')
    .option('--no-wait', 'start it and return (workers send it)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples('saas-cli email campaign send --subject "New: reports" --headline "Reports are here" --body news.txt --audience all', 'saas-cli email campaign send ... --audience plan:professional --yes --no-wait'))
    .action(send);
  campaign.command('list').description('Campaigns, newest first').option('--json', 'print as JSON').action(list);
  campaign.command('status').argument('<id>', 'campaign id').description('Where a campaign stands').option('--json', 'print as JSON').action(status);
  campaign.command('cancel').argument('<id>', 'campaign id').description('Stop a campaign that is sending').action(cancel);
  email
    .command('subscribe')
    .argument('<email>', "the person's email address", parseEmail)
    .description('Subscribe someone to product news (only with their consent: it is recorded as given through the CLI)')
    .action((address: string) => setSubscription(address, true));
  email
    .command('unsubscribe')
    .argument('<email>', "the person's email address", parseEmail)
    .description('Unsubscribe someone from product news')
    .action((address: string) => setSubscription(address, false));
}
