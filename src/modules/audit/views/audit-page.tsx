// The tenant's audit log for its administrators: filters (a plain GET form, so it works without
// JavaScript; htmx swaps only the results when it is there) and a paged table, newest first.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Badge, Button, Card, DataTable, EmptyState, Icon } from '../../../platform/views/components.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, isAuditAction } from '../actions.js';

export interface AuditRowView {
  id: string;
  occurredAt: Date;
  action: string;
  outcome: string;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditFilterValues {
  action?: string;
  actor?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export interface AuditResultsProps {
  items: AuditRowView[];
  page: number;
  hasMore: boolean;
  filters: AuditFilterValues;
}

export interface AuditPageProps extends AppPageContext, AuditResultsProps {}

const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
const OUTCOME_TONE = { success: 'success', failure: 'danger', denied: 'warning' } as const;

/** Action groups for the filter: "auth" matches auth.login, auth.logout, ... */
const ACTION_GROUPS = [...new Set(Object.keys(AUDIT_ACTIONS).map((a) => a.split('.')[0]!))];

function queryString(filters: AuditFilterValues, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function AuditResults(props: AuditResultsProps) {
  const { items, page, hasMore, filters } = props;
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div id="audit-results">
      {items.length === 0 ? (
        <EmptyState
          icon="shield"
          title={filtered ? 'No events match these filters' : 'No events yet'}
          description={filtered ? 'Widen the dates or clear a filter.' : 'Sign-ins, workspace changes and other security events will appear here.'}
        />
      ) : (
        <DataTable
          label="Audit events"
          columns={[
            { label: 'Time (UTC)', class: 'hidden w-48 sm:table-cell' },
            { label: 'Event' },
            { label: 'Who', class: 'hidden md:table-cell' },
            { label: 'From', class: 'hidden lg:table-cell' },
          ]}
        >
          {items.map((e) => (
            <tr>
              <td class="hidden whitespace-nowrap text-sm muted sm:table-cell">
                <time datetime={e.occurredAt.toISOString()}>{timeFormat.format(e.occurredAt)}</time>
              </td>
              <td>
                <div class="flex flex-wrap items-center gap-2">
                  <span class="font-medium">{isAuditAction(e.action) ? AUDIT_ACTIONS[e.action] : e.action}</span>
                  <Badge tone={OUTCOME_TONE[e.outcome as keyof typeof OUTCOME_TONE] ?? 'neutral'}>{e.outcome}</Badge>
                </div>
                <div class="mt-0.5 text-xs muted">
                  <code>{e.action}</code>
                  {e.targetType ? <span class="hidden sm:inline">{` · ${e.targetType} ${e.targetId ?? ''}`}</span> : ''}
                </div>
                <div class="mt-0.5 text-xs muted md:hidden">
                  <time class="sm:hidden" datetime={e.occurredAt.toISOString()}>{`${timeFormat.format(e.occurredAt)} UTC · `}</time>
                  {e.actorEmail ?? 'system'}
                </div>
              </td>
              <td class="hidden text-sm md:table-cell">{e.actorEmail ?? <span class="muted">system</span>}</td>
              <td class="hidden text-sm lg:table-cell">
                <div>{e.ip ?? '-'}</div>
                <div class="max-w-56 truncate text-xs muted" title={e.userAgent ?? undefined}>
                  {e.userAgent ?? ''}
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {page > 1 || hasMore ? (
        <nav aria-label="Pages" class="flex items-center justify-between border-t border-zinc-200 px-6 py-3 text-sm dark:border-white/10">
          {page > 1 ? (
            <a class="link" href={`/settings/audit${queryString(filters, page - 1)}`} hx-get={`/settings/audit${queryString(filters, page - 1)}`} hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true">
              Newer
            </a>
          ) : (
            <span />
          )}
          <span class="muted">Page {page}</span>
          {hasMore ? (
            <a class="link" href={`/settings/audit${queryString(filters, page + 1)}`} hx-get={`/settings/audit${queryString(filters, page + 1)}`} hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true">
              Older
            </a>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}

export function AuditPage(props: AuditPageProps) {
  const f = props.filters;
  return (
    <AppLayout page={props} title="Audit log" active="audit">
      <div class="container-page py-8 sm:py-10">
        <h1 class="page-title">Audit log</h1>
        <p class="mt-1 text-sm muted">Security events in {props.tenant.name}: who did what, when and from where. Events cannot be changed or deleted.</p>

        <Card class="mt-8" padded={false}>
          <form
            method="get"
            action="/settings/audit"
            hx-get="/settings/audit"
            hx-target="#audit-results"
            hx-swap="outerHTML"
            hx-push-url="true"
            class="card-body grid gap-4 sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto] lg:items-end"
          >
            <div>
              <label class="label" for="audit-action">Event</label>
              <select id="audit-action" name="action" class="input h-10">
                <option value="">All events</option>
                {ACTION_GROUPS.map((g) => (
                  <option value={g} selected={f.action === g}>
                    {g} (all)
                  </option>
                ))}
                {Object.entries(AUDIT_ACTIONS).map(([value, label]) => (
                  <option value={value} selected={f.action === value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label class="label" for="audit-outcome">Outcome</label>
              <select id="audit-outcome" name="outcome" class="input h-10">
                <option value="">Any</option>
                {AUDIT_OUTCOMES.map((o) => (
                  <option value={o} selected={f.outcome === o}>
                    {o}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label class="label" for="audit-actor">Who</label>
              <input id="audit-actor" name="actor" type="search" class="input h-10" value={f.actor} placeholder="email contains…" maxlength={200} autocomplete="off" />
            </div>
            <div>
              <label class="label" for="audit-from">From</label>
              <input id="audit-from" name="from" type="date" class="input h-10" value={f.from} />
            </div>
            <div>
              <label class="label" for="audit-to">To</label>
              <input id="audit-to" name="to" type="date" class="input h-10" value={f.to} />
            </div>
            <div class="flex gap-2">
              <Button type="submit" variant="secondary">
                <Icon name="search" class="size-4" />
                Filter
              </Button>
              <a href="/settings/audit" class="btn btn-ghost">
                Clear
              </a>
            </div>
          </form>
          <div class="border-t border-zinc-200 dark:border-white/10">
            <AuditResults items={props.items} page={props.page} hasMore={props.hasMore} filters={props.filters} />
          </div>
        </Card>
      </div>
    </AppLayout>
  );
}
