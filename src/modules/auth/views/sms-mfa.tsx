// Sign-in codes by text message: the "Text messages" section of the account page's two-factor card,
// the page to add, change or remove the number, the page where the first code is typed back, and the
// "Text me a code" form of the sign-in's second step. Numbers are shown by their last two digits only.
import { Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, TextField } from '../../../platform/views/components.js';
import type { MfaStatus } from '../mfa.js';
import { SMS_ENROL_SENDS_PER_HOUR } from '../mfa-sms.js';

/** Said wherever text messages are offered: they are the weakest second factor we have. */
export const SMS_WEAKER_NOTE =
  'Text messages are weaker than an authenticator app or a passkey: a text can be intercepted, and a fraudster who talks your mobile operator into moving your number to their SIM (SIM swap) gets your codes.';

const ending = (phone: string) => `ending in ${phone.slice(-2)}`;

function PasswordField(props: { id: string; error?: string | undefined }) {
  return <TextField id={props.id} name="current_password" type="password" label="Current password" error={props.error} autocomplete="current-password" required />;
}

function PhoneField(props: { value?: string | undefined; error?: string | undefined; label?: string }) {
  return (
    <TextField
      id="mfa-sms-phone"
      name="phone_number"
      type="tel"
      label={props.label ?? 'Mobile number'}
      value={props.value}
      error={props.error}
      autocomplete="tel"
      inputmode="tel"
      required
      maxlength={40}
      hint="With the country code, like +44 7911 123456. We text a code to it."
    />
  );
}

