/**
 * Invitations over HTTP: the members page's forms (invite, resend, revoke) and the JSON API
 * (`/api/invitations`), both needing `members:invite`; and the public page an invitation link
 * opens on the workspace's host (`/invitations/accept`), where the invitee is not a member yet.
 * That page is never cached, sends no Referer (its URL holds the token), and invalid tokens are
 * throttled per client address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppConfig } from '../../platform/config.js';
import { AppError, describeWait } from '../../platform/errors.js';
import { appendSetCookies, clientInfo, formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { clientKey } from '../../platform/http/security.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { MEMBER_ROLES, type TenantRouteGuards } from '../access/index.js';
import type { AuthGuards, AuthService } from '../auth/index.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import type { Invitation, InvitationsService } from './invitations.service.js';
import type { MembersService } from './members.service.js';
import { AcceptInvitationPage, InvalidInvitationPage, type AcceptInvitationPageProps, type InvitationsPanelProps } from './views/invitations.js';
import { MembersPage } from './views/members-page.js';
import { changeOrigin, memberActor } from './request-actor.js';

export const INVITATION_THROTTLE_RULES = {
  /** Invalid tokens on the invitation page, per client address: guessing stops after 20 an hour. */
  invalidTokens: { name: 'invitation-token-ip', points: 20, windowSeconds: 60 * 60 },
} as const;

interface Options {
  config: AppConfig;
  auth: AuthService;
  audit: AuditService;
  guards: AuthGuards;
  invitations: InvitationsService;
  members: MembersService;
  tenantRoutes: TenantRouteGuards;
  throttles: Throttles;
}

const InvitationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    role: Type.String(),
    invited_by: Type.Union([Type.Object({ user_id: Type.String({ format: 'uuid' }), name: Type.String() }), Type.Null()]),
    expires_at: Type.String({ format: 'date-time' }),
    expired: Type.Boolean(),
    send_count: Type.Integer({ description: 'Sends within the last day (at most 5).' }),
    last_sent_at: Type.String({ format: 'date-time' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Invitation' },
);
const InviteBody = Type.Object(
  {
    email: Type.String({ maxLength: 320 }),
    role: Type.String({ maxLength: 50, description: `One of: ${MEMBER_ROLES.join(', ')}. Nobody invites above their own role.` }),
  },
  { additionalProperties: false },
);
/** Any string: an id that is not one of this workspace's invitations (a uuid or not) is the same 404. */
const InvitationIdParams = Type.Object({ invitationId: Type.String({ maxLength: 100 }) });

const toJson = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  invited_by: i.invitedBy ? { user_id: i.invitedBy.userId, name: i.invitedBy.name } : null,
  expires_at: i.expiresAt.toISOString(),
  expired: i.expired,
  send_count: i.sendCount,
  last_sent_at: i.lastSentAt.toISOString(),
  created_at: i.createdAt.toISOString(),
});

const INVALID = 'This invitation link is not valid any more. Ask for a new one.';

