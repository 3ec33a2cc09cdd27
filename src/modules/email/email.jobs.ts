/**
 * The email jobs. `email.send` delivers one stored message and is safe to run twice: the row is
 * locked while it is sent (a second worker skips it) and a message marked sent is not sent again.
 * `email.requeue_stale` queues `email.send` again for messages still queued after 10 minutes (the
 * embedded in-process queue loses its jobs on a restart; the rows say what is left to send).
 */
import { UUID_RE, type Database } from '../../platform/db/database.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { defineJob, type JobDefinition, type JobQueue } from '../../platform/queue/queue.js';
import type { Logger } from 'pino';
import { emailRepository } from './email.repository.js';
import { EMAIL_REQUEUE_STALE_JOB, EMAIL_SEND_JOB } from './email.service.js';

export const EMAIL_SEND_ATTEMPTS = 5;
/** A message still queued this long after it was asked for is queued again. */
export const STALE_AFTER_MINUTES = 10;

/** The Message-ID of a stored message: the same on every attempt, so a duplicate delivery is recognisable. */
export const messageIdHeader = (messageId: string, domain: string) => `<${messageId}@${domain}>`;

/** The domain of the From address (Message-IDs are made in it). */
export const mailDomain = (mailFrom: string) => /@([^\s@<>]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'localhost';

function parseSend(payload: unknown): { messageId: string } {
  const { messageId } = (payload ?? {}) as { messageId?: unknown };
  if (typeof messageId !== 'string' || !UUID_RE.test(messageId)) throw new Error(`${EMAIL_SEND_JOB}: payload needs a messageId (uuid)`);
  return { messageId };
}

export function createEmailJobs(deps: { database: Database; mailer: Mailer; queue: Pick<JobQueue, 'enqueue'>; log: Logger; config: { mailFrom: string } }): JobDefinition<unknown>[] {
  const domain = mailDomain(deps.config.mailFrom);

  const send = defineJob({
    name: EMAIL_SEND_JOB,
    queue: 'email',
    parse: parseSend,
    attempts: EMAIL_SEND_ATTEMPTS,
    backoffMs: 30_000,
    async handle({ messageId }, ctx) {
      const failure = await deps.database.transaction(async (tx) => {
        const row = await emailRepository.lockForSend(tx, messageId);
        // Gone, or another worker is sending it right now.
        if (!row || row.status !== 'queued') return null;
        try {
          const { id } = await deps.mailer.send({
            to: row.toAddress,
            subject: row.subject,
            html: row.html ?? '',
            text: row.textBody ?? '',
            headers: { ...row.headers, 'Message-ID': messageIdHeader(row.id, domain) },
          });
          await emailRepository.markSent(tx, row.id, id);
          return null;
        } catch (err) {
          const final = ctx.attempt >= EMAIL_SEND_ATTEMPTS;
          await emailRepository.markAttemptFailed(tx, row.id, (err as Error).message ?? String(err), final);
          deps.log.warn({ err, messageId, attempt: ctx.attempt, template: row.template }, final ? 'email could not be sent; marked failed' : 'email could not be sent; will retry');
          return err as Error;
        }
      });
      // Thrown after the transaction committed the attempt: the queue retries with backoff.
      if (failure) throw failure;
    },
  });

  const requeueStale = defineJob({
    name: EMAIL_REQUEUE_STALE_JOB,
    queue: 'maintenance',
    parse: (payload: unknown) => {
      if (payload !== undefined && (typeof payload !== 'object' || payload === null)) throw new Error(`${EMAIL_REQUEUE_STALE_JOB}: payload must be an object`);
      return {};
    },
    attempts: 3,
    backoffMs: 60_000,
    async handle() {
      const ids = await emailRepository.listStale(deps.database.db, STALE_AFTER_MINUTES, 1000);
      for (const id of ids) await deps.queue.enqueue(EMAIL_SEND_JOB, { messageId: id }, { dedupeKey: `email-send:${id}` });
      if (ids.length) deps.log.info({ count: ids.length }, 'queued stale emails again');
    },
  });

  return [send, requeueStale] as JobDefinition<unknown>[];
}
