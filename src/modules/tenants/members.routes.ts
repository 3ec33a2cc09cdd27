/**
 * Members of a workspace over HTTP: the JSON API (`/api/members`, bearer token) and the page
 * (`/settings/members`, session cookie). Each route names its permission; the service applies the
 * finer rules (grant only up to one's own role, never leave the workspace without an owner).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppConfig } from '../../platform/config.js';
import { AppError, notFound, validationFailed } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { ANY_MEMBER, MEMBER_ROLES, type TenantRouteGuards } from '../access/index.js';
import type { ChangeRoleResult, LeaveResult, Member, MembersService, RemoveMemberResult } from './members.service.js';
import type { InvitationsService } from './invitations.service.js';
import { ChangeRoleBody, MemberIdParams, MemberSchema } from './members.schemas.js';
import { MembersPage } from './views/members-page.js';
import { changeOrigin, memberActor } from './request-actor.js';

interface Options {
  config: AppConfig;
  members: MembersService;
  tenantRoutes: TenantRouteGuards;
  /** Shows the invitation cards to members who may invite. */
  invitations?: Pick<InvitationsService, 'listPending'>;
}

type Failure = Exclude<ChangeRoleResult | RemoveMemberResult | LeaveResult, 'changed' | 'unchanged' | 'removed' | 'left'>;

const LAST_OWNER = 'This member is the only owner. Make another member an owner first: a workspace always keeps at least one owner.';
const ROLE_CHOICES = `Choose one of: ${MEMBER_ROLES.join(', ')}, or one of the workspace's own roles (GET /api/roles)`;

/** What each refusal says, through the API and on the page. */
function failure(result: Failure, what: 'change' | 'remove' | 'leave', via: 'api' | 'web'): AppError {
  switch (result) {
    case 'not_found':
      return notFound('Member');
    case 'invalid_role':
      return validationFailed({ role: ROLE_CHOICES }, `Unknown role. ${ROLE_CHOICES}.`);
    case 'not_allowed':
      return new AppError(
        'forbidden',
        what === 'remove'
          ? 'You cannot remove this member: nobody can remove a member whose role is above their own.'
          : "You cannot make this change: nobody can give a role above their own, or change the role of a member above them.",
      );
    case 'self':
      return new AppError('forbidden', via === 'api' ? 'You cannot remove yourself: leave the workspace with POST /api/members/leave.' : 'You cannot remove yourself: use "Leave workspace" below.');
    case 'last_owner':
      return new AppError('conflict', what === 'leave' ? 'You are the only owner. Make another member an owner before you leave: a workspace always keeps at least one owner.' : LAST_OWNER);
  }
}

const toJson = (m: Member) => ({ user_id: m.userId, name: m.name, email: m.email, role: m.role, joined_at: m.joinedAt.toISOString() });

/** Success messages after a redirect, by fixed code: nothing from the URL is shown. */
const DONE: Record<string, { kind: 'success' | 'info'; message: string }> = {
  role: { kind: 'success', message: 'The role was changed. It applies at once.' },
  unchanged: { kind: 'info', message: 'That member already has this role: nothing changed.' },
  removed: { kind: 'success', message: 'The member was removed. They lost access to the workspace at once.' },
  invited: { kind: 'success', message: 'Invitation sent. The link works for 7 days, once, and only for that address.' },
  resent: { kind: 'success', message: 'Invitation sent again with a new link. The previous link no longer works.' },
  revoked: { kind: 'success', message: 'Invitation revoked. Its link no longer works.' },
};

