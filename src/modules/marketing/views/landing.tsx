// The public home page on the root domain.
import { Layout } from '../../../platform/views/layout.js';
import { Icon, LogoMark, type IconName } from '../../../platform/views/components.js';

export interface LandingPageProps {
  csrfToken?: string;
  user?: { name: string; email: string } | null;
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
}

const FEATURES: { icon: IconName; title: string; body: string }[] = [
  {
    icon: 'globe',
    title: 'Multi-tenancy on subdomains',
    body: 'Every customer gets their own workspace at acme.yourapp.com. Postgres row-level security keeps each tenant’s data apart.',
  },
  {
    icon: 'shield',
    title: 'Sign-in with MFA and OAuth',
    body: 'Email and password, authenticator-app two-factor, and Google, GitHub or Microsoft sign-in, with roles per workspace.',
  },
  {
    icon: 'credit-card',
    title: 'Billing and plans',
    body: 'Plans with limits, Stripe subscriptions, upgrades and invoices, wired to what each workspace is allowed to do.',
  },
  {
    icon: 'key',
    title: 'API keys and rate limits',
    body: 'Scoped, revocable keys per workspace. Rate limits follow the plan, so heavy users upgrade instead of slowing everyone down.',
  },
  {
    icon: 'webhook',
    title: 'Webhooks',
    body: 'Signed outgoing events with retries and a delivery log, so customers can connect your product to their own systems.',
  },
  {
    icon: 'chart',
    title: 'Usage analytics',
    body: 'API calls and activity per workspace, shown against plan limits, so you and your customers always know where they stand.',
  },
];

const STEPS: { title: string; body: string }[] = [
  { title: 'Create a workspace', body: 'Pick a name and a subdomain. Your workspace is ready in seconds.' },
  { title: 'Invite your team', body: 'Add teammates as owners, admins or members, with two-factor sign-in.' },
  { title: 'Build on the API', body: 'Create an API key and call the same endpoints the app uses.' },
];

