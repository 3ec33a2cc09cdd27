// The "Logo" section of the workspace settings: preview, upload (multipart form: works without
// JavaScript), remove.
import { Alert, Button, Card, CsrfField } from '../../../platform/views/components.js';

export interface LogoSettingsProps {
  tenantName: string;
  /** The versioned `/logo` URL, or null without a logo. */
  logoUrl: string | null;
  /** The current logo's version (sent back by "Remove"). */
  version: string | null;
  error?: string;
}

export function LogoSettings(props: LogoSettingsProps & { csrfToken: string }) {
  return (
    <Card class="mt-6" title="Logo" titleId="logo-title" description="Shown in the header and on the workspace's sign-in page. PNG, JPEG or WebP, at most 256 KB; a square image works best.">
      {props.error ? (
        <Alert kind="error" id="logo-error" class="mb-4">
          {props.error}
        </Alert>
      ) : null}
      <div class="flex flex-col gap-5 sm:flex-row sm:items-start">
        <div class="flex size-20 shrink-0 items-center justify-center rounded-xl border border-zinc-200 bg-white p-2 dark:border-white/10 dark:bg-zinc-900">
          {props.logoUrl ? (
            <img id="logo-preview" src={props.logoUrl} alt={props.tenantName} class="max-h-full max-w-full object-contain" />
          ) : (
            <span class="text-xs muted">No logo</span>
          )}
        </div>
        <div class="grid min-w-0 flex-1 gap-3">
          <form id="logo-upload-form" method="post" action="/settings/workspace/logo" enctype="multipart/form-data" class="grid gap-3">
            <CsrfField token={props.csrfToken} />
            <label for="logo-file" class="label">
              {props.logoUrl ? 'Replace the logo' : 'Upload a logo'}
            </label>
            <input
              id="logo-file"
              name="logo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              required
              aria-describedby={props.error ? 'logo-error' : undefined}
              class="block w-full text-sm text-zinc-700 file:mr-3 file:rounded-lg file:border-0 file:bg-zinc-100 file:px-3 file:py-2 file:text-sm file:font-medium file:text-zinc-900 hover:file:bg-zinc-200 dark:text-zinc-300 dark:file:bg-white/10 dark:file:text-white dark:hover:file:bg-white/15"
            />
            <div>
              <Button id="logo-upload-button" type="submit" variant="primary">
                Upload
              </Button>
            </div>
          </form>
          {props.logoUrl && props.version ? (
            <form id="logo-remove-form" method="post" action="/settings/workspace/logo/remove">
              <CsrfField token={props.csrfToken} />
              <input type="hidden" name="version" value={props.version} />
              <Button id="logo-remove-button" type="submit" variant="danger-ghost" class="-ml-3">
                Remove the logo
              </Button>
            </form>
          ) : null}
        </div>
      </div>
    </Card>
  );
}
