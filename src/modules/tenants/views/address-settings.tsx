// The "Address" section of the workspace settings: move the workspace to another subdomain. The old
// one redirects for 30 days. A plain form: works without JavaScript.
import { Alert, Button, Card, CsrfField, FieldError, TextField } from '../../../platform/views/components.js';

export interface AddressSettingsProps {
  /** The workspace's address now, e.g. `https://acme.example.com`. */
  address: string;
  subdomain: string;
  /** What follows the subdomain, e.g. `.example.com`. */
  suffix: string;
  /** Old subdomains that still redirect here, and until when. */
  redirects: { subdomain: string; expiresAt: Date }[];
  value?: string;
  error?: string;
  confirmError?: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function AddressSettings(props: AddressSettingsProps & { csrfToken: string }) {
  return (
    <Card class="mt-6" title="Address" titleId="address-title" description="Where members and API clients reach the workspace.">
      <p class="text-sm">
        <span class="muted">Current address: </span>
        <span id="current-address" class="font-medium break-all text-zinc-900 dark:text-white">
          {props.address}
        </span>
      </p>
      {props.redirects.length ? (
        <ul id="address-redirects" class="mt-2 space-y-1 text-sm muted">
          {props.redirects.map((r) => (
            <li>
              <span class="code">
                {r.subdomain}
                {props.suffix}
              </span>{' '}
              redirects here until {day(r.expiresAt)}.
            </li>
          ))}
        </ul>
      ) : null}
      <Alert kind="warning" class="mt-4" title="Before you change it">
        The old address redirects to the new one for 30 days, then anyone could take it. Update bookmarks, API base URLs and links in emails and documents
        before then.
      </Alert>
      <form id="workspace-address-form" method="post" action="/settings/workspace/address" class="mt-4 grid gap-4 sm:max-w-md">
        <CsrfField token={props.csrfToken} />
        <TextField
          id="workspace-subdomain"
          name="subdomain"
          label="New subdomain"
          value={props.value ?? ''}
          error={props.error}
          suffix={props.suffix}
          hint="3 to 63 lowercase letters, digits or hyphens."
          required
          minlength={3}
          maxlength={63}
          autocomplete="off"
          verbatim
        />
        <div class="field">
          <label class="flex items-start gap-2 text-sm" for="address-confirm">
            <input
              id="address-confirm"
              name="confirm"
              type="checkbox"
              value="yes"
              required
              class="mt-0.5 size-4 shrink-0 accent-brand-600"
              aria-invalid={props.confirmError ? 'true' : undefined}
              aria-describedby={props.confirmError ? 'address-confirm-error' : undefined}
            />
            <span>I understand that the old address stops working after 30 days.</span>
          </label>
          <FieldError id="address-confirm" message={props.confirmError} />
        </div>
        <p class="text-sm muted">You will continue on the new address, still signed in.</p>
        <div>
          <Button id="workspace-address-button" type="submit" variant="primary">
            Change address
          </Button>
        </div>
      </form>
    </Card>
  );
}
