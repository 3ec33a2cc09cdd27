// The workspace home on a tenant subdomain. Stats load with htmx (and refresh every 30 s) so the
// page itself renders without waiting for the counters.
import { AppLayout } from '../../../platform/views/layout.js';
import { Badge, Icon, Skeleton, StatCard, type IconName } from '../../../platform/views/components.js';

export interface DashboardPageProps {
  csrfToken: string;
  user: { name: string; email: string };
  tenant: { name: string; subdomain: string; plan: string; logoUrl?: string | null };
  role: string;
  /** The role's permissions: decide the navigation links. */
  permissions?: ReadonlySet<string>;
  /** Root-site URL (e.g. http://localhost:8000); used to show the workspace address and docs link. */
  rootUrl?: string;
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
  /** Render the stats into the page right away (no loading skeleton, works without JavaScript);
   *  they still refresh every 30 s. Omit to load them with htmx after the page shows. */
  stats?: DashboardStatsView;
}

export interface DashboardStatsView {
  members: number;
  dataItems: number;
  plan: string;
  /** null = no limit on this plan. */
  planLimitItems: number | null;
  /** Omitted until API usage is tracked: the card is hidden rather than showing a made-up number. */
  apiCallsToday?: number;
}

const nf = new Intl.NumberFormat('en-US');

function titleCase(s: string): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

function firstName(name: string, email: string): string {
  return name.trim().split(/\s+/)[0] || email.split('@')[0] || 'there';
}

function workspaceHost(subdomain: string, rootUrl: string | undefined): string | null {
  if (!rootUrl) return null;
  try {
    return `${subdomain}.${new URL(rootUrl).host}`;
  } catch {
    return null;
  }
}

function StatsSkeleton() {
  return (
    <div class="grid grid-cols-2 gap-3 sm:gap-4 xl:grid-cols-4" aria-hidden="true">
      {[0, 1, 2, 3].map((i) => (
        <div class={i === 0 || i === 3 ? 'card col-span-2 p-4 sm:col-span-1 sm:p-6' : 'card p-4 sm:p-6'}>
          <div class="flex items-center justify-between">
            <Skeleton class="h-4 w-24" />
            <Skeleton class="hidden size-8 rounded-lg sm:block" />
          </div>
          <Skeleton class="mt-3 h-8 w-20" />
          <Skeleton class="mt-4 h-2 w-full rounded-full" />
          <Skeleton class="mt-3 h-4 w-32" />
        </div>
      ))}
    </div>
  );
}

/** The htmx fragment for GET /dashboard/stats (swapped into #dashboard-stats). */
export function DashboardStats(props: { stats: DashboardStatsView }) {
  const s = props.stats;
  const limit = s.planLimitItems;
  const pct = limit && limit > 0 ? Math.min(100, Math.round((s.dataItems / limit) * 100)) : null;
  const itemsHint =
    limit === null
      ? `No item limit on the ${titleCase(s.plan)} plan`
      : pct !== null && pct >= 100
        ? 'Limit reached: upgrade to add more'
        : `${nf.format(Math.max(0, limit - s.dataItems))} left (${pct ?? 0}% used)`;
  return (
    <div class={s.apiCallsToday === undefined ? 'grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4' : 'grid grid-cols-2 gap-3 sm:gap-4 xl:grid-cols-4'}>
      <StatCard
        id="stat-items"
        class="col-span-2 sm:col-span-1"
        label="Data items"
        icon="database"
        value={
          <>
            {nf.format(s.dataItems)}
            {limit !== null ? (
              <span class="ml-1 text-base font-medium text-zinc-500 dark:text-zinc-400">/ {nf.format(limit)}</span>
            ) : null}
          </>
        }
        meter={
          limit !== null
            ? { value: s.dataItems, max: limit, label: `${nf.format(s.dataItems)} of ${nf.format(limit)} items used` }
            : undefined
        }
        hint={itemsHint}
      />
      <StatCard
        id="stat-members"
        label="Members"
        icon="users"
        value={nf.format(s.members)}
        hint={s.members === 1 ? 'Just you so far' : 'People in this workspace'}
      />
      {s.apiCallsToday === undefined ? null : (
        <StatCard
          id="stat-api-calls"
          label="API calls today"
          icon="activity"
          value={nf.format(s.apiCallsToday)}
          hint="Made with your API keys"
        />
      )}
      <StatCard
        id="stat-plan"
        class={s.apiCallsToday === undefined ? undefined : 'col-span-2 sm:col-span-1'}
        label="Plan"
        icon="credit-card"
        value={titleCase(s.plan)}
        hint={limit === null ? 'Unlimited items' : `${nf.format(limit)} items included`}
      />
    </div>
  );
}

