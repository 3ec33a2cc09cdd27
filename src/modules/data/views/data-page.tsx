// "Data": the sample tenant-scoped resource. Copy this file when you add a resource of your own:
// a create form that works with and without JavaScript, a table that pages in with infinite
// scroll, inline validation errors, and deletes with a confirmation and a no-JS fallback.
import { AppLayout } from '../../../platform/views/layout.js';
import {
  Button,
  Card,
  CsrfField,
  EmptyState,
  Icon,
  Skeleton,
  TextField,
} from '../../../platform/views/components.js';

export interface DataItemView {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
}

export interface DataCreateValues {
  name?: string;
  description?: string;
}

export interface DataCreateFormProps {
  csrfToken: string;
  errors?: { name?: string; description?: string; form?: string };
  values?: DataCreateValues;
}

export interface DataPageProps {
  csrfToken: string;
  user: { name: string; email: string };
  role?: string;
  /** The role's permissions: decide the navigation links. */
  permissions?: ReadonlySet<string>;
  tenant: { name: string; subdomain: string };
  createErrors?: { name?: string; description?: string; form?: string };
  values?: DataCreateValues;
  /** Server-render the first page instead of loading it with htmx (faster first paint, works
   *  without JavaScript). Omit to load rows lazily from /data/list?page=1. */
  initial?: { items: DataItemView[]; nextPage: number | null };
  rootUrl?: string;
  flash?: { kind: 'success' | 'error' | 'info'; message: string }[];
}

const COLUMNS = 4;
const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** The create form. Also the fragment to send back (status 422, with the headers
 *  `HX-Retarget: #data-create-form` and `HX-Reswap: outerHTML`) when validation fails. */
export function DataCreateForm(props: DataCreateFormProps) {
  const e = props.errors ?? {};
  const v = props.values ?? {};
  return (
    <form
      id="data-create-form"
      method="post"
      action="/data"
      hx-post="/data"
      hx-target="#data-rows"
      hx-swap="afterbegin"
      hx-disabled-elt="find button[type='submit']"
      data-reset-on-success=""
      class="card-body"
    >
      <CsrfField token={props.csrfToken} />
      {e.form ? <p class="field-error mt-0 mb-4">{e.form}</p> : null}
      <div class="grid items-start gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1.6fr)_auto]">
        <TextField
          id="data-name"
          name="name"
          label="Name"
          value={v.name}
          error={e.name}
          required
          maxlength={200}
          placeholder="Q3 planning notes"
          autocomplete="off"
        />
        <TextField
          id="data-description"
          name="description"
          label="Description"
          value={v.description}
          error={e.description}
          maxlength={1000}
          placeholder="Optional: what is it for?"
          autocomplete="off"
        />
        <div class="sm:pt-[1.875rem]">
          <Button type="submit" variant="primary" indicator full class="sm:w-auto">
            <Icon name="plus" class="size-4" />
            Add item
          </Button>
        </div>
      </div>
    </form>
  );
}

