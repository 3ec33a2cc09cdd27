// The members of a workspace: who is in it and with which role, changing roles and removing
// members (plain forms; removing asks for a confirmation that works without JavaScript), leaving,
// and what each role may do.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Badge, type BadgeTone, Button, Card, CsrfField, DataTable, Icon } from '../../../platform/views/components.js';
import { PERMISSIONS, type Permission, type RoleCatalog } from '../../access/index.js';
import { InvitationsPanel, type InvitationsPanelProps } from './invitations.js';

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: string;
  joinedAt: Date;
}

export interface MembersPageProps extends AppPageContext {
  members: MemberView[];
  /** The workspace's roles, built-in and its own. */
  catalog: RoleCatalog;
  /** The signed-in member's user id. */
  me: string;
  /** What went wrong with the last action (shown above the table). */
  error?: string;
  /** The invitation cards, for members who may invite. */
  invitations?: InvitationsPanelProps;
}

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const ROLE_TONE: Record<string, BadgeTone> = { owner: 'brand', admin: 'success', billing: 'warning' };

function RoleBadge(props: { role: string; catalog: RoleCatalog }) {
  return <Badge tone={ROLE_TONE[props.role] ?? 'neutral'}>{props.catalog.label(props.role)}</Badge>;
}

/** Whether the viewer may act on a member with `role`: they could give it (a role the workspace no longer knows: anyone who assigns roles). */
const mayChange = (catalog: RoleCatalog, viewerRole: string, role: string) =>
  catalog.has(role) ? catalog.canGrant(viewerRole, role) : catalog.permissionsOf(viewerRole).has('roles:assign');

/** `phone`: the copy shown under the name on small screens (the Role column is hidden there). */
function RoleForm(props: { member: MemberView; viewerRole: string; catalog: RoleCatalog; csrfToken: string; phone?: boolean }) {
  const { member } = props;
  const id = props.phone ? `role-${member.userId}-phone` : `role-${member.userId}`;
  return (
    <form method="post" action={`/settings/members/${member.userId}/role`} class="flex items-center gap-2">
      <CsrfField token={props.csrfToken} />
      <label for={id} class="sr-only">
        Role of {member.name}
      </label>
      <select id={id} name="role" class="input h-9 w-auto min-w-[7.5rem] py-1">
        {props.catalog.roles
          .filter((r) => props.catalog.canGrant(props.viewerRole, r.key))
          .map((r) => (
            <option value={r.key} selected={r.key === member.role}>
              {r.name}
            </option>
          ))}
      </select>
      <Button type="submit" variant="secondary" size="sm" attrs={{ 'aria-label': `Change the role of ${member.name}` }}>
        Change
      </Button>
    </form>
  );
}

/** "Remove" opens a confirmation in place (a <details>: no JavaScript needed). */
function RemoveForm(props: { member: MemberView; csrfToken: string }) {
  const { member } = props;
  return (
    <details class="member-remove inline-block text-left">
      <summary class="btn btn-danger-ghost btn-sm cursor-pointer list-none [&::-webkit-details-marker]:hidden" aria-label={`Remove ${member.name}`}>
        <Icon name="trash" class="size-3.5" />
        <span class="hidden sm:inline">Remove</span>
      </summary>
      <div class="mt-2 w-56 rounded-lg border border-zinc-200 p-3 text-sm whitespace-normal dark:border-white/10">
        <p>
          Remove <span class="font-medium text-zinc-900 dark:text-white">{member.name}</span>? They lose access at once.
        </p>
        <form method="post" action={`/settings/members/${member.userId}/remove`} class="mt-2">
          <CsrfField token={props.csrfToken} />
          <Button type="submit" variant="danger" size="sm">
            Remove
          </Button>
        </form>
      </div>
    </details>
  );
}

function MemberRow(props: { member: MemberView; viewerRole: string; catalog: RoleCatalog; me: string; csrfToken: string; onlyOwner: boolean }) {
  const { member, viewerRole, catalog } = props;
  const self = member.userId === props.me;
  // The only owner keeps the role: no control that could only be refused.
  const canChange = mayChange(catalog, viewerRole, member.role) && !props.onlyOwner;
  const canRemove = !self && catalog.permissionsOf(viewerRole).has('members:remove') && mayChange(catalog, viewerRole, member.role);
  const role = (phone: boolean) =>
    canChange ? <RoleForm member={member} viewerRole={viewerRole} catalog={catalog} csrfToken={props.csrfToken} phone={phone} /> : <RoleBadge role={member.role} catalog={catalog} />;
  return (
    <tr class="data-row" id={`member-${member.userId}`}>
      <td class="min-w-0">
        <div class="flex items-center gap-2 font-medium text-zinc-900 dark:text-white">
          <span class="max-w-[12rem] truncate sm:max-w-[16rem]">{member.name}</span>
          {self ? <Badge>You</Badge> : null}
        </div>
        <div class="max-w-[12rem] truncate text-xs muted md:hidden">{member.email}</div>
        <div class="mt-2 sm:hidden">{role(true)}</div>
      </td>
      <td class="hidden text-sm md:table-cell">{member.email}</td>
      <td class="member-role hidden sm:table-cell">{role(false)}</td>
      <td class="hidden whitespace-nowrap text-sm muted sm:table-cell">
        <time datetime={member.joinedAt.toISOString()}>{day.format(member.joinedAt)}</time>
      </td>
      <td class="text-right">{canRemove ? <RemoveForm member={member} csrfToken={props.csrfToken} /> : null}</td>
    </tr>
  );
}

