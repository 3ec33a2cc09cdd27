// The signed-in user's account: password, sessions (sign out one or all others), recent security
// activity. Every form is a plain POST that works without JavaScript.
import { AuthCard, Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, buttonClass, Card, CsrfField, TextField } from '../../../platform/views/components.js';
import { describeDevice } from '../devices.js';
import type { MfaStatus } from '../mfa.js';
import type { PasskeyView } from '../passkeys.js';
import { PasskeysCard } from './passkeys-card.js';
import { SmsMfaSection } from './sms-mfa.js';
import { LinkedAccountsCard, SetPasswordCard, type LinkedAccountsCardProps } from './linked-accounts.js';

export interface AccountSessionView {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  updatedAt: Date;
  current: boolean;
}

export interface AccountActivityView {
  occurredAt: Date;
  label: string;
  outcome: string;
  ip: string | null;
}

export interface AccountPageProps {
  csrfToken: string;
  user: { name: string; email: string };
  emailVerified: boolean;
  tenant: { name: string; subdomain: string; logoUrl?: string | null } | null;
  role?: string;
  /** The role's permissions in the workspace of this host: decide the navigation links. */
  permissions?: ReadonlySet<string>;
  rootUrl: string;
  sessions: AccountSessionView[];
  activity: AccountActivityView[];
  passwordErrors?: { current?: string; password?: string };
  emailErrors?: { email?: string; current?: string };
  deleteErrors?: { current?: string; confirm?: string; form?: string };
  mfa: MfaStatus;
  /** The account's passkeys, oldest first. */
  passkeys?: PasskeyView[];
  /** Text messages can be sent from this server (off in production without an SMS provider). */
  smsAvailable?: boolean;
  /** False for an account made with a sign-in provider that never set a password. */
  hasPassword: boolean;
  signIn: Omit<LinkedAccountsCardProps, 'csrfToken' | 'hasPassword'>;
  mfaError?: string;
  emailValue?: string;
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
}

