// "Forgot your password?" and "Choose a new password": plain forms that work without JavaScript.
import { AuthCard, Layout } from '../../../platform/views/layout.js';
import { Alert, Button, CsrfField, TextField } from '../../../platform/views/components.js';

export interface ForgotPasswordPageProps {
  csrfToken: string;
  email?: string;
  /** After a request: the same message whether or not the email has an account. */
  sentTo?: string;
  validMinutes: number;
  error?: string;
  rootUrl?: string;
}

export function ForgotPasswordPage(props: ForgotPasswordPageProps) {
  return (
    <Layout title="Reset your password" nav="marketing" rootUrl={props.rootUrl} csrfToken={props.csrfToken} noindex>
      <AuthCard
        title="Reset your password"
        subtitle="We will email you a link to choose a new one."
        footer={
          <a href="/login" class="link">
            Back to log in
          </a>
        }
      >
        {props.sentTo ? (
          <Alert kind="success" title="Check your email" id="reset-sent">
            If an account exists for {props.sentTo}, we have sent it a link to reset the password. The link works once, for {props.validMinutes} minutes.
            Nothing arrived? Check the spam folder, or ask again in a few minutes.
          </Alert>
        ) : null}
        {props.error ? (
          <Alert kind="error" id="reset-error" class="mb-6">
            {props.error}
          </Alert>
        ) : null}
        {props.sentTo ? null : (
          <form id="forgot-password-form" method="post" action="/forgot-password">
            <CsrfField token={props.csrfToken} />
            <TextField id="email" name="email" type="email" label="Email" value={props.email} autocomplete="username" inputmode="email" verbatim required autofocus maxlength={254} />
            <Button id="forgot-password-button" type="submit" variant="primary" size="lg" full class="mt-8">
              Email me a link
            </Button>
          </form>
        )}
      </AuthCard>
    </Layout>
  );
}

export interface ResetPasswordPageProps {
  csrfToken: string;
  token: string;
  /** The link is unusable (expired, used, or never valid): offer a new one instead of the form. */
  invalid?: boolean;
  error?: string;
  rootUrl?: string;
}

export function ResetPasswordPage(props: ResetPasswordPageProps) {
  return (
    <Layout title="Choose a new password" nav="marketing" rootUrl={props.rootUrl} csrfToken={props.csrfToken} noindex>
      <AuthCard
        title={props.invalid ? 'This link no longer works' : 'Choose a new password'}
        subtitle={props.invalid ? undefined : 'You will sign in with it next. Every device signed in to your account is signed out.'}
        footer={
          <a href="/login" class="link">
            Back to log in
          </a>
        }
      >
        {props.invalid ? (
          <>
            <Alert kind="error" id="reset-invalid">
              Reset links work once, for a limited time. This one has expired or was already used.
            </Alert>
            <a href="/forgot-password" class="btn btn-primary btn-lg btn-full mt-6">
              Send me a new link
            </a>
          </>
        ) : (
          <form id="reset-password-form" method="post" action="/reset-password">
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="token" value={props.token} />
            <TextField
              id="password"
              name="password"
              type="password"
              label="New password"
              error={props.error}
              autocomplete="new-password"
              required
              minlength={8}
              maxlength={128}
              autofocus
              hint="At least 8 characters; 15 or more recommended. A few unrelated words make a strong one."
            />
            <Button id="reset-password-button" type="submit" variant="primary" size="lg" full class="mt-8">
              Set the new password
            </Button>
          </form>
        )}
      </AuthCard>
    </Layout>
  );
}
