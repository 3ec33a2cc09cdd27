/**
 * /dev/mail: the dev outbox in the browser (root site, never in production: 404 there). The HTML
 * part is served on its own URL with a CSP that allows no script, no fetch and no frame but ours,
 * and `sandbox`, so a message cannot act on the app even when it holds something hostile.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { sendPage } from '../../platform/http/htmx.js';
import type { Mailer, SentMail } from '../../platform/mail/mailer.js';
import { emailRepository } from './email.repository.js';
import { DevMailListPage, DevMailMessagePage, type DevMailItem } from './views/dev-mail-page.js';

/** How many messages the viewer reads from the outbox. */
const LIST_LIMIT = 200;
const ID_RE = /^[0-9a-f-]{36}$/i;
const HTML_PART_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

export async function devMailRoutes(app: FastifyInstance, opts: { config: { isProduction: boolean; smtpUrl: string | null }; mailer: Mailer; database: Database }) {
  const { config, mailer, database } = opts;
  if (config.isProduction) return; // not registered: 404 like any unknown page

  const guard = async (request: { site: string }) => {
    if (request.site !== 'root') throw notFound('Page');
  };

  const items = async (mails: SentMail[]): Promise<DevMailItem[]> => {
    const templates = await emailRepository.templatesByProviderId(
      database.db,
      mails.map((m) => m.id),
    );
    return mails.map((m) => ({ id: m.id, to: m.to, subject: m.subject, sentAt: m.sentAt, template: templates.get(m.id) ?? null }));
  };

  const findMail = async (id: string) => {
    if (!ID_RE.test(id)) throw notFound('Message');
    const mail = (await mailer.listOutbox(LIST_LIMIT)).find((m) => m.id === id);
    if (!mail) throw notFound('Message');
    return mail;
  };

  app.get('/dev/mail', { schema: { hide: true }, preValidation: guard }, async (_request, reply) => {
    const smtp = Boolean(config.smtpUrl);
    const list = smtp ? [] : await items(await mailer.listOutbox(LIST_LIMIT));
    return sendPage(reply, DevMailListPage({ items: list, smtp, csrfToken: reply.generateCsrf() }));
  });

  app.get<{ Params: { id: string } }>('/dev/mail/:id', { schema: { hide: true }, preValidation: guard }, async (request, reply) => {
    const mail = await findMail(request.params.id);
    const [item] = await items([mail]);
    const { 'Message-ID': messageId, ...rest } = mail.headers ?? {};
    const headers = { ...(messageId ? { 'Message-ID': messageId } : {}), ...rest };
    return sendPage(reply, DevMailMessagePage({ item: item!, from: mail.from, text: mail.text, headers, csrfToken: reply.generateCsrf() }));
  });

  app.get<{ Params: { id: string } }>('/dev/mail/:id/html', { schema: { hide: true }, preValidation: guard }, async (request, reply) => {
    const mail = await findMail(request.params.id);
    return reply
      .header('content-security-policy', HTML_PART_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(mail.html);
  });
}
