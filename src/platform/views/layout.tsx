// The page shell: head (CSP-safe assets and htmx config), header with navigation, toasts, main,
// footer. Every full page goes through Layout; htmx partials never do.
import type { Child } from 'hono/jsx';
import { Icon, LogoMark, Toast, CsrfField, cx, type ToastKind } from './components.js';
import { assetUrl } from './render.js';

/** htmx settings that a strict CSP needs (no injected <style>, no eval) plus our swap rules:
 *  422 responses carry a re-rendered form with inline errors, so they are swapped like 200s. */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  allowEval: false,
  allowScriptTags: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    { code: '[45]..', swap: false, error: true },
    { code: '...', swap: false },
  ],
});

const DEFAULT_DESCRIPTION =
  'SaaS App: multi-tenant workspaces on their own subdomains, secure sign-in, billing, API keys, webhooks and usage analytics.';

export interface LayoutProps {
  /** Page title; the document title becomes "<title> · SaaS App". */
  title: string;
  children: unknown;
  /** Put on <body hx-headers> so every htmx request carries it; forms add their own hidden field. */
  csrfToken?: string;
  user?: { name: string; email: string } | null;
  /** Shown in the header with class "tenant-name" (text is exactly the name), after its logo when it has one (`logoUrl`). */
  tenant?: { name: string; subdomain: string; logoUrl?: string | null } | null;
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
  nav?: 'marketing' | 'app';
  /** Absolute URL of the root site for marketing links from a tenant subdomain; default ''. */
  rootUrl?: string;
  /** Extra elements for <head>, e.g. <meta http-equiv="refresh">. */
  headExtra?: unknown;
  /** Marks the matching nav link with aria-current="page". */
  active?: 'dashboard' | 'data' | 'members' | 'audit' | 'settings' | 'account' | 'pricing' | 'login' | 'signup';
  /** The signed-in member's role in the tenant. */
  role?: string;
  /** The permissions of the member's role (`permissionsOf(role)`): decides which navigation links show. */
  permissions?: ReadonlySet<string>;
  /** <meta name="description">. */
  description?: string;
  /** Adds <meta name="robots" content="noindex"> (app pages, errors). */
  noindex?: boolean;
}

interface NavLink {
  key: NonNullable<LayoutProps['active']> | 'docs' | 'workspaces';
  href: string;
  label: string;
}

function initials(name: string, email: string): string {
  const source = name.trim() || email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  const letters = parts.length >= 2 ? `${parts[0]![0]}${parts[1]![0]}` : source.slice(0, 2);
  return letters.toUpperCase();
}

function ThemeToggle() {
  return (
    <button
      type="button"
      x-data="themeToggle"
      x-on:click="toggle"
      x-bind:aria-pressed="isDark"
      aria-pressed="false"
      aria-label="Dark mode"
      title="Toggle dark mode"
      class="icon-btn js-only"
    >
      <Icon name="moon" class="size-[18px] dark:hidden" />
      <Icon name="sun" class="hidden size-[18px] dark:block" />
    </button>
  );
}

function LogoutForm(props: { csrfToken: string | undefined; class?: string; full?: boolean }) {
  return (
    <form method="post" action="/logout" class={props.class}>
      <CsrfField token={props.csrfToken} />
      <button type="submit" class={cx('btn btn-ghost', props.full && 'btn-full justify-start')}>
        <Icon name="log-out" class="size-4" />
        Log out
      </button>
    </form>
  );
}

