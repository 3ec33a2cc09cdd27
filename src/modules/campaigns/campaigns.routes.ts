/**
 * Marketing email choices over HTTP: the unsubscribe link of every marketing mail (a page with one
 * button, and one-click unsubscribe from mail clients: RFC 8058 POST), and the signed-in person's
 * preferences page (`/account/email-preferences`). Every change is recorded as consent (time, source, client).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { UUID_RE } from '../../platform/db/database.js';
import { clientInfo, formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { logoUrlOf } from '../../platform/http/workspace-page.js';
import type { Subscriptions } from './subscriptions.js';
import { EmailPreferencesPage, UnsubscribePage } from './views/subscription-pages.js';

interface Options {
  config: AppConfig;
  subscriptions: Subscriptions;
  /** The signed-in person's email address by id (null: no such account). */
  emailOf: (userId: string) => Promise<string | null>;
  requireWebUser: preHandlerAsyncHookHandler;
  /** The person's role in a workspace (for its navigation on its host), null when not a member. */
  roleIn: (tenantId: string, userId: string) => Promise<{ role: string; permissions: ReadonlySet<string> } | null>;
}

export async function campaignsRoutes(app: FastifyInstance, opts: Options) {
  const { config, subscriptions } = opts;
  const rootUrl = config.publicUrl.origin;
  // Mail clients may send the one-click POST as multipart; its body says nothing we need.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null, {}));

  /** The link's person, when its token is theirs. */
  async function linkOwner(request: FastifyRequest): Promise<{ userId: string; token: string; email: string } | null> {
    const query = request.query as Record<string, unknown>;
    const userId = typeof query.u === 'string' ? query.u : '';
    const token = typeof query.t === 'string' ? query.t.slice(0, 100) : '';
    if (!UUID_RE.test(userId) || !subscriptions.verifyUnsubscribeToken(userId, token)) return null;
    const email = await opts.emailOf(userId);
    return email ? { userId, token, email } : null;
  }

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');

  app.get('/email/unsubscribe', { schema: { hide: true }, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const owner = await linkOwner(request);
    if (!owner) return sendPage(noStore(reply), UnsubscribePage({ rootUrl, email: '', userId: '', token: '', state: 'invalid' }), 400);
    return sendPage(noStore(reply), UnsubscribePage({ rootUrl, ...owner, state: 'ask' }));
  });

  // The token in the link is the authorization: no session, no CSRF token (mail clients post without either).
  app.post('/email/unsubscribe', { schema: { hide: true }, config: { csrf: false, rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const owner = await linkOwner(request);
    if (!owner) return sendPage(noStore(reply), UnsubscribePage({ rootUrl, email: '', userId: '', token: '', state: 'invalid' }), 400);
    const oneClick = formField(request.body, 'List-Unsubscribe') === 'One-Click';
    await subscriptions.setMarketing(owner.userId, false, oneClick ? 'one-click' : 'unsubscribe-link', clientInfo(request));
    return sendPage(noStore(reply), UnsubscribePage({ rootUrl, ...owner, state: 'done' }));
  });

  async function showPreferences(request: FastifyRequest, reply: FastifyReply, saved = false) {
    const [current, role] = await Promise.all([subscriptions.get(request.auth!.userId), request.tenant ? opts.roleIn(request.tenant.id, request.auth!.userId) : null]);
    return sendPage(
      noStore(reply),
      EmailPreferencesPage({
        rootUrl,
        tenant: request.tenant ? { name: request.tenant.name, subdomain: request.tenant.subdomain, logoUrl: logoUrlOf(request.tenant) } : null,
        ...(role ? { role: role.role, permissions: role.permissions } : {}),
        csrfToken: reply.generateCsrf(),
        user: { name: request.auth!.name, email: request.auth!.email },
        marketing: current.marketing,
        changedAt: current.changedAt,
        source: current.source,
        saved,
      }),
    );
  }

  app.get('/account/email-preferences', { preHandler: opts.requireWebUser, schema: { hide: true } }, async (request, reply) => showPreferences(request, reply, (request.query as Record<string, unknown>).saved === '1'));

  app.post('/account/email-preferences', { preHandler: opts.requireWebUser, schema: { hide: true } }, async (request, reply) => {
    // An unchecked box is absent from the form: `present` tells "unchecked" from "no form at all".
    if (formField(request.body, 'present') !== '1') return showPreferences(request, reply);
    const marketing = formField(request.body, 'marketing') === '1';
    await subscriptions.setMarketing(request.auth!.userId, marketing, 'preferences', clientInfo(request));
    return reply.redirect('/account/email-preferences?saved=1', 303);
  });
}
