/**
 * Marketing email: each person's subscription with the consent behind it, and campaigns sent to an
 * audience. Global (people, not workspaces). A recipient row per campaign and person makes every
 * campaign reach each person at most once, whatever the retries.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.tables.js';
import { emailMessages } from '../email/email.tables.js';

/** The current choice. No row: never asked, so no marketing mail. */
export const emailSubscriptions = pgTable('email_subscriptions', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  marketing: boolean('marketing').notNull(),
  /** When and where the current choice was made (`signup`, `preferences`, `unsubscribe-link`, `one-click`, `cli`). */
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  source: text('source').notNull(),
});

/** Every change of choice, kept as the record of consent (time, source, client). */
export const emailConsentEvents = pgTable(
  'email_consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    marketing: boolean('marketing').notNull(),
    source: text('source').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('email_consent_events_user_idx').on(t.userId, t.occurredAt)],
);

export const emailCampaigns = pgTable('email_campaigns', {
  id: uuid('id').primaryKey().defaultRandom(),
  subject: text('subject').notNull(),
  /** A marketing template's id, and its context (headline, paragraphs, call to action). */
  template: text('template').notNull(),
  context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
  /** `{ kind: 'all' }`, `{ kind: 'owners' }` or `{ kind: 'plan', plan: 'pro' }`. */
  audience: jsonb('audience').$type<{ kind: 'all' | 'owners' | 'plan'; plan?: string }>().notNull(),
  /** draft | sending | sent | cancelled */
  status: text('status').notNull().default('draft'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** People in the audience when it started (opted in, not disabled). */
  audienceCount: integer('audience_count').notNull().default(0),
});

export const emailCampaignRecipients = pgTable(
  'email_campaign_recipients',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => emailCampaigns.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** pending (in the audience, not mailed yet) | queued (its message is on the way) | skipped (unsubscribed or disabled meanwhile) */
    status: text('status').notNull().default('pending'),
    messageId: uuid('message_id').references(() => emailMessages.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    handledAt: timestamp('handled_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.userId] }), index('email_campaign_recipients_pending_idx').on(t.campaignId).where(sql`${t.status} = 'pending'`)],
);
