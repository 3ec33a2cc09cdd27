/**
 * Every email the app sends, rendered when it is asked for and delivered by the `email.send` job.
 * The bodies are cleared once the message is sent (they can hold single-use links). Global: the
 * recipient is a person, not a workspace.
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.tables.js';

export const emailMessages = pgTable(
  'email_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    toAddress: text('to_address').notNull(),
    /** The template's id, such as `password-reset`. */
    template: text('template').notNull(),
    /** `transactional` or `marketing` (marketing mail honours the recipient's preferences and carries List-Unsubscribe). */
    category: text('category').notNull().default('transactional'),
    subject: text('subject').notNull(),
    html: text('html'),
    textBody: text('text_body'),
    /** Extra headers (List-Unsubscribe, ...). */
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** queued | sending (claimed by a job) | sent | failed */
    status: text('status').notNull().default('queued'),
    /** The job run sending it now (`sending`): the same job handed back after a crash may take it again. */
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** What the mail server answered (its message id). */
    providerMessageId: text('provider_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('email_messages_created_idx').on(t.createdAt), index('email_messages_queued_idx').on(t.createdAt).where(sql`${t.status} = 'queued'`)],
);
