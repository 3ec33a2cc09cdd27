// The workspace's roles: the built-in ones and the workspace's own, made from the permission list.
// Members who may assign roles define, edit and delete their own roles here, within the permissions
// they hold themselves. Plain forms: works without JavaScript.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, DataTable, EmptyState, FieldError, Icon, TextField } from '../../../platform/views/components.js';
import { CUSTOM_ROLE_PERMISSIONS, PERMISSIONS, type Permission } from '../../access/index.js';
import type { WorkspaceRole } from '../roles.service.js';

export interface RolesPageProps extends AppPageContext {
  roles: WorkspaceRole[];
  /** The viewer may define and edit roles (`roles:assign`). */
  canManage: boolean;
  /** Custom roles the viewer may edit or delete (every permission within their own). */
  editable: ReadonlySet<string>;
  error?: string;
}

function PermissionList(props: { permissions: readonly Permission[] }) {
  return (
    <ul class="flex flex-wrap gap-1.5" aria-label="Permissions">
      {props.permissions.map((p) => (
        <li>
          <code class="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 dark:bg-white/10 dark:text-zinc-300" title={PERMISSIONS[p]}>
            {p}
          </code>
        </li>
      ))}
    </ul>
  );
}

function RoleRow(props: { role: WorkspaceRole; editable: boolean }) {
  const { role } = props;
  const members = role.members === 1 ? '1 member' : `${role.members} members`;
  return (
    <tr class="data-row" id={`role-${role.key.replace(/[^a-z0-9-]/g, '-')}`}>
      <td class="align-top sm:min-w-[12rem]">
        <div class="flex flex-wrap items-center gap-2 font-medium text-zinc-900 dark:text-white">
          <span>{role.name}</span>
          {role.builtIn ? <Badge>Built-in</Badge> : <Badge tone="brand">Custom</Badge>}
        </div>
        {role.description ? <p class="mt-1 max-w-md text-sm muted">{role.description}</p> : null}
        <p class="mt-1 text-xs muted sm:hidden">{members}</p>
        <div class="mt-2 md:hidden">
          <PermissionList permissions={role.permissions} />
        </div>
      </td>
      <td class="hidden align-top md:table-cell">
        <PermissionList permissions={role.permissions} />
      </td>
      <td class="hidden text-right align-top text-sm whitespace-nowrap tabular-nums muted sm:table-cell">{members}</td>
      <td class="text-right align-top">
        {props.editable && role.id ? (
          <a class="btn btn-secondary btn-sm" href={`/settings/roles/${role.id}`} aria-label={`Edit the role ${role.name}`}>
            Edit
          </a>
        ) : null}
      </td>
    </tr>
  );
}

export function RolesPage(props: RolesPageProps) {
  const custom = props.roles.filter((r) => !r.builtIn);
  return (
    <AppLayout page={props} title="Roles" active="members">
      <div class="container-page py-8 sm:py-10">
        <nav class="text-sm muted" aria-label="Breadcrumb">
          <a class="link" href="/settings/members">
            Members
          </a>{' '}
          / Roles
        </nav>
        <div class="mt-2 flex flex-wrap items-end justify-between gap-4">
          <div>
            <h1 class="page-title">Roles</h1>
            <p class="mt-1 max-w-2xl text-sm muted">
              A role is a set of permissions. Besides the built-in roles, {props.tenant.name} can define its own. Changing a role's permissions applies to everyone who has it at once.
            </p>
          </div>
          {props.canManage ? (
            <a class="btn btn-primary" href="/settings/roles/new" id="new-role-link">
              <Icon name="plus" class="size-4" />
              New role
            </a>
          ) : null}
        </div>

        {props.error ? (
          <Alert kind="error" id="roles-error" class="mt-6">
            {props.error}
          </Alert>
        ) : null}

        <Card class="mt-8" title="All roles" titleId="roles-title" padded={false}>
          <DataTable
            labelledBy="roles-title"
            columns={[
              { label: 'Role' },
              { label: 'Permissions', class: 'hidden md:table-cell' },
              { label: 'Members', class: 'hidden text-right sm:table-cell' },
              { label: 'Actions', srOnly: true },
            ]}
          >
            {props.roles.map((role) => (
              <RoleRow role={role} editable={props.canManage && props.editable.has(role.key)} />
            ))}
          </DataTable>
          {custom.length === 0 ? (
            <div class="border-t border-zinc-100 dark:border-white/5">
              <EmptyState
                icon="users"
                title="No roles of your own yet"
                description={props.canManage ? 'Define one when the built-in roles do not fit, for example "Support" that reads the data and the audit log.' : 'Members who can assign roles can define more.'}
              />
            </div>
          ) : null}
        </Card>
      </div>
    </AppLayout>
  );
}