/** The account page's "Text messages" section (between the authenticator app and the backup codes). */
export function SmsMfaSection(props: { csrfToken: string; mfa: MfaStatus; available: boolean }) {
  const { smsPhone, smsPendingPhone } = props.mfa;
  if (!props.available && !smsPhone) return null;
  return (
    <section class="py-5" aria-labelledby="mfa-sms-title">
      <h3 id="mfa-sms-title" class="flex items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-white">
        Text messages {smsPhone ? <Badge tone="success">On</Badge> : smsPendingPhone ? <Badge tone="warning">Not confirmed</Badge> : null}
      </h3>
      <p class="mt-1 text-sm muted">
        {smsPhone ? `Sign-in codes can be texted to your phone ${ending(smsPhone)}. ` : 'A code texted to your phone at each sign-in. '}
        {SMS_WEAKER_NOTE} Use an app or a passkey if you can.
      </p>
      {smsPhone ? (
        <>
          {props.available ? null : (
            <Alert kind="warning" class="mt-3">
              Text messages are turned off on this server for now: sign in with your other second factors or a backup code.
            </Alert>
          )}
          <form id="mfa-sms-remove-form" method="post" action="/account/mfa/sms/remove" class="mt-3 grid gap-3 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            <PasswordField id="mfa-sms-remove-password" />
            <div class="flex flex-wrap items-center gap-3">
              <Button id="mfa-sms-remove-button" type="submit" variant="danger-ghost">
                Remove the number
              </Button>
              {props.available ? (
                <a id="mfa-sms-change-link" href="/account/mfa/sms" class="link text-sm">
                  Change the number
                </a>
              ) : null}
            </div>
          </form>
        </>
      ) : smsPendingPhone ? (
        <div class="mt-3 flex flex-wrap items-center gap-3">
          <p class="text-sm">We texted a code to your phone {ending(smsPendingPhone)}. Type it to turn text messages on.</p>
          <a id="mfa-sms-confirm-link" href="/account/mfa/sms/confirm" class="btn btn-secondary btn-sm">
            Enter the code
          </a>
          <form method="post" action="/account/mfa/sms/cancel">
            <CsrfField token={props.csrfToken} />
            <Button type="submit" variant="ghost" size="sm">
              Cancel
            </Button>
          </form>
        </div>
      ) : (
        <form id="mfa-sms-form" method="post" action="/account/mfa/sms" class="mt-3 grid gap-3 sm:max-w-md">
          <CsrfField token={props.csrfToken} />
          <PhoneField />
          <PasswordField id="mfa-sms-password" />
          <div>
            <Button id="mfa-sms-button" type="submit" variant="secondary">
              Text me a code
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}

interface PageContext {
  csrfToken: string;
  rootUrl: string;
  user: { name: string; email: string };
}

export interface SmsPhonePageProps extends PageContext {
  /** The verified number, if any (it can be changed or removed here). */
  current: string | null;
  phoneValue?: string;
  errors?: { phone?: string; current?: string; form?: string; removeCurrent?: string };
}

/** Add or change the number (a code is texted to it), or remove it. Also where errors of the account page's forms are shown. */
export function SmsPhonePage(props: SmsPhonePageProps) {
  const e = props.errors ?? {};
  const title = props.current ? 'Change your phone number' : 'Add a phone number';
  return (
    <Layout title={title} nav="app" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <h1 class="page-title">{title}</h1>
        <p class="mt-1 text-sm muted">Sign-in codes by text message, for when you have no authenticator app or passkey at hand.</p>
        <Alert kind="warning" class="mt-6" title="The weakest second factor">
          {SMS_WEAKER_NOTE} An authenticator app or a passkey protects you better.
        </Alert>
        <Card class="mt-6" title={props.current ? 'New number' : 'Your mobile number'} titleId="mfa-sms-number-title">
          {e.form ? (
            <Alert kind="error" id="mfa-sms-error" class="mb-4">
              {e.form}
            </Alert>
          ) : null}
          {props.current ? (
            <p class="mb-4 text-sm muted">
              Codes go to your phone {ending(props.current)} now. When we text a code to a new number, the old one stops working for sign-in until you confirm the new one.
            </p>
          ) : null}
          <form id="mfa-sms-page-form" method="post" action="/account/mfa/sms" class="grid gap-4 sm:max-w-md">
            <CsrfField token={props.csrfToken} />
            <PhoneField value={props.phoneValue} error={e.phone} label={props.current ? 'New mobile number' : 'Mobile number'} />
            <PasswordField id="mfa-sms-page-password" error={e.current} />
            <div>
              <Button id="mfa-sms-page-button" type="submit" variant="primary">
                Text me a code
              </Button>
            </div>
          </form>
        </Card>
        {props.current ? (
          <Card class="mt-6" title="Remove the number" titleId="mfa-sms-remove-title" description="Sign-in codes will no longer be texted to you. Your other second factors keep working.">
            <form id="mfa-sms-page-remove-form" method="post" action="/account/mfa/sms/remove" class="grid gap-4 sm:max-w-md">
              <CsrfField token={props.csrfToken} />
              <PasswordField id="mfa-sms-page-remove-password" error={e.removeCurrent} />
              <div>
                <Button type="submit" variant="danger-ghost">
                  Remove the number
                </Button>
              </div>
            </form>
          </Card>
        ) : null}
        <p class="mt-6 text-sm">
          <a href="/account" class="link">
            Back to your account
          </a>
        </p>
      </div>
    </Layout>
  );
}

export interface SmsConfirmPageProps extends PageContext {
  phone: string;
  /** The code can still be typed (unexpired, tries left). */
  codeLive: boolean;
  attemptsLeft: number;
  validMinutes: number;
  error?: string;
  notice?: string;
}

/** Type back the code texted to a new number: it then becomes a second factor. */
export function SmsConfirmPage(props: SmsConfirmPageProps) {
  return (
    <Layout title="Confirm your phone number" nav="app" csrfToken={props.csrfToken} user={props.user} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <h1 class="page-title">Confirm your phone number</h1>
        <p class="mt-1 text-sm muted">
          We texted a 6-digit code to your phone {ending(props.phone)}. It works for {props.validMinutes} minutes.
        </p>
        <Card class="mt-8">
          {props.notice ? (
            <Alert kind="info" id="mfa-sms-notice" class="mb-4">
              {props.notice}
            </Alert>
          ) : null}
          {props.codeLive ? (
            <form id="mfa-sms-confirm-form" method="post" action="/account/mfa/sms/confirm" class="grid gap-4 sm:max-w-xs">
              <CsrfField token={props.csrfToken} />
              <TextField
                id="mfa-sms-code"
                name="code"
                label="Code from the text message"
                error={props.error}
                autocomplete="one-time-code"
                inputmode="numeric"
                pattern="[0-9]{6}"
                maxlength={6}
                required
                autofocus
                hint={`${props.attemptsLeft} ${props.attemptsLeft === 1 ? 'try' : 'tries'} left.`}
              />
              <div>
                <Button id="mfa-sms-confirm-button" type="submit" variant="primary">
                  Confirm the number
                </Button>
              </div>
            </form>
          ) : (
            <Alert kind="error" id="mfa-sms-error">
              {props.error ?? 'This code no longer works: it expired, or was typed wrong too many times.'} Ask for a new code below.
            </Alert>
          )}
          <form id="mfa-sms-resend-form" method="post" action="/account/mfa/sms/resend" class="mt-6 border-t border-zinc-200 pt-6 text-sm dark:border-white/10">
            <CsrfField token={props.csrfToken} />
            <p class="muted">No text after a minute? Check the number, then ask for a new code ({SMS_ENROL_SENDS_PER_HOUR} an hour at most).</p>
            <Button id="mfa-sms-resend-button" type="submit" variant="secondary" size="sm" class="mt-3">
              Send a new code
            </Button>
          </form>
        </Card>
        <form method="post" action="/account/mfa/sms/cancel" class="mt-6">
          <CsrfField token={props.csrfToken} />
          <button type="submit" class="link text-sm">
            Cancel: use another number or none
          </button>
        </form>
      </div>
    </Layout>
  );
}

/** The sign-in's second step: "Text me a code", for an account with a verified number. */
export function SmsCodeRequestForm(props: { csrfToken: string; next: string; phone: string }) {
  return (
    <form id="mfa-sms-send-form" method="post" action="/login/mfa/sms" class="mt-6 border-t border-zinc-200 pt-6 text-sm dark:border-white/10">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="next" value={props.next} />
      <p class="muted">
        We can text a code to your phone {ending(props.phone)}. Weaker than an authenticator app or a passkey: texts can be intercepted, or your number taken over.
      </p>
      <Button id="mfa-sms-send-button" type="submit" variant="secondary" size="sm" class="mt-3">
        Text me a code
      </Button>
    </form>
  );
}
