/**
 * A workspace's roles over HTTP: the page (`/settings/roles`, session cookie) and the JSON API
 * (`/api/roles`, bearer token). Anyone who sees the members sees the roles; defining, editing and
 * deleting needs `roles:assign`, and the service keeps every role within the editor's own permissions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppConfig } from '../../platform/config.js';
import { AppError, notFound } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { CUSTOM_ROLE_PERMISSIONS, type TenantRouteGuards } from '../access/index.js';
import { changeOrigin, memberActor } from './request-actor.js';
import type { RoleInput, RolesService, WorkspaceRole } from './roles.service.js';
import { RoleFormPage, RolesPage, type RoleFormPageProps } from './views/roles-page.js';

interface Options {
  config: AppConfig;
  roles: RolesService;
  tenantRoutes: TenantRouteGuards;
}

const RoleSchema = Type.Object(
  {
    id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Null for built-in roles' }),
    key: Type.String({ description: 'What members and invitations hold: `owner`, `admin`, `member`, `billing`, `viewer`, or `custom:<slug>`' }),
    name: Type.String(),
    description: Type.String(),
    built_in: Type.Boolean(),
    permissions: Type.Array(Type.String()),
    members: Type.Integer({ minimum: 0 }),
  },
  { $id: 'WorkspaceRole' },
);

const RoleBody = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    permissions: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50, description: `Some of: ${CUSTOM_ROLE_PERMISSIONS.join(', ')}. Only permissions the caller has.` }),
  },
  { additionalProperties: false },
);

/** Any string: an id that is not one of this workspace's roles (a uuid or not) is the same 404. */
const RoleIdParams = Type.Object({ roleId: Type.String({ maxLength: 100 }) });

const toJson = (r: WorkspaceRole) => ({ id: r.id, key: r.key, name: r.name, description: r.description, built_in: r.builtIn, permissions: r.permissions, members: r.members });

/** Success messages after a redirect, by fixed code: nothing from the URL is shown. */
const DONE: Record<string, string> = {
  created: 'The role was created. Give it to members from the members page.',
  updated: 'The role was saved. Its members have the new permissions now.',
  deleted: 'The role was deleted.',
};

/** The checked boxes of the form: one value or many, strings only. */
function checkedPermissions(body: unknown): string[] {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>).permissions : undefined;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string').slice(0, 50);
}

