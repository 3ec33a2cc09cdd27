// Invitations: the "Invite people" form and the pending invitations on the members page, and the
// page an invitation link opens (accept as the signed-in user, log in, or create an account).
// Plain forms with CSRF fields: everything works without JavaScript.
import { AuthCard, Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, DataTable, Icon, TextField } from '../../../platform/views/components.js';
import { BUILT_IN_CATALOG, type RoleCatalog } from '../../access/index.js';
import { PASSWORD_MIN_LENGTH } from '../../auth/index.js';

export interface PendingInvitationView {
  id: string;
  email: string;
  role: string;
  invitedBy: { name: string } | null;
  expiresAt: Date;
  expired: boolean;
}

/** What the members page needs to show the invitation cards (only to members who may invite). */
export interface InvitationsPanelProps {
  pending: PendingInvitationView[];
  /** The form as last sent, with its error, when the invitation was refused. */
  form?: { email?: string; role?: string; error?: string; fieldErrors?: Record<string, string> };
}

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const roleName = (role: string, catalog: RoleCatalog = BUILT_IN_CATALOG) => catalog.label(role);

function InviteForm(props: { viewerRole: string; catalog: RoleCatalog; csrfToken: string; form: InvitationsPanelProps['form'] }) {
  const roles = props.catalog.roles.filter((r) => props.catalog.canGrant(props.viewerRole, r.key)).map((r) => r.key);
  const chosen = props.form?.role ?? (roles.includes('member') ? 'member' : roles[roles.length - 1]);
  const fieldErrors = props.form?.fieldErrors ?? {};
  return (
    <form id="invite-form" method="post" action="/settings/members/invite" class="grid gap-4 sm:grid-cols-[1fr_auto_auto] sm:items-start">
      <CsrfField token={props.csrfToken} />
      <TextField
        id="invite-email"
        name="email"
        label="Email address"
        type="email"
        autocomplete="off"
        required
        maxlength={254}
        placeholder="name@company.com"
        value={props.form?.email}
        error={fieldErrors.email}
        verbatim
      />
      {/* Not a `.field`: a grid cell, not the next field down (no top margin). */}
      <div>
        <label for="invite-role" class="label">
          Role
        </label>
        <select id="invite-role" name="role" class="input mt-1.5 w-full sm:w-auto sm:min-w-[9rem]" aria-invalid={fieldErrors.role ? 'true' : undefined}>
          {roles.map((r) => (
            <option value={r} selected={r === chosen}>
              {roleName(r, props.catalog)}
            </option>
          ))}
        </select>
      </div>
      <div class="sm:pt-7">
        <Button id="invite-button" type="submit" full>
          <Icon name="mail" class="size-4" />
          Send invitation
        </Button>
      </div>
    </form>
  );
}

function PendingRow(props: { invitation: PendingInvitationView; viewerRole: string; catalog: RoleCatalog; csrfToken: string }) {
  const { invitation } = props;
  const mayManage = props.catalog.canGrant(props.viewerRole, invitation.role);
  return (
    <tr class="data-row" id={`invitation-${invitation.id}`}>
      <td class="min-w-0">
        <div class="max-w-[14rem] truncate font-medium text-zinc-900 sm:max-w-[18rem] dark:text-white">{invitation.email}</div>
        <div class="text-xs muted sm:hidden">{roleName(invitation.role, props.catalog)}</div>
      </td>
      <td class="hidden text-sm sm:table-cell">
        <Badge>{roleName(invitation.role, props.catalog)}</Badge>
      </td>
      <td class="hidden text-sm muted md:table-cell">{invitation.invitedBy?.name || '—'}</td>
      <td class="hidden whitespace-nowrap text-sm sm:table-cell">
        {invitation.expired ? (
          <Badge tone="warning">Expired</Badge>
        ) : (
          <time class="muted" datetime={invitation.expiresAt.toISOString()}>
            {day.format(invitation.expiresAt)}
          </time>
        )}
      </td>
      <td class="text-right whitespace-nowrap">
        {mayManage ? (
          <div class="inline-flex items-center gap-1">
            <form method="post" action={`/settings/invitations/${invitation.id}/resend`}>
              <CsrfField token={props.csrfToken} />
              <Button type="submit" variant="secondary" size="sm" attrs={{ 'aria-label': `Send the invitation to ${invitation.email} again` }}>
                Resend
              </Button>
            </form>
            <form method="post" action={`/settings/invitations/${invitation.id}/revoke`}>
              <CsrfField token={props.csrfToken} />
              <Button type="submit" variant="danger-ghost" size="sm" attrs={{ 'aria-label': `Revoke the invitation to ${invitation.email}` }}>
                Revoke
              </Button>
            </form>
          </div>
        ) : null}
      </td>
    </tr>
  );
}

/** "Invite people" and "Pending invitations", for the members page. */
export function InvitationsPanel(props: InvitationsPanelProps & { viewerRole: string; catalog: RoleCatalog; csrfToken: string }) {
  return (
    <>
      <Card class="mt-8" title="Invite people" titleId="invite-title" description="They get an email with a link that works once, for 7 days, and only for that address.">
        {props.form?.error ? (
          <Alert kind="error" id="invite-error" class="mb-4">
            {props.form.error}
          </Alert>
        ) : null}
        <InviteForm viewerRole={props.viewerRole} catalog={props.catalog} csrfToken={props.csrfToken} form={props.form} />
      </Card>
      {props.pending.length > 0 ? (
        <Card class="mt-6" title="Pending invitations" titleId="invitations-title" description="Resending makes a new link: the previous one stops working." padded={false}>
          <DataTable
            labelledBy="invitations-title"
            columns={[
              { label: 'Email' },
              { label: 'Role', class: 'hidden sm:table-cell' },
              { label: 'Invited by', class: 'hidden md:table-cell' },
              { label: 'Expires', class: 'hidden sm:table-cell' },
              { label: 'Actions', srOnly: true },
            ]}
          >
            {props.pending.map((invitation) => (
              <PendingRow invitation={invitation} viewerRole={props.viewerRole} catalog={props.catalog} csrfToken={props.csrfToken} />
            ))}
          </DataTable>
        </Card>
      ) : null}
    </>
  );
}

