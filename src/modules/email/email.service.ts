/**
 * Sending email (docs/decisions/015-jobs-outbox-email.md): a template is rendered once, stored in
 * `email_messages` and handed to the `email.send` job through the outbox, in the caller's
 * transaction when there is one: mail about a write leaves only if the write commits.
 */
import type { Db } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { validationFailed } from '../../platform/errors.js';
import type { Outbox } from '../jobs/index.js';
import { emailRepository } from './email.repository.js';
import { renderEmail, type EmailContext, type EmailEnv, type EmailTemplateId, type RenderedEmail } from './templates/index.js';

export const EMAIL_SEND_JOB = 'email.send';
export const EMAIL_REQUEUE_STALE_JOB = 'email.requeue_stale';

/** A plain address: no display name, no spaces, quotes, angle brackets or control characters. */
const ADDRESS_RE = /^[^\s@<>()[\]",;:\\\p{Cc}\p{Cf}]+@[^\s@<>()[\]",;:\\\p{Cc}\p{Cf}]+\.[^\s@<>()[\]",;:\\\p{Cc}\p{Cf}]+$/u;

export function isPlainAddress(value: string): boolean {
  return value.length <= 254 && !/[\r\n]/.test(value) && ADDRESS_RE.test(value);
}

export type EmailCategory = 'transactional' | 'marketing';

export interface SendTemplateEmailInput<Id extends EmailTemplateId> {
  to: string;
  template: Id;
  context: EmailContext<Id>;
  /** The recipient's account, when they have one. */
  userId?: string | null;
  category?: EmailCategory;
  /** Extra headers (List-Unsubscribe ...): names are tokens, values one line. */
  headers?: Record<string, string>;
}

export function createEmailService(deps: Pick<Deps, 'config' | 'database'>, outbox: Pick<Outbox, 'add'>) {
  const env: EmailEnv = { appName: deps.config.appName, rootUrl: deps.config.publicUrl.origin };

  const service = {
    env,

    /** Renders without sending (previews, tests). */
    render<Id extends EmailTemplateId>(template: Id, context: EmailContext<Id>): RenderedEmail {
      return renderEmail(template, context, env);
    },

    /**
     * Queues `template` rendered with `context` to `to`; returns the message's id. With `tx`, the
     * message and its job commit with the caller's transaction (and vanish if it rolls back);
     * without, in a transaction of their own. 422 for an address that is not a plain address.
     */
    async sendTemplateEmail<Id extends EmailTemplateId>(input: SendTemplateEmailInput<Id>, tx?: Db): Promise<string> {
      const to = input.to.trim();
      if (!isPlainAddress(to)) throw validationFailed({ to: 'Enter a valid email address, like you@company.com' });
      const headers = input.headers ?? {};
      for (const [name, value] of Object.entries(headers)) {
        if (!/^[A-Za-z0-9-]{1,60}$/.test(name) || /[\r\n]/.test(value)) throw new Error(`sendTemplateEmail: header ${JSON.stringify(name)} is not a single-line header`);
      }
      const rendered = renderEmail(input.template, input.context, env);
      const write = async (db: Db) => {
        const id = await emailRepository.insert(db, {
          toAddress: to,
          template: input.template,
          category: input.category ?? 'transactional',
          subject: rendered.subject,
          html: rendered.html,
          textBody: rendered.text,
          headers,
          userId: input.userId ?? null,
        });
        await outbox.add(db, EMAIL_SEND_JOB, { messageId: id });
        return id;
      };
      return tx ? write(tx) : deps.database.transaction((own) => write(own));
    },

    /** The stored message (status, attempts, last error; bodies until it is sent). */
    async findMessage(id: string) {
      return emailRepository.find(deps.database.db, id);
    },
  };
  return service;
}

export type EmailService = ReturnType<typeof createEmailService>;
/** What senders need: the one method (modules take this, so tests can pass a stub). */
export type EmailSender = Pick<EmailService, 'sendTemplateEmail'>;