export async function rolesRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, roles, tenantRoutes } = opts;
  const api = { tags: ['roles'], security: [{ bearerAuth: [] }] };

  // ---- JSON API
  r.get(
    '/api/roles',
    {
      preValidation: tenantRoutes.api('members:read'),
      schema: { ...api, summary: "List the workspace's roles: built-in ones, then its own", response: { 200: Type.Array(RoleSchema), ...problemResponses(401, 403, 404) } },
    },
    async (request) => (await roles.listRoles(request.tenant!.id)).map(toJson),
  );

  r.post(
    '/api/roles',
    {
      preValidation: tenantRoutes.api('roles:assign'),
      schema: {
        ...api,
        summary: 'Define a role of the workspace',
        description: 'The role is made of permissions the caller has. Its key (`custom:<slug>`) is what members and invitations hold. At most 20 per workspace.',
        body: RoleBody,
        response: { 201: RoleSchema, ...problemResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const role = await roles.createRole(request.tenant!.id, memberActor(request), request.body, changeOrigin(request, 'api'));
      return reply.code(201).send(toJson(role));
    },
  );

  r.patch(
    '/api/roles/:roleId',
    {
      preValidation: tenantRoutes.api('roles:assign'),
      schema: {
        ...api,
        summary: "Change a workspace role's name, description and permissions",
        description: 'Its members get the new permissions at once. Both the old and the new permissions must be within the caller\'s own.',
        params: RoleIdParams,
        body: RoleBody,
        response: { 200: RoleSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => toJson(await roles.updateRole(request.tenant!.id, memberActor(request), request.params.roleId, request.body, changeOrigin(request, 'api'))),
  );

  r.delete(
    '/api/roles/:roleId',
    {
      preValidation: tenantRoutes.api('roles:assign'),
      schema: {
        ...api,
        summary: 'Delete a workspace role',
        description: 'Only a role that no member and no open invitation holds (409 otherwise).',
        params: RoleIdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await roles.deleteRole(request.tenant!.id, memberActor(request), request.params.roleId, changeOrigin(request, 'api'));
      return reply.code(204).send(null);
    },
  );

  // ---- Pages (plain forms: work without JavaScript)
  const pageContext = (request: FastifyRequest, reply: FastifyReply) => workspacePageContext(request, reply, config.publicUrl.origin);

  async function showRoles(request: FastifyRequest, reply: FastifyReply, extra: { error?: string; flash?: { kind: 'success'; message: string }[] } = {}, status = 200) {
    const list = await roles.listRoles(request.tenant!.id);
    const mine = request.membership!.permissions;
    const editable = new Set(list.filter((role) => !role.builtIn && role.permissions.every((p) => mine.has(p))).map((role) => role.key));
    reply.header('cache-control', 'no-store');
    return sendPage(reply, RolesPage({ ...pageContext(request, reply), roles: list, canManage: mine.has('roles:assign'), editable, ...extra }), status);
  }

  function showForm(request: FastifyRequest, reply: FastifyReply, props: Pick<RoleFormPageProps, 'form' | 'fieldErrors' | 'error' | 'editing'>, status = 200) {
    reply.header('cache-control', 'no-store');
    return sendPage(reply, RoleFormPage({ ...pageContext(request, reply), grantable: request.membership!.permissions, ...props }), status);
  }

  const formInput = (body: unknown): RoleInput => ({ name: formField(body, 'name', 200), description: formField(body, 'description', 1000), permissions: checkedPermissions(body) });

  /** A refusal from the service, shown on the form with its status. */
  function refuseForm(request: FastifyRequest, reply: FastifyReply, err: unknown, input: RoleInput, role?: WorkspaceRole) {
    if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
    const form = { name: input.name, description: input.description ?? '', permissions: input.permissions };
    return showForm(request, reply, { form, ...(role ? { editing: role } : {}), ...(err.fields ? { fieldErrors: err.fields } : { error: err.message }) }, err.status);
  }

  async function requireRole(request: FastifyRequest, roleId: string): Promise<WorkspaceRole> {
    const role = await roles.getRole(request.tenant!.id, roleId);
    if (!role) throw notFound('Role');
    return role;
  }

  r.get('/settings/roles', { preValidation: tenantRoutes.web('members:read'), schema: { hide: true } }, async (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    const message = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
    return showRoles(request, reply, message ? { flash: [{ kind: 'success', message }] } : {});
  });

  r.get('/settings/roles/new', { preValidation: tenantRoutes.web('roles:assign'), schema: { hide: true } }, async (request, reply) =>
    showForm(request, reply, { form: { name: '', description: '', permissions: ['data:read'] } }),
  );

  r.post('/settings/roles', { preValidation: tenantRoutes.web('roles:assign'), schema: { hide: true } }, async (request, reply) => {
    const input = formInput(request.body);
    try {
      await roles.createRole(request.tenant!.id, memberActor(request), input, changeOrigin(request, 'web'));
    } catch (err) {
      return refuseForm(request, reply, err, input);
    }
    return reply.redirect('/settings/roles?done=created', 303);
  });

  r.get('/settings/roles/:roleId', { preValidation: tenantRoutes.web('roles:assign'), schema: { hide: true, params: RoleIdParams } }, async (request, reply) => {
    const role = await requireRole(request, request.params.roleId);
    return showForm(request, reply, { editing: role, form: { name: role.name, description: role.description, permissions: role.permissions } });
  });

  r.post('/settings/roles/:roleId', { preValidation: tenantRoutes.web('roles:assign'), schema: { hide: true, params: RoleIdParams } }, async (request, reply) => {
    const role = await requireRole(request, request.params.roleId);
    const input = formInput(request.body);
    try {
      await roles.updateRole(request.tenant!.id, memberActor(request), role.id!, input, changeOrigin(request, 'web'));
    } catch (err) {
      return refuseForm(request, reply, err, input, role);
    }
    return reply.redirect('/settings/roles?done=updated', 303);
  });

  r.post('/settings/roles/:roleId/delete', { preValidation: tenantRoutes.web('roles:assign'), schema: { hide: true, params: RoleIdParams } }, async (request, reply) => {
    const role = await requireRole(request, request.params.roleId);
    try {
      await roles.deleteRole(request.tenant!.id, memberActor(request), role.id!, changeOrigin(request, 'web'));
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
      return showForm(request, reply, { editing: role, form: { name: role.name, description: role.description, permissions: role.permissions }, error: err.message }, err.status);
    }
    return reply.redirect('/settings/roles?done=deleted', 303);
  });
}