// ---- The page an invitation link opens

export interface AcceptInvitationPageProps {
  csrfToken: string;
  rootUrl: string;
  workspaceName: string;
  token: string;
  invitation: { email: string; role: string; roleLabel?: string; inviterName: string | null };
  /** Who is signed in on this host, if anyone. */
  user: { name: string; email: string } | null;
  /** A refusal or problem to show (wrong address, full workspace, account exists). */
  error?: string;
  /** The account form as sent, with its errors. */
  signup?: { name?: string; fieldErrors?: Record<string, string> };
}

/** The invited address with most of its local part hidden: shown to someone signed in with another address. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'•'.repeat(Math.max(2, Math.min(local.length - 1, 6)))}@${domain}`;
}

export function AcceptInvitationPage(props: AcceptInvitationPageProps) {
  const { invitation, user } = props;
  const matches = user !== null && user.email.toLowerCase() === invitation.email;
  const next = `/invitations/accept?token=${encodeURIComponent(props.token)}`;
  const who = invitation.inviterName ? `${invitation.inviterName} invited you` : 'You are invited';
  return (
    <Layout title={`Join ${props.workspaceName}`} nav="marketing" rootUrl={props.rootUrl} csrfToken={props.csrfToken} user={user} noindex>
      <AuthCard
        title={`Join ${props.workspaceName}`}
        subtitle={
          <>
            {who} to <span class="font-medium text-zinc-900 dark:text-white">{props.workspaceName}</span> as <span id="invitation-role">{invitation.roleLabel ?? roleName(invitation.role)}</span>.
          </>
        }
      >
        {props.error ? (
          <Alert kind="error" id="invitation-error" class="mb-5">
            {props.error}
          </Alert>
        ) : null}
        {matches ? (
          <form id="accept-form" method="post" action="/invitations/accept" class="space-y-4">
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="token" value={props.token} />
            <p class="text-sm">
              You are signed in as <span class="font-medium">{user.email}</span>.
            </p>
            <Button id="accept-button" type="submit" full size="lg">
              Accept and join
            </Button>
          </form>
        ) : user ? (
          <div class="space-y-4">
            <Alert kind="warning" id="invitation-mismatch">
              This invitation is for another email address. Sign in with the address it was sent to.
            </Alert>
            <p class="text-sm muted">
              You are signed in as {user.email}. The invitation was sent to {maskEmail(invitation.email)}.
            </p>
            <form method="post" action="/logout">
              <CsrfField token={props.csrfToken} />
              <Button id="invitation-sign-out" type="submit" variant="secondary" full>
                <Icon name="log-out" class="size-4" />
                Sign out, then open the link again
              </Button>
            </form>
          </div>
        ) : (
          <div class="space-y-6">
            <div>
              <p class="text-sm">
                This invitation is for <span class="font-medium">{invitation.email}</span>. Already have an account with this address?
              </p>
              <a id="invitation-login" href={`/login?next=${encodeURIComponent(next)}`} class="btn btn-secondary btn-full mt-3">
                Log in to accept
              </a>
            </div>
            <div class="border-t border-zinc-200 pt-6 dark:border-white/10">
              <h2 class="section-title">Create an account</h2>
              <form id="invitation-signup-form" method="post" action="/invitations/accept/signup" class="mt-4 space-y-4">
                <CsrfField token={props.csrfToken} />
                <input type="hidden" name="token" value={props.token} />
                <TextField id="invitation-email" name="email_shown" label="Email" type="email" value={invitation.email} attrs={{ readonly: true, disabled: true }} hint="Fixed: the invitation is for this address." />
                <TextField
                  id="invitation-name"
                  name="name"
                  label="Your name"
                  autocomplete="name"
                  required
                  maxlength={100}
                  value={props.signup?.name}
                  error={props.signup?.fieldErrors?.name}
                />
                <TextField
                  id="invitation-password"
                  name="password"
                  label="Password"
                  type="password"
                  autocomplete="new-password"
                  required
                  minlength={PASSWORD_MIN_LENGTH}
                  maxlength={1024}
                  hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
                  error={props.signup?.fieldErrors?.password}
                />
                <Button id="invitation-signup-button" type="submit" full size="lg">
                  Create account and join
                </Button>
              </form>
            </div>
          </div>
        )}
      </AuthCard>
    </Layout>
  );
}

/** One answer for every link that cannot be used (unknown, used, revoked, expired). */
export function InvalidInvitationPage(props: { rootUrl: string; message?: string }) {
  return (
    <Layout title="Invitation not valid" nav="marketing" rootUrl={props.rootUrl} noindex>
      <AuthCard title="Invitation not valid">
        <p id="invitation-invalid" class="text-sm">
          {props.message ?? 'This invitation link is not valid any more. Ask for a new one.'}
        </p>
      </AuthCard>
    </Layout>
  );
}