export async function membersRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, members, tenantRoutes } = opts;
  const api = { tags: ['members'], security: [{ bearerAuth: [] }] };

  // ---- JSON API
  r.get(
    '/api/members',
    {
      preValidation: tenantRoutes.api('members:read'),
      schema: { ...api, summary: 'List the members of the workspace, oldest first', response: { 200: Type.Array(MemberSchema), ...problemResponses(401, 403, 404) } },
    },
    async (request) => (await members.listMembers(request.tenant!.id)).map(toJson),
  );

  r.patch(
    '/api/members/:userId',
    {
      preValidation: tenantRoutes.api('roles:assign'),
      schema: {
        ...api,
        summary: "Change a member's role",
        description:
          'Only a role whose every permission the caller has can be given, and only to a member whose current role is such a role. The last owner cannot be demoted (409).',
        params: MemberIdParams,
        body: ChangeRoleBody,
        response: { 200: MemberSchema, ...problemResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const result = await members.changeRole(request.tenant!.id, memberActor(request), request.params.userId, request.body.role, changeOrigin(request, 'api'));
      if (result !== 'changed' && result !== 'unchanged') throw failure(result, 'change', 'api');
      const member = await members.getMember(request.tenant!.id, request.params.userId);
      if (!member) throw notFound('Member');
      return toJson(member);
    },
  );

  r.delete(
    '/api/members/:userId',
    {
      preValidation: tenantRoutes.api('members:remove'),
      schema: {
        ...api,
        summary: 'Remove a member from the workspace',
        description: 'The member loses access at once. Not for yourself (use `POST /api/members/leave`); the last owner cannot be removed (409).',
        params: MemberIdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await members.removeMember(request.tenant!.id, memberActor(request), request.params.userId, changeOrigin(request, 'api'));
      if (result !== 'removed') throw failure(result, 'remove', 'api');
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/members/leave',
    {
      preValidation: tenantRoutes.api(ANY_MEMBER),
      schema: {
        ...api,
        summary: 'Leave the workspace',
        description: 'Your access ends at once. The last owner cannot leave (409): make another member an owner first.',
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await members.leave(request.tenant!.id, request.auth!.userId, changeOrigin(request, 'api'), request.auth!.email);
      if (result !== 'left') throw failure(result, 'leave', 'api');
      return reply.code(204).send(null);
    },
  );

  // ---- Page (plain forms: works without JavaScript)
  async function showMembers(request: FastifyRequest, reply: FastifyReply, extra: { error?: string; flash?: { kind: 'success' | 'info' | 'error'; message: string }[] } = {}, status = 200) {
    const list = await members.listMembers(request.tenant!.id);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      MembersPage({
        ...workspacePageContext(request, reply, config.publicUrl.origin),
        members: list,
        catalog: await members.roleCatalog(request.tenant!.id),
        me: request.auth!.userId,
        ...(opts.invitations && request.membership!.permissions.has('members:invite') ? { invitations: { pending: await opts.invitations.listPending(request.tenant!.id) } } : {}),
        ...extra,
      }),
      status,
    );
  }

  /** A refusal is shown on the page, with its status. */
  const refuse = (request: FastifyRequest, reply: FastifyReply, err: AppError) => showMembers(request, reply, { error: err.fields?.role ?? err.message }, err.status);

  r.get('/settings/members', { preValidation: tenantRoutes.web('members:read'), schema: { hide: true } }, async (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    const flash = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
    return showMembers(request, reply, flash ? { flash: [flash] } : {});
  });

  r.post('/settings/members/:userId/role', { preValidation: tenantRoutes.web('roles:assign'), schema: { hide: true, params: MemberIdParams } }, async (request, reply) => {
    const role = formField(request.body, 'role', 50);
    const result = await members.changeRole(request.tenant!.id, memberActor(request), request.params.userId, role, changeOrigin(request, 'web'));
    if (result === 'changed') return reply.redirect('/settings/members?done=role', 303);
    if (result === 'unchanged') return reply.redirect('/settings/members?done=unchanged', 303);
    return refuse(request, reply, failure(result, 'change', 'web'));
  });

  r.post('/settings/members/:userId/remove', { preValidation: tenantRoutes.web('members:remove'), schema: { hide: true, params: MemberIdParams } }, async (request, reply) => {
    const result = await members.removeMember(request.tenant!.id, memberActor(request), request.params.userId, changeOrigin(request, 'web'));
    if (result === 'removed') return reply.redirect('/settings/members?done=removed', 303);
    return refuse(request, reply, failure(result, 'remove', 'web'));
  });

  r.post('/settings/members/leave', { preValidation: tenantRoutes.web(ANY_MEMBER), schema: { hide: true } }, async (request, reply) => {
    const result = await members.leave(request.tenant!.id, request.auth!.userId, changeOrigin(request, 'web'), request.auth!.email);
    // The session cookie belongs to this host: the list of one's other workspaces is on the root site.
    if (result === 'left') return reply.redirect(`${config.publicUrl.origin}/workspaces`, 303);
    return refuse(request, reply, failure(result, 'leave', 'web'));
  });
}
