// Sign-in providers on the account page (linked ones, with unlink; the others, with link), the step
// that sends the browser to a provider after the password was checked, and the password card of an
// account made with a provider (it sets a password by email first).
import { Layout } from '../../../platform/views/layout.js';
import { Button, Card, CsrfField, TextField } from '../../../platform/views/components.js';

export interface LinkedAccountView {
  provider: string;
  providerName: string;
  email: string | null;
  linkedAt: Date;
}

export interface LinkedAccountsCardProps {
  csrfToken: string;
  linked: LinkedAccountView[];
  /** Providers turned on in this installation and not linked yet. */
  available: { id: string; name: string }[];
  /** Accounts made with a provider have none until they set one; linking and unlinking ask for it. */
  hasPassword: boolean;
  /** The last way to sign in cannot be removed. */
  canUnlink: boolean;
}

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

function PasswordField(props: { id: string }) {
  return <TextField id={props.id} name="current_password" type="password" label="Current password" autocomplete="current-password" required />;
}

export function LinkedAccountsCard(props: LinkedAccountsCardProps) {
  if (props.linked.length === 0 && props.available.length === 0) return null;
  return (
    <Card
      class="mt-6"
      title="Sign-in providers"
      titleId="linked-title"
      description="Sign in with an account you already have elsewhere. The provider tells us only your name and email address."
    >
      {props.linked.length ? (
        <ul class="divide-y divide-zinc-200 dark:divide-zinc-800" id="linked-accounts">
          {props.linked.map((link) => (
            <li class="flex flex-col gap-3 py-4 first:pt-0 sm:flex-row sm:items-end sm:justify-between">
              <div class="min-w-0">
                <p class="font-medium text-zinc-900 dark:text-white">{link.providerName}</p>
                <p class="text-sm muted break-all">
                  {link.email ?? 'No email shared'} · linked {day.format(link.linkedAt)}
                </p>
              </div>
              {props.canUnlink ? (
                <form method="post" action={`/account/linked-accounts/${link.provider}/unlink`} class="flex flex-col gap-2 sm:flex-row sm:items-end">
                  <CsrfField token={props.csrfToken} />
                  <PasswordField id={`unlink-${link.provider}-password`} />
                  <Button type="submit" variant="danger-ghost" size="sm">
                    Unlink {link.providerName}
                  </Button>
                </form>
              ) : (
                <p class="text-sm muted sm:max-w-56">This is your only way to sign in: set a password or add a passkey before unlinking it.</p>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {props.available.length ? (
        <div class={props.linked.length ? 'mt-2 border-t border-zinc-200 pt-5 dark:border-zinc-800' : ''}>
          {props.hasPassword ? (
            <form method="post" action="" class="grid gap-3 sm:max-w-md" id="link-provider-form">
              <CsrfField token={props.csrfToken} />
              <PasswordField id="link-password" />
              <div class="flex flex-wrap gap-2">
                {props.available.map((p) => (
                  <Button type="submit" variant="secondary" attrs={{ formaction: `/account/linked-accounts/${p.id}` }}>
                    Link {p.name}
                  </Button>
                ))}
              </div>
            </form>
          ) : (
            <p class="text-sm muted">Set a password first: linking another provider asks for it.</p>
          )}
        </div>
      ) : null}
    </Card>
  );
}

/** The password card for an account that has none yet: it is set through an emailed link, which also proves the address. */
export function SetPasswordCard(props: { csrfToken: string; email: string }) {
  return (
    <Card class="mt-6" title="Password" titleId="password-title" description="You sign in with a provider and have no password here yet.">
      <form method="post" action="/account/password/set-link" class="grid gap-3 sm:max-w-md">
        <CsrfField token={props.csrfToken} />
        <p class="text-sm muted">We email {props.email} a link to set one. With a password you can also sign in without the provider, and change your account's security settings.</p>
        <div>
          <Button id="set-password-button" type="submit" variant="primary">
            Email me a link to set a password
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function LinkProviderPage(props: { csrfToken: string; rootUrl: string; user: { name: string; email: string }; providerName: string; continueUrl: string }) {
  return (
    <Layout title={`Link ${props.providerName}`} nav="app" active="account" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-xl py-8 sm:py-10">
        <h1 class="page-title">Link {props.providerName}</h1>
        <Card class="mt-6">
          <p class="text-sm">
            Sign in at {props.providerName} with the account you want to use here. You come back to your account page, and from then on
            "Continue with {props.providerName}" signs you in (with your second factor, if you use one).
          </p>
          <div class="mt-5 flex flex-wrap gap-3">
            <a id="link-continue" href={props.continueUrl} class="btn btn-primary" rel="noreferrer">
              Continue to {props.providerName}
            </a>
            <a href="/account" class="btn btn-secondary">
              Cancel
            </a>
          </div>
          <p class="mt-4 text-xs muted">This link works once, for 5 minutes.</p>
        </Card>
      </div>
    </Layout>
  );
}
