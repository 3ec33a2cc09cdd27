// Sign-up: creates a tenant (workspace) and its first owner. The form posts normally without
// JavaScript; with htmx it re-renders in place with inline errors, then shows SignupSuccess and
// moves on to the new workspace's dashboard.
import { Layout, AuthCard } from '../../../platform/views/layout.js';
import { Alert, Button, CsrfField, Icon, TextField } from '../../../platform/views/components.js';
import { ProviderButtons, type OAuthProviderView } from './login.js';

export interface SignupValues {
  companyName: string;
  subdomain: string;
  email: string;
  password: string;
  /** The product-news box: unticked unless the person ticks it. */
  marketingOptIn?: boolean;
}

export type SignupErrors = Partial<Record<Exclude<keyof SignupValues, 'marketingOptIn'> | 'form', string>>;

export interface SignupFormProps {
  csrfToken: string;
  /** The root domain shown after the subdomain field, e.g. "localhost:8000" or "example.com". */
  baseDomain: string;
  /** Values to show again after an error. The password is never echoed back. */
  values?: Partial<SignupValues>;
  errors?: SignupErrors;
  /** Plan id chosen on the pricing page (kept in a hidden field). */
  plan?: string;
  /** Signing up with a provider that vouched for this address: no email or password fields. */
  identity?: { providerName: string; email: string } | undefined;
}

export type SignupPageProps = SignupFormProps & {
  /** Display name of the chosen plan, when known (e.g. "Pro"). */
  planName?: string;
  /** "Continue with ..." buttons for the providers turned on. */
  oauthProviders?: OAuthProviderView[];
};

/** The form alone: the full page embeds it, and htmx swaps it (outerHTML) when errors come back. */
export function SignupForm(props: SignupFormProps) {
  const v = props.values ?? {};
  const e = props.errors ?? {};
  return (
    <form
      id="signup-form"
      method="post"
      action="/signup"
      hx-post="/signup"
      hx-target="#signup-form"
      hx-swap="outerHTML"
      hx-disabled-elt="find button[type='submit']"
    >
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="plan" value={props.plan ?? ''} />

      {e.form ? (
        <Alert kind="error" class="mb-6" id="signup-form-error">
          {e.form}
        </Alert>
      ) : null}

      <TextField
        id="company-name"
        name="company_name"
        label="Company name"
        value={v.companyName}
        error={e.companyName}
        autocomplete="organization"
        required
        maxlength={100}
        placeholder="Acme Inc"
      />
      <TextField
        id="subdomain"
        name="subdomain"
        label="Workspace address"
        value={v.subdomain}
        error={e.subdomain}
        required
        maxlength={63}
        pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?"
        autocomplete="off"
        verbatim
        placeholder="acme"
        suffix={`.${props.baseDomain}`}
        hint="Lowercase letters, numbers and hyphens. Your team signs in here."
      />
      {props.identity ? (
        <div id="signup-identity" class="mt-2 rounded-lg border border-zinc-200 px-4 py-3 text-sm dark:border-white/10">
          <p>
            Signing up with {props.identity.providerName} as <strong class="font-semibold break-all text-zinc-900 dark:text-white">{props.identity.email}</strong>.
          </p>
          <p class="mt-1 muted">
            You sign in with {props.identity.providerName}; you can set a password later.{' '}
            <a href="/signup?with=email" class="link">
              Use an email and password instead
            </a>
          </p>
        </div>
      ) : (
        <>
          <TextField
            id="email"
            name="email"
            type="email"
            label="Work email"
            value={v.email}
            error={e.email}
            autocomplete="email"
            inputmode="email"
            verbatim
            required
            placeholder="you@company.com"
          />
          <TextField
            id="password"
            name="password"
            type="password"
            label="Password"
            error={e.password}
            autocomplete="new-password"
            required
            minlength={8}
            hint="At least 8 characters; 15 or more recommended. A few unrelated words make a strong one."
          />
        </>
      )}

      <label for="marketing-opt-in" class="mt-6 flex items-start gap-3 text-sm">
        <input id="marketing-opt-in" type="checkbox" name="marketing_opt_in" value="1" checked={v.marketingOptIn === true} class="mt-0.5 size-4 shrink-0 rounded" />
        <span class="muted">Send me product news, about once a month. Unsubscribe in one click from any of them.</span>
      </label>

      <Button id="signup-button" type="submit" variant="primary" size="lg" full indicator class="mt-6">
        Create workspace
      </Button>
      <p class="mt-4 text-center text-xs text-zinc-500 dark:text-zinc-400">
        You will be the owner of this workspace and can invite your team next.
      </p>
    </form>
  );
}

/** Shown in place of the form once the workspace exists; Alpine moves on to the dashboard. */
export function SignupSuccess(props: { tenantName: string; dashboardUrl: string }) {
  return (
    <div class="success-message text-center" role="status">
      <span class="mx-auto inline-flex size-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-600 ring-8 ring-emerald-50/50 dark:bg-emerald-500/10 dark:text-emerald-400 dark:ring-emerald-500/5">
        <Icon name="check" class="size-6" />
      </span>
      <h2 class="mt-6 text-lg font-semibold text-zinc-900 dark:text-white">
        Your workspace {props.tenantName} is ready
      </h2>
      <p class="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Taking you to your dashboard…</p>
      <div class="mt-6 flex items-center justify-center gap-2 text-sm text-zinc-500 dark:text-zinc-400" aria-hidden="true">
        <span class="spinner text-brand-600 dark:text-brand-400"></span>
      </div>
      <a href={props.dashboardUrl} class="btn btn-primary btn-full mt-6">
        Continue to your dashboard
        <Icon name="arrow-right" class="size-4" />
      </a>
      <div x-data="redirectAfter" data-redirect-url={props.dashboardUrl} data-redirect-delay="1200"></div>
    </div>
  );
}

export function SignupPage(props: SignupPageProps) {
  return (
    <Layout title="Create your workspace" nav="marketing" active="signup" csrfToken={props.csrfToken} noindex>
      <AuthCard
        title="Create your workspace"
        subtitle={
          props.plan ? (
            <span class="inline-flex flex-wrap items-center justify-center gap-x-2 gap-y-1">
              <span>
                Starting on the <strong class="font-semibold text-zinc-900 dark:text-white">{props.planName ?? props.plan}</strong>{' '}
                plan.
              </span>
              <a href="/pricing" class="link">
                Change plan
              </a>
            </span>
          ) : (
            'Set up a home for your team in under a minute.'
          )
        }
        footer={
          <>
            Already have a workspace?{' '}
            <a href="/login" class="link">
              Log in
            </a>
          </>
        }
      >
        {props.identity ? null : <ProviderButtons providers={props.oauthProviders ?? []} />}
        <SignupForm {...props} />
      </AuthCard>
    </Layout>
  );
}

/** Full-page success for the no-JavaScript path: the meta refresh moves on after 2 s. */
export function SignupSuccessPage(props: { tenantName: string; dashboardUrl: string; csrfToken?: string }) {
  return (
    <Layout
      title="Workspace ready"
      nav="marketing"
      csrfToken={props.csrfToken}
      noindex
      headExtra={<meta http-equiv="refresh" content={`2;url=${props.dashboardUrl}`} />}
    >
      <AuthCard title="Welcome aboard">
        <SignupSuccess tenantName={props.tenantName} dashboardUrl={props.dashboardUrl} />
      </AuthCard>
    </Layout>
  );
}
