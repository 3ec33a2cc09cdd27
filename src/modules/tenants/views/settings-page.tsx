// The workspace's settings (permission tenant:manage): its name, its address, and whether members
// must use two-factor authentication. Plain forms: works without JavaScript.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, TextField } from '../../../platform/views/components.js';

export interface SettingsPageProps extends AppPageContext {
  address: string;
  requireMfa: boolean;
  /** Whether the person looking has a second factor: requiring one of everybody needs it first. */
  viewerHasMfa: boolean;
  nameValue?: string;
  nameError?: string;
  securityError?: string;
}

export function SettingsPage(props: SettingsPageProps) {
  return (
    <AppLayout page={props} title="Workspace settings" active="settings">
      <div class="container-page max-w-3xl py-8 sm:py-10">
        <h1 class="page-title">Workspace settings</h1>
        <p class="mt-1 text-sm muted">Changes apply to everyone in {props.tenant.name} at once.</p>

        <Card class="mt-8" title="Workspace" titleId="workspace-title">
          <form id="workspace-name-form" method="post" action="/settings/workspace" class="grid gap-4 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            <TextField id="workspace-name" name="name" label="Name" value={props.nameValue ?? props.tenant.name} error={props.nameError} required maxlength={100} autocomplete="organization" />
            <div>
              <p class="text-sm font-medium text-zinc-900 dark:text-white">Address</p>
              <p class="mt-1 text-sm break-all muted">{props.address}</p>
            </div>
            <div>
              <Button id="workspace-name-button" type="submit" variant="primary">
                Save
              </Button>
            </div>
          </form>
        </Card>

        <Card
          class="mt-6"
          title="Two-factor authentication for members"
          titleId="security-title"
          description="When it is required, members without a second factor are sent to set one up before any page of the workspace opens, and their API calls are refused."
        >
          {props.securityError ? (
            <Alert kind="error" id="security-error" class="mb-4">
              {props.securityError}
            </Alert>
          ) : null}
          <form id="workspace-security-form" method="post" action="/settings/workspace/security" class="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
            <CsrfField token={props.csrfToken} />
            <p class="flex items-center gap-2 text-sm">
              {props.requireMfa ? <Badge tone="success">Required</Badge> : <Badge>Not required</Badge>}
              <span class="muted">{props.requireMfa ? 'Every member signs in with a second factor.' : 'Each member decides.'}</span>
            </p>
            <input type="hidden" name="require_mfa" value={props.requireMfa ? 'off' : 'on'} />
            <Button id="workspace-security-button" type="submit" variant={props.requireMfa ? 'secondary' : 'primary'}>
              {props.requireMfa ? 'Stop requiring it' : 'Require it'}
            </Button>
          </form>
          {!props.requireMfa && !props.viewerHasMfa ? (
            <p class="mt-3 text-sm muted">
              Set up a second factor for your own account first (
              <a href="/account" class="link">
                your account
              </a>
              ), so the requirement does not lock you out.
            </p>
          ) : null}
        </Card>
      </div>
    </AppLayout>
  );
}
