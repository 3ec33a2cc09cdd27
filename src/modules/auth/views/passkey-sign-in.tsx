// Passkey buttons outside the account page: "Sign in with a passkey" on the login page and "Use a
// passkey" at the sign-in's second step. Each is a form that public/assets/passkeys.js drives: it asks
// the options URL for a challenge, runs the browser's ceremony, puts the result in the hidden
// `response` field and submits the form, so the server answers with a page or a redirect as for any
// other form. Without JavaScript (or WebAuthn) the forms stay hidden.
import { Button, CsrfField, Icon } from '../../../platform/views/components.js';
import { assetUrl } from '../../../platform/views/render.js';

/** The browser library (a vendor copy of @simplewebauthn/browser) and our glue; only on pages with a passkey form. */
export function PasskeyScripts() {
  return (
    <>
      <script src={assetUrl('/assets/vendor/simplewebauthn-browser.min.js')} defer></script>
      <script src={assetUrl('/assets/passkeys.js')} defer></script>
    </>
  );
}

/** The login page's passwordless option: any passkey of this site, with user verification. */
export function PasskeySignIn(props: { csrfToken: string; next?: string | undefined }) {
  return (
    <>
      <form
        id="passkey-signin-form"
        method="post"
        action="/login/passkey"
        data-passkey="authenticate"
        data-options-url="/login/passkey/options"
        class="mt-6 border-t border-zinc-200 pt-6 dark:border-white/10"
        hidden
      >
        <CsrfField token={props.csrfToken} />
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <input type="hidden" name="response" value="" />
        <Button id="passkey-signin-button" type="submit" variant="secondary" size="lg" full>
          <Icon name="key" class="size-4" />
          Sign in with a passkey
        </Button>
        <p class="mt-2 text-center text-xs muted">Your fingerprint, face or screen lock, with no password to type.</p>
      </form>
      <PasskeyScripts />
    </>
  );
}

/** The second step's passkey option: only the account's own passkeys are offered. */
export function PasskeySecondFactor(props: { csrfToken: string; next: string }) {
  return (
    <>
      <form
        id="passkey-mfa-form"
        method="post"
        action="/login/mfa/passkey"
        data-passkey="authenticate"
        data-options-url="/login/mfa/passkey/options"
        class="mt-6 border-t border-zinc-200 pt-6 dark:border-white/10"
        hidden
      >
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="next" value={props.next} />
        <input type="hidden" name="response" value="" />
        <p class="text-sm muted">Or confirm with one of your passkeys.</p>
        <Button id="passkey-mfa-button" type="submit" variant="secondary" full class="mt-3">
          <Icon name="key" class="size-4" />
          Use a passkey
        </Button>
      </form>
      <PasskeyScripts />
    </>
  );
}
