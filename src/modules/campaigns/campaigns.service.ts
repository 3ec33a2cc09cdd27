/**
 * Marketing campaigns: a subject, a marketing template with its context, and an audience (everyone,
 * workspace owners, or the people of workspaces on a plan). Starting a campaign fixes its audience
 * (people who opted in and are not disabled) as recipient rows; the `email.campaign_batch` job then
 * mails them a batch at a time, at most `MARKETING_EMAILS_PER_MINUTE`, each in one transaction with
 * its recipient row: nobody gets a campaign twice, and nobody who unsubscribed meanwhile gets it.
 */
import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Db } from '../../platform/db/database.js';
import { UUID_RE } from '../../platform/db/database.js';
import { AppError, notFound, validationFailed } from '../../platform/errors.js';
import { users } from '../auth/auth.tables.js';
import { isPlanId, PLANS } from '../billing/index.js';
import type { EmailSender } from '../email/index.js';
import type { Outbox } from '../jobs/index.js';
import type { TenantsService } from '../tenants/index.js';
import { emailMessages } from '../email/email.tables.js';
import { emailCampaignRecipients, emailCampaigns, emailSubscriptions } from './campaigns.tables.js';
import type { Subscriptions } from './subscriptions.js';

export const CAMPAIGN_BATCH_JOB = 'email.campaign_batch';
/** Recipients mailed per job run. */
export const CAMPAIGN_BATCH_SIZE = 50;

export type Audience = { kind: 'all' } | { kind: 'owners' } | { kind: 'plan'; plan: string };
export type CampaignRow = typeof emailCampaigns.$inferSelect;

export interface CampaignProgress {
  id: string;
  subject: string;
  status: string;
  audience: number;
  pending: number;
  queued: number;
  skipped: number;
  /** Queued messages the mail server accepted, and those it never did (after every retry). */
  delivered: number;
  failed: number;
}

/** `all`, `owners` or `plan:<id>`, as the CLI takes it. */
export function parseAudience(value: string): Audience {
  const text = value.trim().toLowerCase();
  if (text === 'all') return { kind: 'all' };
  if (text === 'owners') return { kind: 'owners' };
  const plan = /^plan:(.+)$/.exec(text)?.[1];
  if (plan && isPlanId(plan)) return { kind: 'plan', plan };
  throw validationFailed({ audience: `Use all, owners, or plan:<${PLANS.map((p) => p.id).join('|')}>` });
}

export const describeAudience = (a: Audience) => (a.kind === 'plan' ? `people in workspaces on the ${a.plan} plan` : a.kind === 'owners' ? 'workspace owners' : 'everyone');

export interface CampaignInput {
  subject: string;
  /** The announcement: a headline, paragraphs, and an optional call to action. */
  content: { headline: string; paragraphs: string[]; cta?: { label: string; url: string } | undefined };
  audience: Audience;
  createdBy?: string | null;
}

function checkInput(input: CampaignInput): CampaignInput {
  const errors: Record<string, string> = {};
  const subject = input.subject.replace(/[\r\n]+/g, ' ').trim();
  if (!subject) errors.subject = 'Enter a subject';
  else if (subject.length > 150) errors.subject = 'Use at most 150 characters';
  const headline = input.content.headline.trim();
  if (!headline) errors.headline = 'Enter a headline';
  const paragraphs = input.content.paragraphs.map((p) => p.trim()).filter(Boolean);
  if (paragraphs.length === 0) errors.paragraphs = 'Write at least one paragraph';
  if (paragraphs.join('').length > 20_000) errors.paragraphs = 'Keep the message under 20,000 characters';
  const cta = input.content.cta;
  if (cta && !/^https:\/\/[^\s]+$/.test(cta.url)) errors.cta = 'The call to action needs an https:// link';
  if (Object.keys(errors).length) throw validationFailed(errors);
  return { ...input, subject, content: { headline, paragraphs, ...(cta ? { cta: { label: cta.label.trim() || 'Learn more', url: cta.url } } : {}) } };
}

