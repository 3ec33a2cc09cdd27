// Deleting the workspace (/settings/workspace/delete, owners: tenant:delete). Before: what goes and
// when, the export, and a form that asks for the address and the password. While pending: the date
// and a button that cancels. Plain forms: works without JavaScript.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Button, Card, CsrfField, Icon, TextField } from '../../../platform/views/components.js';
import { describeTime as describeDeletionTime } from '../../email/index.js';

export interface DeletionPageProps extends AppPageContext {
  graceDays: number;
  /** Set while deletion is pending. */
  scheduledFor: Date | null;
  /** The account has a password to confirm with (accounts that sign in only with a provider set one first). */
  hasPassword: boolean;
  confirmValue?: string;
  errors?: { confirm?: string; current_password?: string; form?: string };
}

const WHAT_GOES = [
  'Every member loses access; their own accounts stay.',
  'Members, invitations, roles, data items, custom domains and the logo are deleted for good.',
  'The address becomes free for anyone to take.',
];

function graceText(days: number): string {
  if (days === 0) return 'at once, when you confirm';
  return `${days} day${days === 1 ? '' : 's'} after you confirm`;
}

export function DeletionPage(props: DeletionPageProps) {
  const address = props.tenant.subdomain;
  return (
    <AppLayout page={props} title="Delete workspace" active="settings">
      <div class="container-page max-w-3xl py-8 sm:py-10">
        <h1 class="page-title">Delete workspace</h1>
        <p class="mt-1 text-sm muted">
          <a href="/settings/workspace" class="link">
            Workspace settings
          </a>{' '}
          / Delete {props.tenant.name}
        </p>

        {props.scheduledFor ? (
          <Card class="mt-8 border-amber-200 dark:border-amber-900/50" title="Deletion scheduled" titleId="deletion-pending-title">
            <p id="deletion-pending" class="text-sm">
              {props.tenant.name} will be deleted on <strong>{describeDeletionTime(props.scheduledFor)}</strong>. Until then it is closed: members can only export its data.
            </p>
            <div class="mt-6 flex flex-col gap-3 sm:flex-row sm:items-center">
              <form id="deletion-cancel-form" method="post" action="/settings/workspace/delete/cancel">
                <CsrfField token={props.csrfToken} />
                <Button id="deletion-cancel-button" type="submit" variant="primary" class="w-full sm:w-auto">
                  Cancel deletion
                </Button>
              </form>
              <a href="/settings/export" class="btn btn-secondary">
                Export data
              </a>
            </div>
            <p class="mt-4 text-sm muted">Cancelling opens the workspace again for everyone, with all its data.</p>
          </Card>
        ) : (
          <>
            <Card class="mt-8" title="What happens" titleId="deletion-what-title">
              <p class="text-sm">
                The workspace closes as soon as you confirm: its pages and API stop working for everyone, except the data export. It is deleted{' '}
                <strong>{graceText(props.graceDays)}</strong>
                {props.graceDays > 0 ? '; until then any owner can cancel, and nothing is lost.' : '.'}
              </p>
              <ul class="mt-4 grid gap-2 text-sm muted">
                {WHAT_GOES.map((line) => (
                  <li class="flex gap-2.5">
                    <Icon name="chevron-right" class="mt-0.5 size-4 shrink-0 text-brand-500" />
                    <span>{line}</span>
                  </li>
                ))}
              </ul>
              <p class="mt-4 text-sm">
                <a href="/settings/export" class="link">
                  Export the data first
                </a>{' '}
                if you want to keep a copy. Owners get an email when the deletion is scheduled, cancelled and done.
              </p>
            </Card>

            <Card class="mt-6 border-red-200 dark:border-red-900/50" title="Delete this workspace" titleId="deletion-form-title">
              {props.errors?.form ? (
                <Alert kind="error" id="deletion-error" class="mb-4">
                  {props.errors.form}
                </Alert>
              ) : null}
              {props.hasPassword ? null : (
                <Alert kind="info" id="deletion-no-password" class="mb-4">
                  Your account signs in without a password. Set one on{' '}
                  <a href="/account" class="link">
                    your account page
                  </a>{' '}
                  first: deleting a workspace asks for it.
                </Alert>
              )}
              <form id="deletion-form" method="post" action="/settings/workspace/delete" class="grid gap-4 sm:max-w-md">
                <CsrfField token={props.csrfToken} />
                <TextField
                  id="deletion-confirm"
                  name="confirm"
                  label={`Type ${address} to confirm`}
                  value={props.confirmValue}
                  error={props.errors?.confirm}
                  autocomplete="off"
                  verbatim
                  required
                  maxlength={100}
                />
                <TextField
                  id="deletion-password"
                  name="current_password"
                  type="password"
                  label="Your password"
                  error={props.errors?.current_password}
                  autocomplete="current-password"
                  required
                />
                <div>
                  <Button id="deletion-button" type="submit" variant="danger">
                    Delete workspace
                  </Button>
                </div>
              </form>
            </Card>
          </>
        )}
      </div>
    </AppLayout>
  );
}
