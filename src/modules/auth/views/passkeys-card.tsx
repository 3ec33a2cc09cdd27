// Passkeys on the account page: the list (name, added, last used, synced or not), adding one (name +
// current password, then the browser's ceremony, driven by public/assets/passkeys.js), and a page
// per passkey to rename or remove it (plain forms, no JavaScript needed).
import { Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, Icon, TextField } from '../../../platform/views/components.js';
import type { PasskeyView } from '../passkeys.js';
import { PASSKEY_NAME_MAX_LENGTH } from '../passkeys.js';
import { PasskeyScripts } from './passkey-sign-in.js';

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

function PasswordField(props: { id: string; error?: string | undefined }) {
  return <TextField id={props.id} name="current_password" type="password" label="Current password" error={props.error} autocomplete="current-password" required />;
}

function describeUse(passkey: PasskeyView): string {
  return `Added ${day.format(passkey.createdAt)} · ${passkey.lastUsedAt ? `last used ${day.format(passkey.lastUsedAt)}` : 'never used'}`;
}

export function PasskeysCard(props: { csrfToken: string; passkeys: PasskeyView[] }) {
  const list = props.passkeys;
  return (
    <Card
      class="mt-6"
      title="Passkeys"
      titleId="passkeys-title"
      description="Sign in with your fingerprint, face or screen lock instead of a password. A passkey also counts as a second factor after your password."
    >
      {list.length ? (
        <ul id="passkey-list" class="-mt-2 divide-y divide-zinc-200 dark:divide-zinc-800" aria-labelledby="passkeys-title">
          {list.map((p) => (
            <li id={`passkey-${p.id}`} class="flex items-center justify-between gap-4 py-3">
              <div class="min-w-0">
                <p class="flex flex-wrap items-center gap-2 font-medium text-zinc-900 dark:text-white">
                  <Icon name="key" class="size-4 shrink-0 text-zinc-400" />
                  <span class="passkey-name truncate">{p.name}</span>
                  {p.backedUp ? <Badge tone="brand">Synced</Badge> : null}
                </p>
                <p class="mt-0.5 text-sm muted">{describeUse(p)}</p>
              </div>
              <a href={`/account/passkeys/${p.id}`} class="btn btn-ghost btn-sm shrink-0" aria-label={`Rename or remove ${p.name}`}>
                Manage
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p id="passkey-empty" class="text-sm muted">
          No passkeys yet. Add one on each device you sign in from, or use one synced by your password manager.
        </p>
      )}
      <form
        id="passkey-add-form"
        method="post"
        action="/account/passkeys"
        data-passkey="register"
        data-options-url="/account/passkeys/options"
        class="mt-5 grid gap-4 border-t border-zinc-200 pt-5 sm:max-w-md dark:border-zinc-800"
        hidden
      >
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="response" value="" />
        <TextField
          id="passkey-name"
          name="name"
          label="Name for the new passkey"
          hint="So you can tell them apart, like “Work laptop” or “Phone”."
          autocomplete="off"
          required
          maxlength={PASSKEY_NAME_MAX_LENGTH}
        />
        <PasswordField id="passkey-add-password" />
        <div>
          <Button id="passkey-add-button" type="submit" variant="primary">
            <Icon name="plus" class="size-4" />
            Add a passkey
          </Button>
        </div>
      </form>
      <p id="passkey-unsupported" class="mt-5 text-sm muted" data-passkey-unsupported>
        Adding a passkey needs a browser with passkey support and JavaScript turned on.
      </p>
      <PasskeyScripts />
    </Card>
  );
}

export interface PasskeyManagePageProps {
  csrfToken: string;
  rootUrl: string;
  user: { name: string; email: string };
  passkey: PasskeyView;
  nameValue?: string;
  renameError?: string;
  removeError?: string;
  /** Removing it turns two-factor authentication off (it is the account's last second factor). */
  lastFactor: boolean;
}

/** One passkey: rename it, or remove it (with the current password). */
export function PasskeyManagePage(props: PasskeyManagePageProps) {
  const p = props.passkey;
  return (
    <Layout title={`Passkey “${p.name}”`} nav="app" active="account" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <p class="text-sm">
          <a href="/account" class="link">
            ← Your account
          </a>
        </p>
        <h1 class="page-title mt-3 flex flex-wrap items-center gap-2">
          {p.name}
          {p.backedUp ? <Badge tone="brand">Synced</Badge> : null}
        </h1>
        <p class="mt-1 text-sm muted">{describeUse(p)}</p>

        <Card class="mt-8" title="Rename" titleId="passkey-rename-title">
          <form id="passkey-rename-form" method="post" action={`/account/passkeys/${p.id}/rename`} class="grid gap-4 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            <TextField id="passkey-new-name" name="name" label="Name" value={props.nameValue ?? p.name} error={props.renameError} autocomplete="off" required maxlength={PASSKEY_NAME_MAX_LENGTH} />
            <div>
              <Button id="passkey-rename-button" type="submit" variant="secondary">
                Save the name
              </Button>
            </div>
          </form>
        </Card>

        <Card
          class="mt-6 border-red-200 dark:border-red-900/50"
          title="Remove"
          titleId="passkey-remove-title"
          description={
            props.lastFactor
              ? 'It stops signing you in at once. It is your last second factor: two-factor authentication turns off and your backup codes are deleted.'
              : 'It stops signing you in at once. Also delete it from the device or password manager that holds it.'
          }
        >
          <form id="passkey-remove-form" method="post" action={`/account/passkeys/${p.id}/remove`} class="grid gap-4 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            <PasswordField id="passkey-remove-password" error={props.removeError} />
            <div>
              <Button id="passkey-remove-button" type="submit" variant="danger">
                Remove this passkey
              </Button>
            </div>
          </form>
        </Card>
      </div>
    </Layout>
  );
}

/** The answer when a new passkey could not be saved (the ceremony's result was refused). */
export function PasskeyNotAddedPage(props: { csrfToken: string; rootUrl: string; user: { name: string; email: string }; message: string }) {
  return (
    <Layout title="The passkey was not added" nav="app" active="account" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <h1 class="page-title">The passkey was not added</h1>
        <Alert kind="error" id="passkey-error" class="mt-6">
          {props.message}
        </Alert>
        <a href="/account#passkeys-title" class="btn btn-primary mt-6">
          Back to your account
        </a>
      </div>
    </Layout>
  );
}