export function createCampaignsService(
  deps: { database: Database; config: { publicUrl: URL; marketingEmailsPerMinute: number } },
  services: { tenants: TenantsService; email: EmailSender; outbox: Pick<Outbox, 'add'>; subscriptions: Subscriptions },
  options: { batchSize?: number } = {},
) {
  const batchSize = options.batchSize ?? CAMPAIGN_BATCH_SIZE;
  const { database } = deps;
  const { tenants, email, outbox, subscriptions } = services;

  /** Opted-in, enabled people among `userIds` (all of them when null), a page at a time. */
  async function optedIn(db: Db, userIds: string[] | null): Promise<string[]> {
    const rows = await db
      .select({ id: users.id })
      .from(users)
      .innerJoin(emailSubscriptions, eq(emailSubscriptions.userId, users.id))
      .where(and(eq(emailSubscriptions.marketing, true), isNull(users.disabledAt), userIds ? inArray(users.id, userIds) : undefined));
    return rows.map((r) => r.id);
  }

  /** The people of the audience (before consent): memberships are tenant-owned, so visit each workspace. */
  async function audienceMembers(audience: Audience): Promise<string[] | null> {
    if (audience.kind === 'all') return null;
    const people = new Set<string>();
    for await (const tenant of tenants.eachTenant()) {
      if (audience.kind === 'plan' && tenant.plan !== audience.plan) continue;
      for (const m of await tenants.listMembers(tenant.id)) if (audience.kind === 'plan' || m.role === 'owner') people.add(m.userId);
    }
    return [...people];
  }

  const unsubscribeUrl = (userId: string) => {
    const url = new URL('/email/unsubscribe', deps.config.publicUrl);
    url.searchParams.set('u', userId);
    url.searchParams.set('t', subscriptions.unsubscribeToken(userId));
    return url.toString();
  };

  const service = {
    unsubscribeUrl,

    /** How many people the audience reaches now (opted in, not disabled). */
    async previewAudience(audience: Audience): Promise<number> {
      const members = await audienceMembers(audience);
      if (members === null) return (await optedIn(database.db, null)).length;
      let n = 0;
      for (let i = 0; i < members.length; i += 1000) n += (await optedIn(database.db, members.slice(i, i + 1000))).length;
      return n;
    },

    async create(input: CampaignInput): Promise<CampaignRow> {
      const checked = checkInput(input);
      const [row] = await database.db
        .insert(emailCampaigns)
        .values({ subject: checked.subject, template: 'announcement', context: checked.content, audience: checked.audience, createdBy: checked.createdBy ?? null })
        .returning();
      return row!;
    },

    async get(id: string): Promise<CampaignRow | null> {
      if (!UUID_RE.test(id)) return null;
      const [row] = await database.db.select().from(emailCampaigns).where(eq(emailCampaigns.id, id)).limit(1);
      return row ?? null;
    },

    async list(limit = 50): Promise<CampaignRow[]> {
      return database.db.select().from(emailCampaigns).orderBy(desc(emailCampaigns.createdAt)).limit(limit);
    },

    /**
     * Fixes the audience (opted-in, enabled people at this moment) and queues the first batch. A
     * campaign starts once: starting it again is refused.
     */
    async start(id: string): Promise<CampaignProgress> {
      const campaign = await service.get(id);
      if (!campaign) throw notFound('Campaign');
      if (campaign.status !== 'draft') throw new AppError('conflict', `This campaign is ${campaign.status}; only a draft can be started.`);
      const members = await audienceMembers(campaign.audience as Audience);
      await database.transaction(async (tx) => {
        const [locked] = await tx.select().from(emailCampaigns).where(eq(emailCampaigns.id, id)).for('update');
        if (locked?.status !== 'draft') throw new AppError('conflict', 'This campaign was started a moment ago.');
        const recipients: string[] = [];
        if (members === null) recipients.push(...(await optedIn(tx, null)));
        else for (let i = 0; i < members.length; i += 1000) recipients.push(...(await optedIn(tx, members.slice(i, i + 1000))));
        for (let i = 0; i < recipients.length; i += 1000) {
          await tx
            .insert(emailCampaignRecipients)
            .values(recipients.slice(i, i + 1000).map((userId) => ({ campaignId: id, userId })))
            .onConflictDoNothing();
        }
        await tx.update(emailCampaigns).set({ status: 'sending', startedAt: sql`now()`, audienceCount: recipients.length }).where(eq(emailCampaigns.id, id));
        await outbox.add(tx, CAMPAIGN_BATCH_JOB, { campaignId: id, batch: 1 });
      });
      return service.progress(id);
    },

    /** Stops a campaign that is sending: the people not mailed yet are not. */
    async cancel(id: string): Promise<void> {
      const [row] = await database.db
        .update(emailCampaigns)
        .set({ status: 'cancelled', finishedAt: sql`now()` })
        .where(and(eq(emailCampaigns.id, id), inArray(emailCampaigns.status, ['draft', 'sending'])))
        .returning({ id: emailCampaigns.id });
      if (!row) throw new AppError('conflict', 'Only a draft or a campaign that is sending can be cancelled.');
    },

    async progress(id: string): Promise<CampaignProgress> {
      const campaign = await service.get(id);
      if (!campaign) throw notFound('Campaign');
      const rows = await database.db
        .select({ status: emailCampaignRecipients.status, n: count() })
        .from(emailCampaignRecipients)
        .where(eq(emailCampaignRecipients.campaignId, id))
        .groupBy(emailCampaignRecipients.status);
      const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      const messages = await database.db
        .select({ status: emailMessages.status, n: count() })
        .from(emailCampaignRecipients)
        .innerJoin(emailMessages, eq(emailMessages.id, emailCampaignRecipients.messageId))
        .where(eq(emailCampaignRecipients.campaignId, id))
        .groupBy(emailMessages.status);
      const mail = Object.fromEntries(messages.map((r) => [r.status, Number(r.n)]));
      return {
        id,
        subject: campaign.subject,
        status: campaign.status,
        audience: campaign.audienceCount,
        pending: by.pending ?? 0,
        queued: by.queued ?? 0,
        skipped: by.skipped ?? 0,
        delivered: mail.sent ?? 0,
        failed: mail.failed ?? 0,
      };
    },

    /**
     * One batch (the job's body): mails up to CAMPAIGN_BATCH_SIZE pending recipients, each checked
     * again (still subscribed, not disabled), in one transaction with the recipient rows, and queues
     * the next batch after the pause the rate allows. Returns how many it mailed, or null when the
     * campaign is not sending.
     */
    async sendBatch(id: string, batch: number): Promise<number | null> {
      return database.transaction(async (tx) => {
        const [campaign] = await tx.select().from(emailCampaigns).where(eq(emailCampaigns.id, id)).for('update');
        if (!campaign || campaign.status !== 'sending') return null;
        const due = await tx
          .select({ userId: emailCampaignRecipients.userId, email: users.email, name: users.name, disabledAt: users.disabledAt, marketing: emailSubscriptions.marketing })
          .from(emailCampaignRecipients)
          .innerJoin(users, eq(users.id, emailCampaignRecipients.userId))
          .leftJoin(emailSubscriptions, eq(emailSubscriptions.userId, emailCampaignRecipients.userId))
          .where(and(eq(emailCampaignRecipients.campaignId, id), eq(emailCampaignRecipients.status, 'pending')))
          .orderBy(asc(emailCampaignRecipients.userId))
          .limit(batchSize)
          .for('update', { of: emailCampaignRecipients, skipLocked: true });
        let mailed = 0;
        for (const person of due) {
          const where = and(eq(emailCampaignRecipients.campaignId, id), eq(emailCampaignRecipients.userId, person.userId));
          if (!person.marketing || person.disabledAt) {
            await tx.update(emailCampaignRecipients).set({ status: 'skipped', handledAt: sql`now()` }).where(where);
            continue;
          }
          const link = unsubscribeUrl(person.userId);
          const messageId = await email.sendTemplateEmail(
            {
              to: person.email,
              template: 'announcement',
              context: { ...(campaign.context as CampaignInput['content']), subject: campaign.subject, name: person.name, unsubscribeUrl: link },
              userId: person.userId,
              category: 'marketing',
              // RFC 8058: mail clients offer "Unsubscribe" and POST to the link in one click.
              headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            },
            tx,
          );
          await tx.update(emailCampaignRecipients).set({ status: 'queued', messageId, handledAt: sql`now()` }).where(where);
          mailed++;
        }
        const [left] = await tx
          .select({ n: count() })
          .from(emailCampaignRecipients)
          .where(and(eq(emailCampaignRecipients.campaignId, id), eq(emailCampaignRecipients.status, 'pending')));
        if (Number(left?.n ?? 0) > 0) {
          // The rate limit: this batch's share of a minute before the next one.
          const delayMs = Math.ceil((batchSize / Math.max(1, deps.config.marketingEmailsPerMinute)) * 60_000);
          await outbox.add(tx, CAMPAIGN_BATCH_JOB, { campaignId: id, batch: batch + 1 }, { delayMs, dedupeKey: `campaign-batch:${id}:${batch + 1}` });
        } else {
          await tx.update(emailCampaigns).set({ status: 'sent', finishedAt: sql`now()` }).where(eq(emailCampaigns.id, id));
        }
        return mailed;
      });
    },
  };
  return service;
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