function QuickLink(props: { href: string; icon: IconName; title: string; body: string }) {
  return (
    <a
      href={props.href}
      class="card group flex items-start gap-4 p-5 transition-colors hover:border-zinc-300 dark:hover:border-white/20"
    >
      <span class="feature-icon shrink-0">
        <Icon name={props.icon} class="size-5" />
      </span>
      <span class="min-w-0 flex-1">
        <span class="flex items-center gap-1 font-semibold text-zinc-900 dark:text-white">
          {props.title}
          <Icon
            name="arrow-right"
            class="size-4 text-zinc-400 transition-transform group-hover:translate-x-0.5 dark:text-zinc-500"
          />
        </span>
        <span class="mt-1 block text-sm text-zinc-600 dark:text-zinc-400">{props.body}</span>
      </span>
    </a>
  );
}

export function DashboardPage(props: DashboardPageProps) {
  const host = workspaceHost(props.tenant.subdomain, props.rootUrl);
  return (
    <AppLayout page={props} title={`${props.tenant.name} dashboard`} active="dashboard">
      <div class="container-page py-8 sm:py-10">
        <div class="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
          <div class="min-w-0">
            <p class="text-sm font-medium text-zinc-500 dark:text-zinc-400">
              Welcome back, {firstName(props.user.name, props.user.email)}
            </p>
            <h1 class="page-title mt-1 truncate">
              <span class="tenant-name">{props.tenant.name}</span>
            </h1>
            <div class="mt-3 flex flex-wrap items-center gap-2">
              <Badge tone="brand">{titleCase(props.tenant.plan)} plan</Badge>
              <Badge>{titleCase(props.role)}</Badge>
              {host ? <span class="font-mono text-xs text-zinc-500 dark:text-zinc-400">{host}</span> : null}
            </div>
          </div>
          <div class="flex gap-2">
            {props.permissions && !props.permissions.has('data:write') ? (
              <a href="/data" class="btn btn-secondary">
                <Icon name="database" class="size-4" />
                See the data
              </a>
            ) : (
              <a href="/data" class="btn btn-primary">
                <Icon name="plus" class="size-4" />
                Add data
              </a>
            )}
          </div>
        </div>

        <section class="mt-8" aria-labelledby="stats-title">
          <h2 id="stats-title" class="sr-only">
            Usage
          </h2>
          {props.stats ? (
            <div id="dashboard-stats" class="dashboard" hx-get="/dashboard/stats" hx-trigger="every 30s" hx-swap="innerHTML">
              <DashboardStats stats={props.stats} />
            </div>
          ) : (
            <div
              id="dashboard-stats"
              class="dashboard"
              hx-get="/dashboard/stats"
              hx-trigger="load, every 30s"
              hx-swap="innerHTML"
            >
              <StatsSkeleton />
              <p class="sr-only">Loading usage…</p>
            </div>
          )}
        </section>

        <section class="mt-10" aria-labelledby="quick-title">
          <h2 id="quick-title" class="section-title">
            Quick links
          </h2>
          <div class="mt-4 grid gap-4 md:grid-cols-2">
            <QuickLink
              href="/data"
              icon="database"
              title="Data"
              body="Create, browse and delete your workspace’s items."
            />
            <QuickLink
              href={`${props.rootUrl ?? ''}/docs`}
              icon="book"
              title="API docs"
              body="Every endpoint, with examples. Sign in with POST /auth/login and call them from your own code."
            />
          </div>
        </section>
      </div>
    </AppLayout>
  );
}