/** Decorative product preview, pure HTML/CSS (no image to download). */
function ProductPreview() {
  const bars = ['h-8', 'h-12', 'h-10', 'h-16', 'h-14', 'h-20', 'h-16', 'h-24', 'h-20', 'h-28', 'h-24', 'h-32'];
  return (
    <div class="relative mx-auto mt-16 max-w-5xl sm:mt-20" aria-hidden="true">
      <div class="rounded-2xl border border-zinc-200 bg-white/70 p-2 shadow-elevated ring-1 ring-zinc-900/5 backdrop-blur dark:border-white/10 dark:bg-white/[0.03] dark:ring-white/5">
        <div class="overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-white/10 dark:bg-zinc-950">
          <div class="flex items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-white/10">
            <span class="size-2.5 rounded-full bg-zinc-300 dark:bg-zinc-700"></span>
            <span class="size-2.5 rounded-full bg-zinc-300 dark:bg-zinc-700"></span>
            <span class="size-2.5 rounded-full bg-zinc-300 dark:bg-zinc-700"></span>
            <span class="mx-auto rounded-md bg-zinc-100 px-3 py-0.5 font-mono text-[11px] text-zinc-600 dark:bg-white/5 dark:text-zinc-400">
              acme.yourapp.com/dashboard
            </span>
          </div>
          <div class="grid gap-4 p-4 sm:grid-cols-[10rem_1fr] sm:p-6">
            <div class="hidden space-y-1.5 sm:block">
              <div class="flex items-center gap-2 pb-3">
                <LogoMark class="size-5" />
                <span class="text-xs font-semibold text-zinc-900 dark:text-white">Acme Inc</span>
              </div>
              <div class="rounded-md bg-zinc-100 px-2 py-1.5 text-xs font-medium text-zinc-900 dark:bg-white/10 dark:text-white">
                Dashboard
              </div>
              <div class="px-2 py-1.5 text-xs text-zinc-600 dark:text-zinc-400">Data</div>
              <div class="px-2 py-1.5 text-xs text-zinc-600 dark:text-zinc-400">API keys</div>
              <div class="px-2 py-1.5 text-xs text-zinc-600 dark:text-zinc-400">Webhooks</div>
              <div class="px-2 py-1.5 text-xs text-zinc-600 dark:text-zinc-400">Billing</div>
            </div>
            <div class="min-w-0 space-y-4">
              <div class="grid grid-cols-3 gap-3">
                {[
                  ['Members', '12'],
                  ['API calls today', '48,210'],
                  ['Plan', 'Pro'],
                ].map(([label, value]) => (
                  <div class="rounded-lg border border-zinc-200 p-3 dark:border-white/10">
                    <p class="truncate text-[11px] text-zinc-600 dark:text-zinc-400">{label}</p>
                    <p class="mt-1 text-base font-semibold text-zinc-900 tabular-nums sm:text-lg dark:text-white">{value}</p>
                  </div>
                ))}
              </div>
              <div class="rounded-lg border border-zinc-200 p-4 dark:border-white/10">
                <div class="flex items-center justify-between">
                  <p class="text-xs font-medium text-zinc-900 dark:text-white">API calls, last 12 days</p>
                  <span class="rounded-full bg-emerald-50 px-2 py-0.5 text-[10px] font-medium text-emerald-700 dark:bg-emerald-500/10 dark:text-emerald-300">
                    +18%
                  </span>
                </div>
                <div class="mt-4 flex h-32 items-end gap-1.5 sm:gap-2">
                  {bars.map((h, i) => (
                    <div
                      class={`${h} flex-1 rounded-t-sm ${i === bars.length - 1 ? 'bg-brand-500' : 'bg-brand-200 dark:bg-brand-500/30'}`}
                    ></div>
                  ))}
                </div>
              </div>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}

export function LandingPage(props: LandingPageProps) {
  const signedIn = Boolean(props.user);
  return (
    <Layout
      title="Multi-tenant SaaS, ready on day one"
      nav="marketing"
      csrfToken={props.csrfToken}
      user={props.user ?? null}
      flash={props.flash}
    >
      {/* Hero */}
      <section class="relative isolate overflow-hidden" aria-labelledby="hero-title">
        <div class="hero-glow" aria-hidden="true"></div>
        <div class="grid-bg" aria-hidden="true"></div>
        <div class="container-page pt-16 pb-20 sm:pt-24 sm:pb-28">
          <div class="mx-auto max-w-3xl text-center">
            <a
              href="/pricing"
              class="inline-flex items-center gap-2 rounded-full border border-zinc-200 bg-white/80 px-3 py-1 text-xs font-medium text-zinc-700 shadow-xs hover:border-zinc-300 dark:border-white/10 dark:bg-white/5 dark:text-zinc-300 dark:hover:border-white/20"
            >
              <span class="rounded-full bg-brand-600 px-1.5 py-px text-[10px] font-semibold text-white">Plans</span>
              Billing, API keys and webhooks included
              <Icon name="chevron-right" class="size-3.5" />
            </a>
            <h1
              id="hero-title"
              class="mt-6 text-4xl font-semibold tracking-tight text-balance text-zinc-900 sm:text-6xl dark:text-white"
            >
              The SaaS foundation your product deserves
            </h1>
            <p class="mx-auto mt-6 max-w-2xl text-lg leading-8 text-pretty text-zinc-600 dark:text-zinc-400">
              Workspaces on their own subdomains, secure sign-in, billing, API keys, webhooks and usage analytics:
              built, tested and fast, so you can spend your time on the part only you can build.
            </p>
            <div class="mt-10 flex flex-col items-stretch justify-center gap-3 sm:flex-row sm:items-center">
              {signedIn ? (
                <a href="/login" class="btn btn-primary btn-lg">
                  Go to your workspaces
                  <Icon name="arrow-right" class="size-4" />
                </a>
              ) : (
                <a href="/signup" class="btn btn-primary btn-lg">
                  Create your workspace
                  <Icon name="arrow-right" class="size-4" />
                </a>
              )}
              <a href="/pricing" class="btn btn-secondary btn-lg">
                See pricing
              </a>
            </div>
            <p class="mt-5 text-sm text-zinc-500 dark:text-zinc-400">
              Prefer to look around first?{' '}
              <a href="/docs" class="link">
                Read the API docs
              </a>
              .
            </p>
          </div>
          <ProductPreview />
        </div>
      </section>

      {/* Features */}
      <section
        class="border-t border-zinc-200 bg-zinc-50/60 py-20 sm:py-28 dark:border-white/10 dark:bg-white/[0.015]"
        aria-labelledby="features-title"
      >
        <div class="container-page">
          <div class="mx-auto max-w-2xl text-center">
            <p class="text-sm font-semibold text-brand-600 dark:text-brand-400">Everything included</p>
            <h2
              id="features-title"
              class="mt-2 text-3xl font-semibold tracking-tight text-balance text-zinc-900 sm:text-4xl dark:text-white"
            >
              The hard parts of SaaS, done
            </h2>
            <p class="mt-4 text-base text-pretty text-zinc-600 dark:text-zinc-400">
              Six things every B2B product needs before its first customer, each one working, tested and documented.
            </p>
          </div>
          <ul class="mx-auto mt-14 grid max-w-5xl gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {FEATURES.map((f) => (
              <li class="card card-body transition-shadow hover:shadow-elevated">
                <span class="feature-icon">
                  <Icon name={f.icon} class="size-5" />
                </span>
                <h3 class="mt-5 text-base font-semibold text-zinc-900 dark:text-white">{f.title}</h3>
                <p class="mt-2 text-sm leading-6 text-zinc-600 dark:text-zinc-400">{f.body}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>

      {/* How it works + API */}
      <section class="py-20 sm:py-28" aria-labelledby="how-title">
        <div class="container-page grid items-center gap-12 lg:grid-cols-2 lg:gap-16">
          <div>
            <h2 id="how-title" class="text-3xl font-semibold tracking-tight text-zinc-900 dark:text-white">
              Up and running in three steps
            </h2>
            <ol class="mt-8 space-y-6">
              {STEPS.map((s, i) => (
                <li class="flex gap-4">
                  <span class="inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-brand-600 text-sm font-semibold text-white">
                    {i + 1}
                  </span>
                  <div>
                    <h3 class="font-semibold text-zinc-900 dark:text-white">{s.title}</h3>
                    <p class="mt-1 text-sm leading-6 text-zinc-600 dark:text-zinc-400">{s.body}</p>
                  </div>
                </li>
              ))}
            </ol>
            <a href="/docs" class="btn btn-secondary mt-8">
              <Icon name="book" class="size-4" />
              Explore the API docs
            </a>
          </div>
          <figure class="min-w-0 overflow-hidden rounded-xl border border-zinc-800 bg-zinc-950 shadow-elevated">
            <div class="flex items-center justify-between border-b border-white/10 px-4 py-2.5">
              <figcaption class="font-mono text-xs text-zinc-400">List your workspace’s data</figcaption>
              <Icon name="code" class="size-4 text-zinc-500" />
            </div>
            <pre class="overflow-x-auto p-4 font-mono text-[13px] leading-6 text-zinc-300">
              <code>
                <span class="text-zinc-400"># the workspace is the host: every request is scoped to it</span>
                {'\n'}
                <span class="text-brand-300">curl</span> https://acme.yourapp.com/api/data \{'\n'}
                {'  '}-H <span class="text-emerald-300">"Authorization: Bearer $TOKEN"</span>
                {'\n\n'}
                [{'{ '}
                <span class="text-sky-300">"name"</span>: <span class="text-emerald-300">"Q3 report"</span>,{' '}
                <span class="text-sky-300">"description"</span>: <span class="text-emerald-300">"For the board"</span>
                {' }'}]{'\n'}
              </code>
            </pre>
          </figure>
        </div>
      </section>

      {/* Closing call to action */}
      <section class="container-page pb-20 sm:pb-28" aria-labelledby="cta-title">
        <div class="relative isolate overflow-hidden rounded-3xl bg-brand-600 px-6 py-14 text-center shadow-glow sm:px-16 dark:bg-brand-700">
          <div
            class="absolute inset-0 -z-10 bg-[radial-gradient(circle_at_top_right,var(--color-brand-400),transparent_55%)] opacity-60"
            aria-hidden="true"
          ></div>
          <h2 id="cta-title" class="text-3xl font-semibold tracking-tight text-balance text-white">
            Ship your product, not the plumbing
          </h2>
          <p class="mx-auto mt-4 max-w-xl text-base text-pretty text-brand-100">
            Create a workspace now. You can invite your team and add billing later.
          </p>
          <div class="mt-8 flex flex-col items-stretch justify-center gap-3 sm:flex-row sm:items-center">
            <a
              href={signedIn ? '/login' : '/signup'}
              class="btn btn-lg bg-white text-brand-700 shadow-sm hover:bg-brand-50 focus-visible:outline-white"
            >
              {signedIn ? 'Go to your workspaces' : 'Get started'}
            </a>
            <a
              href="/pricing"
              class="btn btn-lg text-white ring-1 ring-white/30 ring-inset hover:bg-white/10 focus-visible:outline-white"
            >
              Compare plans
            </a>
          </div>
        </div>
      </section>
    </Layout>
  );
}
