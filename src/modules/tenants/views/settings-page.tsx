// The workspace's settings (permission tenant:manage): its name, its address, and whether members
// must use two-factor authentication. Plain forms: works without JavaScript.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, TextField } from '../../../platform/views/components.js';
import { AddressSettings, type AddressSettingsProps } from './address-settings.js';
import { LogoSettings, type LogoSettingsProps } from './logo-settings.js';

export interface SettingsPageProps extends AppPageContext {
  address: string;
  requireMfa: boolean;
  /** Whether the person looking has a second factor: requiring one of everybody needs it first. */
  viewerHasMfa: boolean;
  nameValue?: string;
  nameError?: string;
  securityError?: string;
  /** The Address and Logo sections (branding.routes.ts). */
  addressSection?: AddressSettingsProps;
  logoSection?: LogoSettingsProps;
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
            {/* The Address section below shows it when present, with the form to change it. */}
            {props.addressSection ? null : (
              <div>
                <p class="text-sm font-medium text-zinc-900 dark:text-white">Address</p>
                <p class="mt-1 text-sm break-all muted">{props.address}</p>
              </div>
            )}
            <div>
              <Button id="workspace-name-button" type="submit" variant="primary">
                Save
              </Button>
            </div>
          </form>
        </Card>

        <Card class="mt-6" title="Custom domains" titleId="domains-title" description="Open the workspace at your own address, such as app.yourcompany.com, verified with a DNS record.">
          <a id="custom-domains-link" href="/settings/domains" class="btn btn-secondary">
            Manage custom domains
          </a>
        </Card>

        {props.logoSection ? <LogoSettings {...props.logoSection} csrfToken={props.csrfToken} /> : null}
        {props.addressSection ? <AddressSettings {...props.addressSection} csrfToken={props.csrfToken} /> : null}

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

        <Card class="mt-6" title="Data and deletion" titleId="lifecycle-title" description="Take a copy of everything in the workspace, or delete it for good after a grace period.">
          <div id="workspace-lifecycle" class="flex flex-col gap-3 sm:flex-row sm:items-center">
            <a id="workspace-export-link" href="/settings/export" class="btn btn-secondary">
              Export data
            </a>
            {props.permissions?.has('tenant:delete') ? (
              <a id="workspace-delete-link" href="/settings/workspace/delete" class="btn btn-danger-ghost">
                Delete workspace
              </a>
            ) : (
              <span class="text-sm muted">Only owners can delete the workspace.</span>
            )}
          </div>
        </Card>
      </div>
    </AppLayout>
  );
}