function Header(props: LayoutProps) {
  const rootUrl = props.rootUrl ?? '';
  const nav = props.nav ?? 'marketing';
  const isApp = nav === 'app';
  // Signed-in pages outside any workspace (the account page on the root site) lead back to the chooser.
  const inWorkspace = isApp && Boolean(props.tenant);
  const homeHref = inWorkspace ? '/dashboard' : isApp ? '/workspaces' : `${rootUrl}/`;
  const links: NavLink[] = isApp && !inWorkspace
    ? [{ key: 'workspaces', href: '/workspaces', label: 'Workspaces' }]
    : isApp
    ? [
        { key: 'dashboard', href: '/dashboard', label: 'Dashboard' },
        { key: 'data', href: '/data', label: 'Data' },
        ...(props.permissions?.has('members:read') ? [{ key: 'members' as const, href: '/settings/members', label: 'Members' }] : []),
        ...(props.permissions?.has('audit:read') ? [{ key: 'audit' as const, href: '/settings/audit', label: 'Audit log' }] : []),
        ...(props.permissions?.has('tenant:manage') ? [{ key: 'settings' as const, href: '/settings/workspace', label: 'Settings' }] : []),
      ]
    : [
        { key: 'pricing', href: `${rootUrl}/pricing`, label: 'Pricing' },
        { key: 'docs', href: `${rootUrl}/docs`, label: 'API docs' },
      ];
  const current = (key: NavLink['key']) => (props.active === key ? 'page' : undefined);
  const user = props.user ?? null;

  return (
    <header
      x-data="mobileNav"
      {...{ 'x-on:keydown.escape': 'closeAndFocusButton', 'x-on:click.outside': 'close' }}
      class="sticky top-0 z-40 border-b border-zinc-200/80 bg-white/85 backdrop-blur-md dark:border-white/10 dark:bg-zinc-950/80"
    >
      <div class="container-page flex h-16 items-center gap-3">
        <a
          href={homeHref}
          class="-m-1 flex shrink-0 items-center gap-2.5 rounded-lg p-1 font-semibold tracking-tight text-zinc-900 dark:text-white"
        >
          <LogoMark class="size-7" />
          <span class={props.tenant ? 'hidden 2xl:inline' : ''}>SaaS App</span>
        </a>
        {props.tenant ? (
          <div class="flex min-w-0 items-center gap-2">
            <span class="hidden text-zinc-300 2xl:inline dark:text-zinc-700" aria-hidden="true">
              /
            </span>
            {props.tenant.logoUrl ? <img src={props.tenant.logoUrl} alt={props.tenant.name} class="tenant-logo size-7 shrink-0 rounded-md object-contain" /> : null}
            <span class="tenant-name max-w-[10rem] truncate text-sm font-medium text-zinc-900 sm:max-w-[16rem] dark:text-zinc-100">{props.tenant.name}</span>
            {/* The chooser works on any of our hosts: it lists the user's workspaces and hands the session over. */}
            <a href="/workspaces" id="switch-workspace" class="btn btn-ghost btn-sm -ml-1 px-1.5" title="Switch workspace" aria-label="Switch workspace">
              <Icon name="chevrons-up-down" class="size-4" />
            </a>
          </div>
        ) : null}

        <nav aria-label="Main" class="ml-4 hidden items-center gap-1 md:flex">
          {links.map((l) => (
            <a href={l.href} class="nav-link whitespace-nowrap" aria-current={current(l.key)}>
              {l.label}
            </a>
          ))}
        </nav>

        <div class="ml-auto flex items-center gap-1.5 sm:gap-2">
          <ThemeToggle />
          {isApp ? (
            user ? (
              <div class="hidden items-center gap-3 md:flex">
                <a
                  href="/account"
                  class="flex items-center gap-2.5 rounded-lg border-l border-zinc-200 pl-3 hover:opacity-80 dark:border-white/10"
                  title="Your account"
                  aria-current={current('account')}
                >
                  <span class="avatar" aria-hidden="true">
                    {initials(user.name, user.email)}
                  </span>
                  <span class="sr-only 2xl:hidden">Your account</span>
                  <span class="hidden max-w-[12rem] leading-tight 2xl:block">
                    <span class="block truncate text-sm font-medium text-zinc-900 dark:text-white">{user.name}</span>
                    <span class="block truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</span>
                  </span>
                </a>
                <LogoutForm csrfToken={props.csrfToken} />
              </div>
            ) : null
          ) : user ? (
            <a href={`${rootUrl}/login`} class="btn btn-primary hidden sm:inline-flex">
              Your workspaces
            </a>
          ) : (
            <>
              <a
                href={`${rootUrl}/login`}
                class="btn btn-ghost hidden sm:inline-flex"
                aria-current={current('login')}
              >
                Log in
              </a>
              <a href={`${rootUrl}/signup`} class="btn btn-primary" aria-current={current('signup')}>
                Get started
              </a>
            </>
          )}
          <button
            type="button"
            class="icon-btn group js-only md:hidden"
            x-on:click="toggle"
            x-bind:aria-expanded="open"
            aria-expanded="false"
            aria-controls="mobile-menu"
            aria-label="Menu"
          >
            <Icon name="menu" class="size-5 group-aria-expanded:hidden" />
            <Icon name="x" class="hidden size-5 group-aria-expanded:block" />
          </button>
        </div>
      </div>

      {/* Without JavaScript this panel simply stays open on small screens. */}
      <div
        id="mobile-menu"
        x-show="open"
        x-cloak
        x-transition:enter="transition ease-out duration-150"
        x-transition:enter-start="opacity-0 -translate-y-1"
        x-transition:enter-end="opacity-100 translate-y-0"
        class="border-t border-zinc-200 bg-white md:hidden dark:border-white/10 dark:bg-zinc-950"
      >
        <nav aria-label="Main" class="container-page space-y-1 py-3">
          {links.map((l) => (
            <a href={l.href} class="mobile-nav-link" aria-current={current(l.key)}>
              {l.label}
            </a>
          ))}
          {isApp && user ? (
            <div class="mt-3 border-t border-zinc-200 pt-3 dark:border-white/10">
              <div class="flex items-center gap-3 px-3 py-2">
                <span class="avatar" aria-hidden="true">
                  {initials(user.name, user.email)}
                </span>
                <div class="min-w-0 leading-tight">
                  <p class="truncate text-sm font-medium text-zinc-900 dark:text-white">{user.name}</p>
                  <p class="truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</p>
                </div>
              </div>
              <a href="/account" class="mobile-nav-link" aria-current={current('account')}>
                Your account
              </a>
              <LogoutForm csrfToken={props.csrfToken} full />
            </div>
          ) : null}
          {!isApp ? (
            <div class="mt-3 border-t border-zinc-200 pt-3 dark:border-white/10">
              {user ? (
                <a href={`${rootUrl}/login`} class="mobile-nav-link">
                  Your workspaces
                </a>
              ) : (
                <a href={`${rootUrl}/login`} class="mobile-nav-link">
                  Log in
                </a>
              )}
            </div>
          ) : null}
        </nav>
      </div>
    </header>
  );
}