export interface RoleFormPageProps extends AppPageContext {
  /** Editing this role; creating a new one when absent. */
  editing?: WorkspaceRole;
  /** What the form shows (the submitted values after a refusal). */
  form: { name: string; description: string; permissions: readonly string[] };
  /** Permissions the viewer holds: only these can be put in a role. */
  grantable: ReadonlySet<string>;
  fieldErrors?: Record<string, string>;
  error?: string;
}

export function RoleFormPage(props: RoleFormPageProps) {
  const editing = props.editing;
  const errors = props.fieldErrors ?? {};
  const title = editing ? `Edit ${editing.name}` : 'New role';
  return (
    <AppLayout page={props} title={title} active="members">
      <div class="container-page max-w-3xl py-8 sm:py-10">
        <nav class="text-sm muted" aria-label="Breadcrumb">
          <a class="link" href="/settings/members">
            Members
          </a>{' '}
          /{' '}
          <a class="link" href="/settings/roles">
            Roles
          </a>{' '}
          / {editing ? editing.name : 'New'}
        </nav>
        <h1 class="page-title mt-2">{title}</h1>
        {editing ? (
          <p class="mt-1 text-sm muted">
            {editing.members === 1 ? '1 member has' : `${editing.members} members have`} this role. Changes apply to them at once.
          </p>
        ) : (
          <p class="mt-1 text-sm muted">Pick what people with this role may do. You can only choose permissions you have yourself.</p>
        )}

        {props.error ? (
          <Alert kind="error" id="role-error" class="mt-6">
            {props.error}
          </Alert>
        ) : null}

        <Card class="mt-8">
          <form id="role-form" method="post" action={editing ? `/settings/roles/${editing.id}` : '/settings/roles'}>
            <CsrfField token={props.csrfToken} />
            <TextField id="role-name" name="name" label="Name" value={props.form.name} error={errors.name} required maxlength={50} placeholder="Support" />
            <TextField
              id="role-description"
              name="description"
              label="Description"
              value={props.form.description}
              error={errors.description}
              maxlength={200}
              hint="Optional. Shown next to the role where people pick it."
            />
            <fieldset class="mt-6" aria-describedby={errors.permissions ? 'role-permissions-error' : undefined}>
              <legend class="label">Permissions</legend>
              <div class="mt-2 grid gap-2 sm:grid-cols-2">
                {CUSTOM_ROLE_PERMISSIONS.map((p) => {
                  const allowed = props.grantable.has(p);
                  const id = `perm-${p.replace(/[^a-z]/g, '-')}`;
                  return (
                    <label
                      for={id}
                      class={`flex items-start gap-3 rounded-lg border border-zinc-200 p-3 text-sm dark:border-white/10 ${allowed ? 'cursor-pointer hover:bg-zinc-50 dark:hover:bg-white/5' : 'opacity-60'}`}
                    >
                      <input id={id} type="checkbox" name="permissions" value={p} checked={props.form.permissions.includes(p)} disabled={!allowed} class="mt-0.5 size-4 shrink-0 rounded" />
                      <span>
                        <span class="block text-zinc-900 dark:text-white">{PERMISSIONS[p]}</span>
                        <code class="text-xs muted">{p}</code>
                        {allowed ? null : <span class="block text-xs muted">You do not have this permission</span>}
                      </span>
                    </label>
                  );
                })}
              </div>
              <p class="mt-2 text-xs muted">Deleting the workspace stays with its owners and cannot be part of a role of your own.</p>
              <FieldError id="role-permissions" message={errors.permissions} />
            </fieldset>
            <div class="mt-6 flex flex-wrap gap-3">
              <Button id="role-save" type="submit" variant="primary">
                {editing ? 'Save changes' : 'Create role'}
              </Button>
              <a class="btn btn-secondary" href="/settings/roles">
                Cancel
              </a>
            </div>
          </form>
        </Card>

        {editing ? (
          <Card class="mt-6" title="Delete this role" titleId="delete-role-title" description="Only a role nobody has (no member, no open invitation) can be deleted.">
            <details class="inline-block">
              <summary class="btn btn-danger-ghost btn-sm cursor-pointer list-none [&::-webkit-details-marker]:hidden">
                <Icon name="trash" class="size-4" />
                Delete role
              </summary>
              <form method="post" action={`/settings/roles/${editing.id}/delete`} class="mt-3 flex flex-wrap items-center gap-3">
                <CsrfField token={props.csrfToken} />
                <span class="text-sm">Delete {editing.name}?</span>
                <Button id="role-delete" type="submit" variant="danger" size="sm">
                  Delete
                </Button>
              </form>
            </details>
          </Card>
        ) : null}
      </div>
    </AppLayout>
  );
}