/** One table row (the fragment returned after a create). */
/** `canWrite`: the member's role may delete items (data:write); otherwise the row has no delete button. Default true. */
export function DataRow(props: { item: DataItemView; csrfToken: string; canWrite?: boolean }) {
  const it = props.item;
  const created = it.createdAt instanceof Date ? it.createdAt : new Date(it.createdAt);
  const valid = !Number.isNaN(created.getTime());
  return (
    <tr id={`item-${it.id}`} class="data-row">
      <td class="w-full max-w-0 md:w-auto">
        <p class="truncate font-medium text-zinc-900 dark:text-white">{it.name}</p>
        <p class="mt-0.5 truncate text-xs text-zinc-500 md:hidden dark:text-zinc-400">
          <span class="sm:hidden">{valid ? dateFormat.format(created) : ''}</span>
          {it.description ? <span class="before:mx-1.5 before:content-['·'] sm:before:hidden">{it.description}</span> : null}
        </p>
      </td>
      <td class="hidden max-w-0 md:table-cell">
        {it.description ? (
          <p class="truncate" title={it.description}>
            {it.description}
          </p>
        ) : (
          <span class="text-zinc-400 dark:text-zinc-600">—</span>
        )}
      </td>
      <td class="hidden whitespace-nowrap text-zinc-500 sm:table-cell dark:text-zinc-400">
        {valid ? (
          <time datetime={created.toISOString()} title={created.toISOString()}>
            {dateFormat.format(created)}
          </time>
        ) : null}
      </td>
      <td class="w-px text-right whitespace-nowrap">
        {props.canWrite === false ? null : (
          <form method="post" action={`/data/${encodeURIComponent(it.id)}/delete`} class="inline">
            <CsrfField token={props.csrfToken} />
            <button
              type="submit"
              class="btn btn-danger-ghost btn-sm"
              hx-delete={`/data/${encodeURIComponent(it.id)}`}
              hx-target="closest tr"
              hx-swap="outerHTML swap:150ms"
              hx-confirm="Delete this item?"
              hx-params="none"
              aria-label={`Delete ${it.name}`}
            >
              <Icon name="trash" class="size-3.5" />
              <span class="hidden sm:inline">Delete</span>
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

/** Placeholder rows shown while the first page loads (same height as real rows: no jump). */
function LoadingRows() {
  return (
    <>
      {['w-40', 'w-32', 'w-48'].map((w, i) => (
        <tr class="data-loading-row" aria-hidden="true">
          <td>
            <Skeleton class={`h-4 ${w}`} />
          </td>
          <td class="hidden md:table-cell">
            <Skeleton class={`h-4 ${i === 1 ? 'w-56' : 'w-72'}`} />
          </td>
          <td class="hidden sm:table-cell">
            <Skeleton class="h-4 w-24" />
          </td>
          <td>
            <Skeleton class="ml-auto h-6 w-16" />
          </td>
        </tr>
      ))}
    </>
  );
}

/** Rows for GET /data/list?page=N: the items, then a sentinel that loads the next page when
 *  scrolled into view, or the empty state when page 1 has nothing. */
export function DataRows(props: {
  items: DataItemView[];
  nextPage: number | null;
  csrfToken: string;
  /** The page these rows are; the empty state shows only on page 1. Default 1. */
  page?: number;
  /** The member's role may add and delete items. Default true. */
  canWrite?: boolean;
}) {
  const page = props.page ?? 1;
  return (
    <>
      {props.items.map((item) => (
        <DataRow item={item} csrfToken={props.csrfToken} canWrite={props.canWrite ?? true} />
      ))}
      {props.items.length === 0 && page === 1 ? (
        <tr class="data-empty-row">
          <td colspan={COLUMNS}>
            <EmptyState
              icon="database"
              title="No items yet"
              description={
                props.canWrite === false
                  ? 'Nobody has added an item yet. Items are private to this workspace.'
                  : 'Add your first item with the form above. Items are private to this workspace.'
              }
            />
          </td>
        </tr>
      ) : null}
      {props.nextPage !== null ? (
        <tr
          class="data-sentinel"
          hx-get="/data/list"
          hx-trigger="revealed"
          hx-vals={JSON.stringify({ page: String(props.nextPage) })}
          hx-swap="outerHTML"
        >
          <td colspan={COLUMNS}>
            <div class="flex items-center justify-center gap-2 py-3 text-sm text-zinc-500 dark:text-zinc-400">
              <span class="spinner" aria-hidden="true"></span>
              Loading more…
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function DataPage(props: DataPageProps) {
  // Pages pass the role's permissions; without them the page offers writing (the server checks anyway).
  const canWrite = props.permissions ? props.permissions.has('data:write') : true;
  return (
    <AppLayout page={props} title="Data" active="data">
      <div class="container-page py-8 sm:py-10">
        <div class="flex flex-col gap-2 sm:flex-row sm:items-end sm:justify-between">
          <div>
            <h1 class="page-title">Data</h1>
            <p class="mt-1 text-sm muted">
              Items that belong to {props.tenant.name}. Only members of this workspace can see them.
            </p>
          </div>
          <a href={`${props.rootUrl ?? ''}/docs`} class="link inline-flex items-center gap-1 text-sm">
            <Icon name="code" class="size-4" />
            Use the API
          </a>
        </div>

        {canWrite ? (
          <Card class="mt-8" title="New item" titleId="new-item-title" padded={false}>
            <DataCreateForm csrfToken={props.csrfToken} errors={props.createErrors} values={props.values} />
          </Card>
        ) : (
          <p id="data-read-only" class="mt-8 text-sm muted">
            Your role in this workspace ({props.role ?? 'viewer'}) can read these items, not change them.
          </p>
        )}

        <Card class="mt-6" title="Items" titleId="items-title" padded={false}>
          <div class="table-wrap">
            <table class="table md:table-fixed" aria-labelledby="items-title">
              <thead>
                <tr>
                  <th scope="col" class="md:w-[30%]">
                    Name
                  </th>
                  <th scope="col" class="hidden md:table-cell">
                    Description
                  </th>
                  <th scope="col" class="hidden w-32 sm:table-cell">
                    Created
                  </th>
                  <th scope="col" class="w-16 sm:w-28">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              {props.initial ? (
                <tbody id="data-rows">
                  <DataRows items={props.initial.items} nextPage={props.initial.nextPage} csrfToken={props.csrfToken} canWrite={canWrite} />
                </tbody>
              ) : (
                <tbody id="data-rows" hx-get="/data/list?page=1" hx-trigger="load" hx-swap="innerHTML">
                  <LoadingRows />
                  <tr class="sr-only">
                    <td colspan={COLUMNS}>Loading items…</td>
                  </tr>
                </tbody>
              )}
            </table>
          </div>
          <noscript>
            <p class="border-t border-zinc-200 px-6 py-4 text-sm muted dark:border-white/10">
              This list needs JavaScript. Turn it on and reload the page.
            </p>
          </noscript>
        </Card>
      </div>
    </AppLayout>
  );
}