// The table boxes are `relative` so the visually hidden labels inside scroll with them instead of
// widening the page on a phone.
export function PermissionMatrix(props: { catalog: RoleCatalog }) {
  return (
    <div class="table-wrap relative">
      <table class="table" aria-labelledby="matrix-title">
        <thead>
          <tr>
            <th scope="col">Permission</th>
            {props.catalog.roles.map((r) => (
              <th scope="col" class="text-center" title={r.description || undefined}>
                {r.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(Object.entries(PERMISSIONS) as [Permission, string][]).map(([permission, description]) => (
            <tr>
              <th scope="row" class="border-b border-zinc-100 px-4 py-2.5 pl-5 text-left align-middle font-normal sm:pl-6 in-[tr:last-child]:border-b-0 dark:border-white/5">
                <div class="min-w-[10rem] text-sm text-zinc-700 dark:text-zinc-300">{description}</div>
                <code class="text-xs muted">{permission}</code>
              </th>
              {props.catalog.roles.map((r) => (
                <td class="text-center">
                  {r.permissions.has(permission) ? (
                    <span class="inline-flex text-emerald-600 dark:text-emerald-400">
                      <Icon name="check" class="size-4" />
                      <span class="sr-only">Yes</span>
                    </span>
                  ) : (
                    <span class="text-zinc-300 dark:text-zinc-600">
                      <span aria-hidden="true">–</span>
                      <span class="sr-only">No</span>
                    </span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MembersPage(props: MembersPageProps) {
  const viewerRole = props.role ?? '';
  const owners = props.members.filter((m) => m.role === 'owner').length;
  const soleOwner = viewerRole === 'owner' && owners <= 1;
  const count = props.members.length;
  return (
    <AppLayout page={props} title="Members" active="members">
      <div class="container-page py-8 sm:py-10">
        <h1 class="page-title">Members</h1>
        <p class="mt-1 text-sm muted">
          {count === 1 ? '1 person' : `${count} people`} in {props.tenant.name}. Their role decides what they can do; a change applies at once.
        </p>

        {props.error ? (
          <Alert kind="error" id="members-error" class="mt-6">
            {props.error}
          </Alert>
        ) : null}

        {props.invitations ? <InvitationsPanel {...props.invitations} viewerRole={viewerRole} catalog={props.catalog} csrfToken={props.csrfToken} /> : null}

        <Card class="mt-8" title="People" titleId="members-title" padded={false}>
          <DataTable
            labelledBy="members-title"
            columns={[
              { label: 'Name' },
              { label: 'Email', class: 'hidden md:table-cell' },
              { label: 'Role', class: 'hidden sm:table-cell' },
              { label: 'Joined', class: 'hidden sm:table-cell' },
              { label: 'Actions', srOnly: true },
            ]}
          >
            {props.members.map((member) => (
              <MemberRow member={member} viewerRole={viewerRole} catalog={props.catalog} me={props.me} csrfToken={props.csrfToken} onlyOwner={member.role === 'owner' && owners === 1} />
            ))}
          </DataTable>
        </Card>

        <Card class="mt-6" title="What each role can do" titleId="matrix-title" description="Nobody can give a role above their own. A workspace always keeps at least one owner." padded={false}>
          <PermissionMatrix catalog={props.catalog} />
          <p class="border-t border-zinc-100 px-5 py-3 text-sm sm:px-6 dark:border-white/5">
            <a class="link" href="/settings/roles" id="manage-roles-link">
              {props.catalog.permissionsOf(viewerRole).has('roles:assign') ? 'Define roles of your own' : 'See every role'}
            </a>
          </p>
        </Card>

        <Card class="mt-6" title="Leave this workspace" titleId="leave-title" description="You lose access at once; to come back, someone has to add you again.">
          {soleOwner ? (
            <p class="text-sm muted">You are the only owner. Make another member an owner before you leave.</p>
          ) : (
            <details class="inline-block">
              <summary class="btn btn-secondary btn-sm cursor-pointer list-none [&::-webkit-details-marker]:hidden">
                <Icon name="log-out" class="size-4" />
                Leave workspace
              </summary>
              <form method="post" action="/settings/members/leave" class="mt-3 flex flex-wrap items-center gap-3">
                <CsrfField token={props.csrfToken} />
                <span class="text-sm">Leave {props.tenant.name}?</span>
                <Button id="leave-button" type="submit" variant="danger" size="sm">
                  Leave
                </Button>
              </form>
            </details>
          )}
        </Card>
      </div>
    </AppLayout>
  );
}