function Footer(props: { rootUrl: string; app: boolean }) {
  const r = props.rootUrl;
  const links = props.app
    ? [
        { href: `${r}/docs`, label: 'API docs' },
        { href: `${r}/pricing`, label: 'Plans and pricing' },
      ]
    : [
        { href: `${r}/pricing`, label: 'Pricing' },
        { href: `${r}/docs`, label: 'API docs' },
        { href: `${r}/login`, label: 'Log in' },
        { href: `${r}/signup`, label: 'Sign up' },
      ];
  return (
    <footer class="mt-auto border-t border-zinc-200 dark:border-white/10">
      <div class="container-page flex flex-col gap-4 py-8 text-sm text-zinc-500 sm:flex-row sm:items-center sm:justify-between dark:text-zinc-400">
        <div class="flex items-center gap-2">
          <LogoMark class="size-5" />
          <span>© {new Date().getUTCFullYear()} SaaS App</span>
        </div>
        <nav aria-label="Footer">
          <ul class="flex flex-wrap gap-x-6 gap-y-2">
            {links.map((l) => (
              <li>
                <a class="rounded-sm hover:text-zinc-900 dark:hover:text-white" href={l.href}>
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </footer>
  );
}

/** The full HTML document. Render with renderPage(). */
export function Layout(props: LayoutProps) {
  const rootUrl = props.rootUrl ?? '';
  const hxHeaders = props.csrfToken ? JSON.stringify({ 'x-csrf-token': props.csrfToken }) : undefined;
  const toastKinds: ToastKind[] = ['success', 'error', 'info'];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · SaaS App`}</title>
        <meta name="description" content={props.description ?? DEFAULT_DESCRIPTION} />
        {props.noindex ? <meta name="robots" content="noindex" /> : null}
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('/assets/app.css')} />
        <script src={assetUrl('/assets/theme.js')}></script>
        {props.headExtra as Child}
      </head>
      <body class="flex min-h-screen flex-col" hx-headers={hxHeaders}>
        <a href="#main" class="skip-link">
          Skip to content
        </a>
        <Header {...props} />
        <div id="toasts" class="toast-region" aria-live="polite">
          {(props.flash ?? []).map((f) => (
            <Toast kind={f.kind} message={f.message} />
          ))}
        </div>
        <main id="main" class="flex flex-1 flex-col">
          {props.children as Child}
        </main>
        <Footer rootUrl={rootUrl} app={props.nav === 'app'} />
        {toastKinds.map((kind) => (
          <template id={`toast-template-${kind}`}>
            <Toast kind={kind} message="" />
          </template>
        ))}
        <script src={assetUrl('/assets/vendor/htmx.min.js')} defer></script>
        <script src={assetUrl('/assets/app.js')} defer></script>
        <script src={assetUrl('/assets/vendor/alpine-csp.min.js')} defer></script>
      </body>
    </html>
  );
}

/** Centered card used by log-in and sign-up pages. */
export function AuthCard(props: { title: string; subtitle?: Child; children: Child; footer?: Child; wide?: boolean; /** Replaces the product mark (a workspace's logo). */ mark?: Child }) {
  return (
    <div class="relative isolate flex flex-1 justify-center px-4 py-10 sm:py-16">
      <div class="hero-glow opacity-40 dark:opacity-40" aria-hidden="true"></div>
      <div class={cx('w-full', props.wide ? 'max-w-lg' : 'max-w-md')}>
        <div class="mb-8 text-center">
          {props.mark ?? <LogoMark class="mx-auto size-10" />}
          <h1 class="mt-6 text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">{props.title}</h1>
          {props.subtitle ? <p class="mt-2 text-sm muted">{props.subtitle}</p> : null}
        </div>
        <div class="card p-6 sm:p-8">{props.children}</div>
        {props.footer ? <div class="mt-6 text-center text-sm muted">{props.footer}</div> : null}
      </div>
    </div>
  );
}

/** What every signed-in page of a workspace passes to its layout. */
export interface AppPageContext {
  csrfToken: string;
  user: { name: string; email: string };
  /** `logoUrl`: the workspace's versioned logo, shown before its name. */
  tenant: { name: string; subdomain: string; logoUrl?: string | null };
  /** The member's role. */
  role?: string;
  /** The permissions of the member's role (`permissionsOf(role)`): decides which navigation links show. */
  permissions?: ReadonlySet<string>;
  rootUrl?: string;
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
}

/** The layout of a workspace page (app navigation, not indexed): new module pages start here. */
export function AppLayout(props: { page: AppPageContext; title: string; active?: LayoutProps['active']; children: unknown }) {
  const { page } = props;
  return (
    <Layout
      title={props.title}
      nav="app"
      active={props.active}
      csrfToken={page.csrfToken}
      user={page.user}
      tenant={page.tenant}
      role={page.role}
      permissions={page.permissions}
      rootUrl={page.rootUrl}
      flash={page.flash}
      noindex
    >
      {props.children}
    </Layout>
  );
}
