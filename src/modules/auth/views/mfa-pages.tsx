// Two-factor pages: the sign-in's code step, authenticator setup (QR code drawn on the server, the
// secret for manual entry), and the backup codes, shown once.
import { raw } from 'hono/html';
import { AuthCard, Layout } from '../../../platform/views/layout.js';
import { Alert, Button, Card, CsrfField, TextField } from '../../../platform/views/components.js';
import type { MfaStatus } from '../mfa.js';
import { PasskeySecondFactor } from './passkey-sign-in.js';
import { SmsCodeRequestForm } from './sms-mfa.js';

export interface MfaChallengeProps {
  csrfToken: string;
  next: string;
  error?: string;
  notice?: string;
  attemptsLeft: number;
  rootUrl: string;
  /** The account's second factors: the page offers those it has. */
  factors: MfaStatus;
}

export function MfaChallengePage(props: MfaChallengeProps) {
  const subtitle = props.factors.totp
    ? 'Enter the 6-digit code from your authenticator app, or one of your backup codes.'
    : 'Confirm it is you with one of the ways below, or one of your backup codes.';
  return (
    <Layout title="Two-factor authentication" nav="marketing" rootUrl={props.rootUrl} csrfToken={props.csrfToken} noindex>
      <AuthCard
        title="Two-factor authentication"
        subtitle={subtitle}
        footer={
          <form method="post" action="/logout" class="inline">
            <CsrfField token={props.csrfToken} />
            <button type="submit" class="link">
              Cancel and sign out
            </button>
          </form>
        }
      >
        <form id="mfa-form" method="post" action="/login/mfa">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="next" value={props.next} />
          {props.error ? (
            <Alert kind="error" id="mfa-error" class="mb-6">
              {props.error}
            </Alert>
          ) : null}
          {props.notice ? (
            <Alert kind="info" id="mfa-notice" class="mb-6">
              {props.notice}
            </Alert>
          ) : null}
          <TextField
            id="mfa-code"
            name="code"
            label="Code"
            autocomplete="one-time-code"
            inputmode="text"
            verbatim
            required
            autofocus
            maxlength={20}
            hint={`A backup code looks like ABCDE-FGHJK and works once. ${props.attemptsLeft} ${props.attemptsLeft === 1 ? 'try' : 'tries'} left.`}
          />
          <Button id="mfa-button" type="submit" variant="primary" size="lg" full class="mt-8">
            Continue
          </Button>
        </form>
        {props.factors.passkeys > 0 ? <PasskeySecondFactor csrfToken={props.csrfToken} next={props.next} /> : null}
        {props.factors.smsPhone ? <SmsCodeRequestForm csrfToken={props.csrfToken} next={props.next} phone={props.factors.smsPhone} /> : null}
        <form id="mfa-email-form" method="post" action="/login/mfa/email" class="mt-6 border-t border-zinc-200 pt-6 text-sm dark:border-white/10">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="next" value={props.next} />
          <p class="muted">No phone at hand? We can email you a code. It is weaker than the app: anyone who can read your email could use it.</p>
          <Button id="mfa-email-button" type="submit" variant="secondary" size="sm" class="mt-3">
            Email me a code
          </Button>
        </form>
      </AuthCard>
    </Layout>
  );
}

export interface MfaSetupProps {
  csrfToken: string;
  rootUrl: string;
  user: { name: string; email: string };
  secret: string;
  qrSvg: string;
  error?: string;
}

export function MfaSetupPage(props: MfaSetupProps) {
  // The secret in groups of four, as authenticator apps show it.
  const grouped = props.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <Layout title="Set up an authenticator app" nav="app" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <h1 class="page-title">Set up an authenticator app</h1>
        <p class="mt-1 text-sm muted">Use an app such as 1Password, Bitwarden, Google Authenticator or Microsoft Authenticator.</p>
        <Card class="mt-8">
          <ol class="list-decimal space-y-6 pl-5">
            <li>
              <p>Scan this QR code with the app:</p>
              <div id="mfa-qr" class="mt-3 w-48 rounded-lg bg-white p-2" role="img" aria-label="QR code for your authenticator app">
                {raw(props.qrSvg)}
              </div>
              <p class="mt-3 text-sm muted">
                Or type this key: <code id="mfa-secret" class="code select-all">{grouped}</code>
              </p>
            </li>
            <li>
              <form id="mfa-confirm-form" method="post" action="/account/mfa/confirm" class="grid gap-4 sm:max-w-xs">
                <CsrfField token={props.csrfToken} />
                <TextField id="mfa-confirm-code" name="code" label="Enter the 6-digit code it shows" error={props.error} autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength={6} required autofocus />
                <div>
                  <Button id="mfa-confirm-button" type="submit" variant="primary">
                    Turn on two-factor authentication
                  </Button>
                </div>
              </form>
            </li>
          </ol>
        </Card>
        <p class="mt-6 text-sm">
          <a href="/account" class="link">
            Cancel
          </a>
        </p>
      </div>
    </Layout>
  );
}

export function BackupCodesPage(props: { csrfToken: string; rootUrl: string; user: { name: string; email: string }; codes: string[]; justEnabled: boolean }) {
  return (
    <Layout title="Your backup codes" nav="app" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <h1 class="page-title">{props.justEnabled ? 'Two-factor authentication is on' : 'New backup codes'}</h1>
        <Alert kind="warning" class="mt-6" title="Save these codes now: they are shown only once">
          Each code signs you in once if you lose your phone. Keep them somewhere safe, like your password manager.
          {props.justEnabled ? null : ' Your previous codes no longer work.'}
        </Alert>
        <Card class="mt-6">
          <ul id="backup-codes" class="grid grid-cols-2 gap-3 font-mono text-lg">
            {props.codes.map((code) => (
              <li>{code}</li>
            ))}
          </ul>
        </Card>
        <a href="/account" class="btn btn-primary mt-6">
          I saved them
        </a>
      </div>
    </Layout>
  );
}