/** The fresh authentication every account change asks for. */
function CurrentPassword(props: { id: string; error?: string | undefined }) {
  return <TextField id={props.id} name="current_password" type="password" label="Current password" error={props.error} autocomplete="current-password" required />;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

export function AccountPage(props: AccountPageProps) {
  const e = props.passwordErrors ?? {};
  const others = props.sessions.filter((s) => !s.current).length;
  const mfaOn = props.mfa.totp || props.mfa.smsPhone !== null || props.mfa.passkeys > 0;
  return (
    <Layout title="Your account" nav="app" active="account" csrfToken={props.csrfToken} user={props.user} tenant={props.tenant} role={props.role} permissions={props.permissions} rootUrl={props.rootUrl} flash={props.flash} noindex>
      <div class="container-page max-w-4xl py-8 sm:py-10">
        <h1 class="page-title">Your account</h1>
        <p class="mt-1 flex flex-wrap items-center gap-2 text-sm muted">
          Signed in as <span class="font-medium text-zinc-900 dark:text-white">{props.user.email}</span>
          {props.emailVerified ? <Badge tone="success">Confirmed</Badge> : <Badge tone="warning">Not confirmed</Badge>}
        </p>
        {props.emailVerified ? null : (
          <Alert kind="warning" class="mt-6" title="Confirm your email address">
            <p>We sent a link to {props.user.email} when you signed up. Confirming it lets us reach you about your account and your password.</p>
            <form method="post" action="/account/verify-email" class="mt-3">
              <CsrfField token={props.csrfToken} />
              <Button type="submit" variant="secondary" size="sm">
                Send the link again
              </Button>
            </form>
          </Alert>
        )}

        <Card class="mt-8" title="Email address" titleId="email-title" description="We send a link to the new address; your email changes when you open it. Your current address is told either way.">
          <form id="change-email-form" method="post" action="/account/email" class="grid gap-4 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            <TextField id="new-email" name="new_email" type="email" label="New email address" value={props.emailValue} error={props.emailErrors?.email} autocomplete="email" verbatim required maxlength={254} />
            <CurrentPassword id="email-current-password" error={props.emailErrors?.current} />
            <div>
              <Button id="change-email-button" type="submit" variant="secondary">
                Send a confirmation link
              </Button>
            </div>
          </form>
        </Card>

        {props.hasPassword ? (
          <Card class="mt-6" title="Password" titleId="password-title" description="Changing it signs out every other device.">
            <form id="change-password-form" method="post" action="/account/password" class="grid gap-4 sm:max-w-md">
              <CsrfField token={props.csrfToken} />
              <input type="email" name="username" value={props.user.email} autocomplete="username" class="hidden" readonly />
              <CurrentPassword id="current-password" error={e.current} />
              <TextField
                id="new-password"
                name="password"
                type="password"
                label="New password"
                error={e.password}
                autocomplete="new-password"
                required
                minlength={8}
                maxlength={128}
                hint="At least 8 characters; 15 or more recommended."
              />
              <div>
                <Button id="change-password-button" type="submit" variant="primary">
                  Change password
                </Button>
              </div>
            </form>
          </Card>
        ) : (
          <SetPasswordCard csrfToken={props.csrfToken} email={props.user.email} />
        )}

        <Card
          class="mt-6"
          title="Two-factor authentication"
          titleId="mfa-title"
          description={
            mfaOn
              ? `On: signing in with your password also asks for a second factor. ${props.mfa.backupCodesLeft} of 10 backup codes left.`
              : 'Off. With it on, a stolen password is not enough to sign in: you also confirm with your phone or a security key.'
          }
        >
          {props.mfaError ? (
            <Alert kind="error" id="mfa-account-error" class="mb-4">
              {props.mfaError}
            </Alert>
          ) : null}
          <div class="divide-y divide-zinc-200 dark:divide-zinc-800">
            <section class="pb-5" aria-labelledby="mfa-app-title">
              <h3 id="mfa-app-title" class="flex items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-white">
                Authenticator app {props.mfa.totp ? <Badge tone="success">On</Badge> : null}
              </h3>
              <p class="mt-1 text-sm muted">The strongest choice with a passkey: codes from an app on your phone, which works offline.</p>
              {props.mfa.totp ? (
                <form method="post" action="/account/mfa/disable" class="mt-3 grid gap-3 sm:max-w-md">
                  <CsrfField token={props.csrfToken} />
                  <CurrentPassword id="mfa-disable-password" />
                  <div>
                    <Button type="submit" variant="danger-ghost">
                      Remove the app
                    </Button>
                  </div>
                </form>
              ) : (
                <form id="mfa-setup-form" method="post" action="/account/mfa/setup" class="mt-3 grid gap-3 sm:max-w-md">
                  <CsrfField token={props.csrfToken} />
                  <CurrentPassword id="mfa-setup-password" />
                  <div>
                    <Button id="mfa-setup-button" type="submit" variant="primary">
                      Set up an authenticator app
                    </Button>
                  </div>
                </form>
              )}
            </section>
            <SmsMfaSection csrfToken={props.csrfToken} mfa={props.mfa} available={props.smsAvailable === true} />
            {mfaOn ? (
              <section class="pt-5" aria-labelledby="mfa-codes-title">
                <h3 id="mfa-codes-title" class="text-sm font-semibold text-zinc-900 dark:text-white">
                  Backup codes
                </h3>
                <p class="mt-1 text-sm muted">For when you cannot use your other factors. Each works once; making new ones stops the old ones.</p>
                <form method="post" action="/account/mfa/backup-codes" class="mt-3 grid gap-3 sm:max-w-md">
                  <CsrfField token={props.csrfToken} />
                  <CurrentPassword id="mfa-codes-password" />
                  <div>
                    <Button type="submit" variant="secondary">
                      Make new backup codes
                    </Button>
                  </div>
                </form>
              </section>
            ) : null}
          </div>
        </Card>
        <PasskeysCard csrfToken={props.csrfToken} passkeys={props.passkeys ?? []} />
        <LinkedAccountsCard csrfToken={props.csrfToken} hasPassword={props.hasPassword} {...props.signIn} />

        <Card
          class="mt-6"
          title="Where you are signed in"
          titleId="sessions-title"
          description="Each workspace address keeps its own sign-in. Sign out anything you do not recognise, then change your password."
          padded={false}
          actions={
            others > 0 ? (
              <form method="post" action="/account/sessions/revoke-others">
                <CsrfField token={props.csrfToken} />
                <Button type="submit" variant="secondary" size="sm">
                  Sign out all others
                </Button>
              </form>
            ) : null
          }
        >
          <ul class="divide-y divide-zinc-200 dark:divide-white/10" aria-labelledby="sessions-title">
            {props.sessions.map((s) => (
              <li class="flex items-center justify-between gap-4 px-6 py-4">
                <div class="min-w-0">
                  <p class="flex flex-wrap items-center gap-2 font-medium">
                    {describeDevice(s.userAgent)}
                    {s.current ? <Badge tone="success">This device</Badge> : null}
                  </p>
                  <p class="mt-0.5 text-sm muted">
                    {s.ipAddress ?? 'unknown address'} · signed in {dateTime.format(s.createdAt)} UTC · active {day.format(s.updatedAt)}
                  </p>
                </div>
                {s.current ? null : (
                  <form method="post" action={`/account/sessions/${s.id}/revoke`}>
                    <CsrfField token={props.csrfToken} />
                    <Button type="submit" variant="ghost" size="sm">
                      Sign out
                    </Button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </Card>

        <Card class="mt-6" title="Recent security activity" titleId="activity-title" padded={false}>
          {props.activity.length === 0 ? (
            <p class="px-6 py-4 text-sm muted">Nothing yet.</p>
          ) : (
            <ul class="divide-y divide-zinc-200 dark:divide-white/10" aria-labelledby="activity-title">
              {props.activity.map((a) => (
                <li class="flex flex-wrap items-center justify-between gap-2 px-6 py-3 text-sm">
                  <span class="flex items-center gap-2">
                    {a.label}
                    {a.outcome === 'success' ? null : <Badge tone={a.outcome === 'failure' ? 'danger' : 'warning'}>{a.outcome}</Badge>}
                  </span>
                  <span class="muted">
                    {dateTime.format(a.occurredAt)} UTC{a.ip ? ` · ${a.ip}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card class="mt-6" title="Email from us" titleId="email-preferences-title" description="Mail about your account (sign-in codes, invitations, security notices, receipts) always arrives. Product news only if you ask for it.">
          <a id="email-preferences-link" href="/account/email-preferences" class={buttonClass('secondary')}>
            Email preferences
          </a>
        </Card>

        <Card class="mt-6 border-red-200 dark:border-red-900/50" title="Delete account" titleId="delete-title" description="Your sign-in, sessions and memberships are deleted at once; this cannot be undone. Workspaces keep their data.">
          <form id="delete-account-form" method="post" action="/account/delete" class="grid gap-4 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            {props.deleteErrors?.form ? (
              <Alert kind="error" id="delete-error">
                {props.deleteErrors.form}
              </Alert>
            ) : null}
            <CurrentPassword id="delete-current-password" error={props.deleteErrors?.current} />
            <TextField id="delete-confirm" name="confirm" label="Type DELETE to confirm" error={props.deleteErrors?.confirm} autocomplete="off" verbatim required maxlength={20} />
            <div>
              <Button id="delete-account-button" type="submit" variant="danger">
                Delete my account
              </Button>
            </div>
          </form>
        </Card>
      </div>
    </Layout>
  );
}

export function AccountDeletedPage(props: { email: string; rootUrl: string; csrfToken: string }) {
  return (
    <Layout title="Account deleted" nav="marketing" rootUrl={props.rootUrl} csrfToken={props.csrfToken} noindex>
      <AuthCard title="Your account was deleted" footer={<a href={`${props.rootUrl}/`} class="link">Back to the home page</a>}>
        <Alert kind="success" id="account-deleted">
          {props.email} no longer has an account here. We sent a last email to confirm it.
        </Alert>
      </AuthCard>
    </Layout>
  );
}

export function EmailVerifiedPage(props: { ok: boolean; email: string | null; rootUrl: string; csrfToken: string; changed?: boolean }) {
  return (
    <Layout title={props.ok ? (props.changed ? 'Email address changed' : 'Email address confirmed') : 'This link no longer works'} nav="marketing" rootUrl={props.rootUrl} csrfToken={props.csrfToken} noindex>
      <AuthCard
        title={props.ok ? (props.changed ? 'Email address changed' : 'Email address confirmed') : 'This link no longer works'}
        footer={
          <a href="/login" class="link">
            Go to log in
          </a>
        }
      >
        {props.ok ? (
          <Alert kind="success" id="email-verified">
            {props.changed ? `Your account now uses ${props.email}. Log in with it from now on.` : `Thank you: ${props.email} is confirmed.`}
          </Alert>
        ) : (
          <Alert kind="error" id="email-verify-failed">
            Confirmation links work for 24 hours, and once. Log in and ask for a new one from your account page.
          </Alert>
        )}
      </AuthCard>
    </Layout>
  );
}