export async function invitationsRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, auth, audit, guards, invitations, members, tenantRoutes } = opts;
  const rootUrl = config.publicUrl.origin;
  const invalidTokens = opts.throttles.create(INVITATION_THROTTLE_RULES.invalidTokens);
  const api = { tags: ['members'], security: [{ bearerAuth: [] }] };

  // ---- JSON API
  r.get(
    '/api/invitations',
    {
      preValidation: tenantRoutes.api('members:invite'),
      schema: { ...api, summary: 'List pending invitations (expired ones included, marked), oldest first', response: { 200: Type.Array(InvitationSchema), ...problemResponses(401, 403, 404) } },
    },
    async (request) => (await invitations.listPending(request.tenant!.id)).map(toJson),
  );

  r.post(
    '/api/invitations',
    {
      preValidation: tenantRoutes.api('members:invite'),
      schema: {
        ...api,
        summary: 'Invite someone by email',
        description:
          'Mails a link on the workspace host that works once, for 7 days, and only for this address. Nobody invites above their own role (403). Inviting an address that has a pending invitation renews and resends it. 409 when the address is already a member; 403 `plan_limit_reached` when the plan is full; 429 after 5 sends of one invitation in a day.',
        body: InviteBody,
        response: { 201: InvitationSchema, ...problemResponses(401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const invitation = await invitations.invite(request.tenant!.id, memberActor(request), request.body, changeOrigin(request, 'api'));
      return reply.code(201).send(toJson(invitation));
    },
  );

  r.post(
    '/api/invitations/:invitationId/resend',
    {
      preValidation: tenantRoutes.api('members:invite'),
      schema: {
        ...api,
        summary: 'Send an invitation again',
        description: 'A new link (the previous one stops working) valid 7 more days. At most 5 sends per invitation a day (429).',
        params: InvitationIdParams,
        response: { 200: InvitationSchema, ...problemResponses(401, 403, 404, 429) },
      },
    },
    async (request) => toJson(await invitations.resend(request.tenant!.id, memberActor(request), request.params.invitationId, changeOrigin(request, 'api'))),
  );

  r.delete(
    '/api/invitations/:invitationId',
    {
      preValidation: tenantRoutes.api('members:invite'),
      schema: { ...api, summary: 'Revoke an invitation', description: 'Its link stops working at once.', params: InvitationIdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      await invitations.revoke(request.tenant!.id, memberActor(request), request.params.invitationId, changeOrigin(request, 'api'));
      return reply.code(204).send(null);
    },
  );

  // ---- Members page forms (plain POSTs; success goes back to the page with a fixed message code)
  /** The members page with the invitation form's state, for a refusal. */
  async function showMembers(request: FastifyRequest, reply: FastifyReply, refusal: { form?: InvitationsPanelProps['form']; error?: string }, status: number) {
    const tenantId = request.tenant!.id;
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      MembersPage({
        ...workspacePageContext(request, reply, rootUrl),
        members: await members.listMembers(tenantId),
        catalog: await members.roleCatalog(tenantId),
        me: request.auth!.userId,
        invitations: { pending: await invitations.listPending(tenantId), ...(refusal.form ? { form: refusal.form } : {}) },
        ...(refusal.error ? { error: refusal.error } : {}),
      }),
      status,
    );
  }

  /** Runs a page action; a refusal is shown on the page with its status (and Retry-After for 429). */
  async function pageAction(request: FastifyRequest, reply: FastifyReply, action: () => Promise<unknown>, done: string, form?: { email: string; role: string }) {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      // The invite form shows its own refusal (with what was typed); a resend or revoke is refused above the list.
      const refusal = form ? { form: { ...form, error: err.message, ...(err.fields ? { fieldErrors: err.fields } : {}) } } : { error: err.message };
      return showMembers(request, reply, refusal, err.status);
    }
    return reply.redirect(`/settings/members?done=${done}`, 303);
  }

  r.post('/settings/members/invite', { preValidation: tenantRoutes.web('members:invite'), schema: { hide: true } }, async (request, reply) => {
    const email = formField(request.body, 'email', 320);
    const role = formField(request.body, 'role', 50);
    return pageAction(request, reply, () => invitations.invite(request.tenant!.id, memberActor(request), { email, role }, changeOrigin(request, 'web')), 'invited', { email, role });
  });

  r.post(
    '/settings/invitations/:invitationId/resend',
    { preValidation: tenantRoutes.web('members:invite'), schema: { hide: true, params: InvitationIdParams } },
    async (request, reply) => pageAction(request, reply, () => invitations.resend(request.tenant!.id, memberActor(request), request.params.invitationId, changeOrigin(request, 'web')), 'resent'),
  );

  r.post(
    '/settings/invitations/:invitationId/revoke',
    { preValidation: tenantRoutes.web('members:invite'), schema: { hide: true, params: InvitationIdParams } },
    async (request, reply) => pageAction(request, reply, () => invitations.revoke(request.tenant!.id, memberActor(request), request.params.invitationId, changeOrigin(request, 'web')), 'revoked'),
  );

  // ---- The invitation link (public: the invitee is not a member yet)
  /** The page's URL carries the token: never cached, never sent on as a Referer. */
  const private_ = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');

  const invalidPage = (reply: FastifyReply, status = 404, message = INVALID) => sendPage(reply, InvalidInvitationPage({ rootUrl, message }), status);

  /** Refuses a client that sent too many invalid tokens; null when it may go on. */
  async function throttled(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | null> {
    const wait = await invalidTokens.retryAfter(clientKey(request));
    if (wait === 0) return null;
    reply.header('retry-after', String(wait));
    return invalidPage(reply, 429, `Too many invalid invitation links from your network. Try again in ${describeWait(wait)}.`);
  }

  /** An unusable token: counted against the client address, then the one generic answer. */
  async function invalid(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const wait = await invalidTokens.hit(clientKey(request));
    if (wait > 0) reply.header('retry-after', String(wait));
    return invalidPage(reply, wait > 0 ? 429 : 404, wait > 0 ? `Too many invalid invitation links from your network. Try again in ${describeWait(wait)}.` : INVALID);
  }

  /** The invitation page for `token`, or the invalid-link answer. */
  async function showInvitation(request: FastifyRequest, reply: FastifyReply, token: string, extra: Pick<AcceptInvitationPageProps, 'error' | 'signup'> = {}, status = 200) {
    const invitation = await invitations.preview(request.tenant!.id, token);
    if (!invitation) return invalid(request, reply);
    const user = request.auth ? { name: request.auth.name, email: request.auth.email } : null;
    return sendPage(
      reply,
      AcceptInvitationPage({ csrfToken: reply.generateCsrf(), rootUrl, workspaceName: request.tenant!.name, token, invitation, user, ...extra }),
      status,
    );
  }

  const tokenOf = (value: unknown) => (typeof value === 'string' ? value.slice(0, 100) : '');

  r.get('/invitations/accept', { schema: { hide: true } }, async (request, reply) => {
    private_(reply);
    if (!request.tenant) return invalidPage(reply);
    const refused = await throttled(request, reply);
    if (refused) return refused;
    await guards.optionalWebUser(request);
    return showInvitation(request, reply, tokenOf((request.query as Record<string, unknown>).token));
  });

  r.post('/invitations/accept', { schema: { hide: true } }, async (request, reply) => {
    private_(reply);
    if (!request.tenant) return invalidPage(reply);
    const refused = await throttled(request, reply);
    if (refused) return refused;
    const token = tokenOf(formField(request.body, 'token', 100));
    await guards.optionalWebUser(request);
    if (!request.auth) return reply.redirect(`/invitations/accept?token=${encodeURIComponent(token)}`, 303);
    const result = await invitations.accept(request.tenant.id, token, { id: request.auth.userId, email: request.auth.email }, changeOrigin(request, 'web'));
    switch (result) {
      case 'joined':
      case 'already_member':
        return reply.redirect('/dashboard', 303);
      case 'invalid':
        return invalid(request, reply);
      case 'wrong_email':
        return showInvitation(request, reply, token, {}, 403);
      case 'plan_limit':
        return showInvitation(request, reply, token, { error: `${request.tenant.name} is full: its plan allows no more members. Ask an owner to upgrade the plan, then accept again.` }, 403);
    }
  });

  r.post('/invitations/accept/signup', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    private_(reply);
    if (!request.tenant) return invalidPage(reply);
    const refused = await throttled(request, reply);
    if (refused) return refused;
    const token = tokenOf(formField(request.body, 'token', 100));
    const name = formField(request.body, 'name', 200);
    const password = formField(request.body, 'password', 1024);
    const tenant = request.tenant;
    const outcome = await invitations.acceptAsNewUser(tenant.id, token, { name, password }, changeOrigin(request, 'web'));
    switch (outcome.result) {
      case 'invalid':
        return invalid(request, reply);
      case 'bad_input':
        return showInvitation(request, reply, token, { signup: { name, fieldErrors: outcome.fields } }, 422);
      case 'account_exists':
        return showInvitation(request, reply, token, { error: 'An account with this address already exists. Log in to accept the invitation.', signup: { name } }, 409);
      case 'plan_limit':
        return showInvitation(request, reply, token, { error: `${tenant.name} is full: its plan allows no more members. Ask an owner to upgrade the plan, then try again.`, signup: { name } }, 403);
      case 'joined': {
        // Opening the link proved the mailbox and the account is new (no second factor yet): signed in here at once.
        const session = await auth.createSessionFor(outcome.userId, clientInfo(request));
        await audit.record(
          { action: 'auth.login', tenantId: tenant.id, actorUserId: session.user.id, actorEmail: session.user.email, target: { type: 'session', id: session.sessionId }, details: { via: 'web', method: 'invitation' } },
          auditContextOf(request),
        );
        appendSetCookies(reply, session.setCookies);
        return reply.redirect('/dashboard', 303);
      }
    }
  });
}
