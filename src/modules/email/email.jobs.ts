/**
 * The email jobs. `email.send` delivers one stored message and is safe to run twice: the run claims
 * the row first (`sending`, with its job id; a second run skips it) and a message marked sent is not
 * sent again. No transaction or row lock is held while the mail server talks. A run that dies
 * mid-send leaves the claim: the same job handed back by the queue takes it again, and after
 * STALE_AFTER_MINUTES `email.requeue_stale` queues it anew. The receiver can recognise the rare
 * second delivery by its unchanged Message-ID.
 * `email.requeue_stale` queues `email.send` again for messages still queued after 10 minutes (the
 * embedded in-process queue loses its jobs on a restart; the rows say what is left to send).
 */
import crypto from 'node:crypto';
import { UUID_RE, type Database } from '../../platform/db/database.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { defineJob, type JobDefinition, type JobQueue } from '../../platform/queue/queue.js';
import type { Logger } from 'pino';
import { emailRepository } from './email.repository.js';
import { EMAIL_REQUEUE_STALE_JOB, EMAIL_SEND_JOB } from './email.service.js';

export const EMAIL_SEND_ATTEMPTS = 5;
/** A message still queued this long after it was asked for, or claimed this long by a run, is queued again. */
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
      const row = await emailRepository.claimForSend(deps.database.db, messageId, ctx.jobId || `run-${crypto.randomUUID()}`, STALE_AFTER_MINUTES);
      // Gone, already sent or failed, or another run is sending it right now.
      if (!row) return;
      let providerId: string;
      try {
        ({ id: providerId } = await deps.mailer.send({
          to: row.toAddress,
          subject: row.subject,
          html: row.html ?? '',
          text: row.textBody ?? '',
          headers: { ...row.headers, 'Message-ID': messageIdHeader(row.id, domain) },
        }));
      } catch (err) {
        const final = ctx.attempt >= EMAIL_SEND_ATTEMPTS;
        await emailRepository.markAttemptFailed(deps.database.db, row.id, (err as Error).message ?? String(err), final);
        deps.log.warn({ err, messageId, attempt: ctx.attempt, template: row.template }, final ? 'email could not be sent; marked failed' : 'email could not be sent; will retry');
        // The queue retries with backoff.
        throw err;
      }
      await emailRepository.markSent(deps.database.db, row.id, providerId);
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
