// Log-in page (root domain or a tenant subdomain) and the workspace chooser shown after logging in
// on the root domain.
import { Layout, AuthCard } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, CsrfField, EmptyState, Icon, TextField } from '../../../platform/views/components.js';
import { PasskeySignIn } from '../../auth/index.js';

export interface OAuthProviderView {
  id: string;
  name: string;
  /** Where the "Continue with ..." link starts the provider's flow. */
  url: string;
}

export interface LoginPageProps {
  csrfToken: string;
  email?: string;
  /** One generic message ("Email or password is incorrect."): never say which one was wrong. */
  error?: string;
  /** Same-site path to return to after logging in (validated by the route). */
  next?: string;
  /** Set on a tenant subdomain: "Log in to Acme". */
  tenantName?: string;
  /** The workspace's logo (versioned `/logo` URL), shown above the title. */
  tenantLogoUrl?: string | null;
  /** Root-site URL for the sign-up link when on a tenant subdomain; default ''. */
  rootUrl?: string;
  oauthProviders?: OAuthProviderView[];
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
}

/** "Continue with ..." for each provider turned on, then an "or" before the form; nothing when none is. */
export function ProviderButtons(props: { providers: OAuthProviderView[] }) {
  if (!props.providers.length) return null;
  return (
    <>
      <div class="space-y-3">
        {props.providers.map((p) => (
          <a href={p.url} class="btn btn-secondary btn-full btn-lg">
            Continue with {p.name}
          </a>
        ))}
      </div>
      <div class="my-6 flex items-center gap-3 text-xs text-zinc-500 uppercase dark:text-zinc-400">
        <span class="h-px flex-1 bg-zinc-200 dark:bg-white/10"></span>
        or
        <span class="h-px flex-1 bg-zinc-200 dark:bg-white/10"></span>
      </div>
    </>
  );
}

export function LoginPage(props: LoginPageProps) {
  const rootUrl = props.rootUrl ?? '';
  const hasError = Boolean(props.error);
  const providers = props.oauthProviders ?? [];
  return (
    <Layout
      title={props.tenantName ? `Log in to ${props.tenantName}` : 'Log in'}
      nav="marketing"
      active="login"
      rootUrl={rootUrl}
      csrfToken={props.csrfToken}
      flash={props.flash}
      noindex
    >
      <AuthCard
        title={props.tenantName ? `Log in to ${props.tenantName}` : 'Welcome back'}
        mark={props.tenantLogoUrl ? <img id="tenant-logo" src={props.tenantLogoUrl} alt={props.tenantName ?? ''} class="mx-auto size-16 rounded-xl object-contain" /> : undefined}
        subtitle={props.tenantName ? 'Use the email and password for this workspace.' : 'Log in to open your workspace.'}
        footer={
          <>
            New here?{' '}
            <a href={`${rootUrl}/signup`} class="link">
              Create a workspace
            </a>
          </>
        }
      >
        <ProviderButtons providers={providers} />

        <form id="login-form" method="post" action="/login">
          <CsrfField token={props.csrfToken} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}

          {hasError ? (
            <Alert kind="error" id="login-error" class="mb-6">
              {props.error}
            </Alert>
          ) : null}

          <TextField
            id="email"
            name="email"
            type="email"
            label="Email"
            value={props.email}
            autocomplete="username"
            inputmode="email"
            verbatim
            required
            autofocus={!props.email}
            describedBy={hasError ? 'login-error' : undefined}
            attrs={hasError ? { 'aria-invalid': 'true' } : undefined}
          />
          <TextField
            id="password"
            name="password"
            type="password"
            label="Password"
            labelAside={
              <a href="/forgot-password" class="link text-sm">
                Forgot password?
              </a>
            }
            autocomplete="current-password"
            required
            autofocus={Boolean(props.email)}
            describedBy={hasError ? 'login-error' : undefined}
            attrs={hasError ? { 'aria-invalid': 'true' } : undefined}
          />

          <Button id="login-button" type="submit" variant="primary" size="lg" full class="mt-8">
            Log in
          </Button>
        </form>
        <PasskeySignIn csrfToken={props.csrfToken} next={props.next} />
      </AuthCard>
    </Layout>
  );
}

export interface TenantChoiceView {
  name: string;
  subdomain: string;
  role: string;
  /** Absolute URL of the workspace (its dashboard or its login hand-off). */
  url: string;
}

export interface TenantChooserPageProps {
  csrfToken: string;
  tenants: TenantChoiceView[];
  user: { name: string; email: string };
  rootUrl?: string;
}

function hostOf(url: string, fallback: string): string {
  try {
    return new URL(url).host;
  } catch {
    return fallback;
  }
}

function roleTone(role: string) {
  const r = role.toLowerCase();
  return r === 'owner' ? 'brand' : r === 'admin' ? 'success' : 'neutral';
}

export function TenantChooserPage(props: TenantChooserPageProps) {
  const rootUrl = props.rootUrl ?? '';
  return (
    <Layout
      title="Choose a workspace"
      nav="marketing"
      rootUrl={rootUrl}
      csrfToken={props.csrfToken}
      user={props.user}
      noindex
    >
      <AuthCard
        title="Choose a workspace"
        subtitle={
          <>
            Signed in as <strong class="font-medium text-zinc-900 dark:text-white">{props.user.email}</strong>
          </>
        }
        footer={
          <form method="post" action="/logout" class="inline">
            <CsrfField token={props.csrfToken} />
            Not you?{' '}
            <button type="submit" class="link">
              Log out
            </button>
          </form>
        }
      >
        {props.tenants.length ? (
          <>
            <ul class="-mx-2 -my-1 divide-y divide-zinc-100 dark:divide-white/5" aria-label="Your workspaces">
              {props.tenants.map((t) => (
                <li>
                  <a
                    href={t.url}
                    class="group flex items-center gap-3 rounded-lg px-2 py-3 transition-colors hover:bg-zinc-50 dark:hover:bg-white/5"
                  >
                    <span class="inline-flex size-10 shrink-0 items-center justify-center rounded-lg bg-brand-50 text-sm font-semibold text-brand-700 ring-1 ring-brand-100 ring-inset dark:bg-brand-500/15 dark:text-brand-200 dark:ring-brand-400/20">
                      {(t.name.trim()[0] ?? '?').toUpperCase()}
                    </span>
                    <span class="min-w-0 flex-1">
                      <span class="block truncate text-sm font-semibold text-zinc-900 dark:text-white">{t.name}</span>
                      <span class="block truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">
                        {hostOf(t.url, t.subdomain)}
                      </span>
                    </span>
                    <Badge tone={roleTone(t.role)}>{t.role.charAt(0).toUpperCase() + t.role.slice(1)}</Badge>
                    <Icon
                      name="chevron-right"
                      class="size-4 shrink-0 text-zinc-400 transition-transform group-hover:translate-x-0.5"
                    />
                  </a>
                </li>
              ))}
            </ul>
            <div class="mt-5 border-t border-zinc-200 pt-5 dark:border-white/10">
              <a href={`${rootUrl}/signup`} class="btn btn-secondary btn-full">
                <Icon name="plus" class="size-4" />
                Create another workspace
              </a>
            </div>
          </>
        ) : (
          <EmptyState
            class="py-4"
            level={2}
            icon="building"
            title="No workspaces yet"
            description="You are not a member of any workspace. Create one, or ask a teammate to invite you."
            action={
              <a href={`${rootUrl}/signup`} class="btn btn-primary">
                <Icon name="plus" class="size-4" />
                Create a workspace
              </a>
            }
          />
        )}
      </AuthCard>
    </Layout>
  );
}
