// The small shared component set every page is built from. Synchronous components only: the
// render is String(tree). No inline styles or scripts anywhere (strict CSP); look comes from the
// component classes in src/platform/assets/styles.css.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

/** Joins class names, skipping empty ones. */
export function cx(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Icons: a fixed set of 24x24 stroke icons, drawn inline so there is nothing else to fetch.

const ICONS = {
  sun: (
    <>
      <circle cx="12" cy="12" r="4" />
      <path d="M12 2v2M12 20v2M4.93 4.93l1.41 1.41M17.66 17.66l1.41 1.41M2 12h2M20 12h2M6.34 17.66l-1.41 1.41M19.07 4.93l-1.41 1.41" />
    </>
  ),
  moon: <path d="M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9Z" />,
  menu: <path d="M4 6h16M4 12h16M4 18h16" />,
  x: <path d="M18 6 6 18M6 6l12 12" />,
  check: <path d="M20 6 9 17l-5-5" />,
  'check-circle': (
    <>
      <circle cx="12" cy="12" r="10" />
      <path d="m9 12 2 2 4-4" />
    </>
  ),
  'alert-circle': (
    <>
      <circle cx="12" cy="12" r="10" />
      <path d="M12 8v4M12 16h.01" />
    </>
  ),
  info: (
    <>
      <circle cx="12" cy="12" r="10" />
      <path d="M12 16v-4M12 8h.01" />
    </>
  ),
  'arrow-right': <path d="M5 12h14M12 5l7 7-7 7" />,
  'chevron-right': <path d="m9 18 6-6-6-6" />,
  'chevrons-up-down': (
    <>
      <path d="m7 15 5 5 5-5" />
      <path d="m7 9 5-5 5 5" />
    </>
  ),
  globe: (
    <>
      <circle cx="12" cy="12" r="10" />
      <path d="M2 12h20M12 2a15.3 15.3 0 0 1 4 10 15.3 15.3 0 0 1-4 10 15.3 15.3 0 0 1-4-10 15.3 15.3 0 0 1 4-10z" />
    </>
  ),
  shield: (
    <>
      <path d="M20 13c0 5-3.5 7.5-7.66 8.95a1 1 0 0 1-.67-.01C7.5 20.5 4 18 4 13V6a1 1 0 0 1 1-1c2 0 4.5-1.2 6.24-2.72a1.17 1.17 0 0 1 1.52 0C14.51 3.81 17 5 19 5a1 1 0 0 1 1 1z" />
      <path d="m9 12 2 2 4-4" />
    </>
  ),
  'credit-card': (
    <>
      <rect x="2" y="5" width="20" height="14" rx="2" />
      <path d="M2 10h20M6 15h4" />
    </>
  ),
  key: (
    <>
      <circle cx="7.5" cy="15.5" r="5.5" />
      <path d="m21 2-9.6 9.6M15.5 7.5l3 3L22 7l-3-3" />
    </>
  ),
  webhook: (
    <>
      <circle cx="18" cy="5" r="3" />
      <circle cx="6" cy="12" r="3" />
      <circle cx="18" cy="19" r="3" />
      <path d="m8.59 13.51 6.83 3.98M15.41 6.51l-6.82 3.98" />
    </>
  ),
  chart: <path d="M3 3v18h18M8 17v-4M13 17V9M18 17V5" />,
  database: (
    <>
      <ellipse cx="12" cy="5" rx="9" ry="3" />
      <path d="M3 5v14a9 3 0 0 0 18 0V5M3 12a9 3 0 0 0 18 0" />
    </>
  ),
  book: <path d="M4 19.5v-15A2.5 2.5 0 0 1 6.5 2H20v20H6.5a2.5 2.5 0 0 1 0-5H20" />,
  users: (
    <>
      <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" />
      <circle cx="9" cy="7" r="4" />
      <path d="M22 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75" />
    </>
  ),
  activity: <path d="M22 12h-4l-3 9L9 3l-3 9H2" />,
  inbox: (
    <>
      <path d="M22 12h-6l-2 3h-4l-2-3H2" />
      <path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z" />
    </>
  ),
  trash: <path d="M3 6h18M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6m3 0V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M10 11v6M14 11v6" />,
  'log-out': <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9" />,
  dashboard: (
    <>
      <rect x="3" y="3" width="7" height="9" rx="1" />
      <rect x="14" y="3" width="7" height="5" rx="1" />
      <rect x="14" y="12" width="7" height="9" rx="1" />
      <rect x="3" y="16" width="7" height="5" rx="1" />
    </>
  ),
  plus: <path d="M12 5v14M5 12h14" />,
  building: (
    <path d="M6 22V4a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v18ZM6 12H4a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h2M18 9h2a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-2M10 6h4M10 10h4M10 14h4M10 18h4" />
  ),
  mail: (
    <>
      <rect x="2" y="4" width="20" height="16" rx="2" />
      <path d="m22 7-8.97 5.7a1.94 1.94 0 0 1-2.06 0L2 7" />
    </>
  ),
  lock: (
    <>
      <rect x="3" y="11" width="18" height="11" rx="2" />
      <path d="M7 11V7a5 5 0 0 1 10 0v4" />
    </>
  ),
  home: <path d="m3 9 9-7 9 7v11a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM9 22V12h6v10" />,
  gauge: <path d="m12 14 4-4M3.34 19a10 10 0 1 1 17.32 0" />,
  code: <path d="m16 18 6-6-6-6M8 6l-6 6 6 6" />,
  zap: <path d="M13 2 3 14h9l-1 8 10-12h-9l1-8z" />,
  search: <path d="m21 21-4.3-4.3M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16z" />,
} as const;

export type IconName = keyof typeof ICONS;

const renderedIcons = new Map<string, ReturnType<typeof raw>>();

/**
 * A decorative inline icon (aria-hidden); give the surrounding control its own text or label.
 * Icons are static markup: each name and class is rendered once and reused (a page holds dozens).
 */
export function Icon(props: { name: IconName; class?: string }) {
  const key = `${props.name} ${props.class ?? ''}`;
  let html = renderedIcons.get(key);
  if (html === undefined) {
    html = raw(String(<IconSvg {...props} />));
    renderedIcons.set(key, html);
  }
  return html;
}

function IconSvg(props: { name: IconName; class?: string }) {
  return (
    <svg
      class={props.class ?? 'size-4'}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {ICONS[props.name]}
    </svg>
  );
}

/** The product mark: a rounded square with a stack of layers (one per tenant). */
export function LogoMark(props: { class?: string }) {
  return (
    <svg class={props.class ?? 'size-7'} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" class="fill-brand-600" />
      <path
        d="M9 19.5 16 23l7-3.5M9 15.5 16 19l7-3.5M16 9l7 3.5-7 3.5-7-3.5z"
        fill="none"
        stroke="#fff"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

// ---------------------------------------------------------------------------------------------
// Buttons

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'danger-ghost' | 'ghost';
export type ButtonSize = 'sm' | 'md' | 'lg';

/** Extra attributes such as hx-post, hx-target or aria-*; values are escaped by the renderer. */
export type Attrs = Record<string, string | number | boolean | undefined>;

export interface ButtonProps {
  children: Child;
  variant?: ButtonVariant;
  size?: ButtonSize;
  type?: 'button' | 'submit' | 'reset';
  full?: boolean;
  id?: string;
  name?: string;
  value?: string;
  disabled?: boolean;
  /** Shows a spinner over the label while an htmx request of an ancestor (or the button) runs. */
  indicator?: boolean;
  class?: string;
  attrs?: Attrs;
}

export function buttonClass(variant: ButtonVariant = 'primary', size: ButtonSize = 'md', full = false): string {
  return cx('btn', `btn-${variant}`, size !== 'md' && `btn-${size}`, full && 'btn-full');
}

/** A real <button>; type defaults to "button" so it never submits a form by accident. */
export function Button(props: ButtonProps) {
  return (
    <button
      type={props.type ?? 'button'}
      id={props.id}
      name={props.name}
      value={props.value}
      disabled={props.disabled}
      class={cx(buttonClass(props.variant, props.size, props.full), props.class)}
      {...(props.attrs ?? {})}
    >
      {props.indicator ? (
        <>
          <span class="btn-label inline-flex items-center gap-2">{props.children}</span>
          <span class="btn-spinner spinner htmx-indicator" aria-hidden="true"></span>
        </>
      ) : (
        props.children
      )}
    </button>
  );
}

// ---------------------------------------------------------------------------------------------
// Form fields

export interface TextFieldProps {
  id: string;
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'search' | 'tel' | 'number';
  value?: string | undefined;
  /** Inline error text; sets aria-invalid and links the message with aria-describedby. */
  error?: string | undefined;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  /** Extra ids to add to aria-describedby. */
  describedBy?: string;
  placeholder?: string;
  minlength?: number;
  maxlength?: number;
  pattern?: string;
  inputmode?: 'none' | 'text' | 'tel' | 'url' | 'email' | 'numeric' | 'decimal' | 'search';
  autofocus?: boolean;
  /** Text shown joined to the right of the input, for example ".example.com". */
  suffix?: string;
  /** Turns off autocapitalize and spellcheck (for identifiers such as subdomains). */
  verbatim?: boolean;
  /** Extra element rendered at the right of the label row (for example a "Forgot?" link). */
  labelAside?: Child;
  class?: string;
  attrs?: Attrs;
}

function describedByIds(id: string, hint?: string, error?: string, extra?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', extra ?? ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The inline error line under a field; its id is `${fieldId}-error`. */
export function FieldError(props: { id: string; message?: string | undefined }) {
  if (!props.message) return null;
  return (
    <p id={`${props.id}-error`} class="field-error">
      <Icon name="alert-circle" class="mt-0.5 size-4 shrink-0" />
      <span>{props.message}</span>
    </p>
  );
}

/** Label + input + hint + inline error, wired for screen readers. */
export function TextField(props: TextFieldProps) {
  const invalid = Boolean(props.error);
  const input = (
    <input
      id={props.id}
      name={props.name}
      type={props.type ?? 'text'}
      value={props.type === 'password' ? undefined : props.value}
      autocomplete={props.autocomplete}
      required={props.required}
      placeholder={props.placeholder}
      minlength={props.minlength}
      maxlength={props.maxlength}
      pattern={props.pattern}
      inputmode={props.inputmode}
      autofocus={props.autofocus}
      autocapitalize={props.verbatim ? 'none' : undefined}
      spellcheck={props.verbatim ? false : undefined}
      aria-invalid={invalid ? 'true' : undefined}
      aria-describedby={describedByIds(props.id, props.hint, props.error, props.describedBy)}
      class="input"
      {...(props.attrs ?? {})}
    />
  );
  return (
    <div class={cx('field', props.class)}>
      <div class="flex items-center justify-between gap-3">
        <label for={props.id} class="label">
          {props.label}
        </label>
        {props.labelAside}
      </div>
      <div class="mt-1.5">
        {props.suffix ? (
          <div class="input-group">
            {input}
            <span class="input-suffix" aria-hidden="true">
              {props.suffix}
            </span>
          </div>
        ) : (
          input
        )}
      </div>
      {props.hint ? (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      ) : null}
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}

/** The hidden CSRF field every POST form carries. */
export function CsrfField(props: { token: string | undefined }) {
  return <input type="hidden" name="_csrf" value={props.token ?? ''} />;
}

// ---------------------------------------------------------------------------------------------
// Surfaces and feedback

/** A bordered surface, with an optional header (title, description, actions). */
export function Card(props: {
  children: Child;
  title?: string;
  titleId?: string;
  description?: Child;
  actions?: Child;
  /** false when the body is a table that should run edge to edge. */
  padded?: boolean;
  class?: string;
  as?: 'section' | 'div' | 'article';
}) {
  const Tag = props.as ?? 'section';
  const hasHeader = Boolean(props.title || props.actions);
  const body = props.padded === false ? props.children : <div class="card-body">{props.children}</div>;
  return (
    <Tag class={cx('card', props.class)} aria-labelledby={props.title && props.titleId ? props.titleId : undefined}>
      {hasHeader ? (
        <div class="card-header">
          <div class="min-w-0">
            {props.title ? (
              <h2 id={props.titleId} class="section-title">
                {props.title}
              </h2>
            ) : null}
            {props.description ? <p class="mt-0.5 text-sm muted">{props.description}</p> : null}
          </div>
          {props.actions ? <div class="flex shrink-0 items-center gap-2">{props.actions}</div> : null}
        </div>
      ) : null}
      {body}
    </Tag>
  );
}

export type BadgeTone = 'neutral' | 'brand' | 'success' | 'warning' | 'danger';

export function Badge(props: { children: Child; tone?: BadgeTone; class?: string }) {
  const tone = props.tone ?? 'neutral';
  return <span class={cx('badge', tone !== 'neutral' && `badge-${tone}`, props.class)}>{props.children}</span>;
}

export type AlertKind = 'error' | 'success' | 'info' | 'warning';

const ALERT_ICON: Record<AlertKind, IconName> = {
  error: 'alert-circle',
  success: 'check-circle',
  info: 'info',
  warning: 'alert-circle',
};

/** An inline message box. Errors use role="alert" so they are announced when they appear. */
export function Alert(props: { kind: AlertKind; children: Child; title?: string; id?: string; class?: string }) {
  return (
    <div
      id={props.id}
      class={cx('alert', `alert-${props.kind}`, props.class)}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      <Icon name={ALERT_ICON[props.kind]} class="alert-icon" />
      <div class="min-w-0">
        {props.title ? <p class="font-semibold">{props.title}</p> : null}
        <div class={props.title ? 'mt-0.5' : ''}>{props.children}</div>
      </div>
    </div>
  );
}

export type ToastKind = 'success' | 'error' | 'info';

/** A dismissible toast (Alpine `flash`: hides after 6 s, pauses on hover or focus). */
export function Toast(props: { kind: ToastKind; message: string }) {
  return (
    <div
      x-data="flash"
      x-show="visible"
      x-transition:leave="transition ease-in duration-200"
      x-transition:leave-start="opacity-100"
      x-transition:leave-end="opacity-0"
      x-on:mouseenter="pause"
      x-on:mouseleave="resume"
      x-on:focusin="pause"
      x-on:focusout="resume"
      class={`toast toast-${props.kind}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      <Icon name={ALERT_ICON[props.kind]} class="toast-icon" />
      <p class="toast-message">{props.message}</p>
      <button type="button" class="toast-close js-only" x-on:click="dismiss" aria-label="Dismiss notification">
        <Icon name="x" class="size-4" />
      </button>
    </div>
  );
}

/** A spinning ring. Pass `label` when it is the only sign of loading (screen readers read it). */
export function Spinner(props: { class?: string; label?: string; indicator?: boolean }) {
  return (
    <span class={cx('inline-flex items-center gap-2', props.indicator && 'htmx-indicator', props.class)}>
      <span class="spinner" aria-hidden="true"></span>
      {props.label ? <span class="sr-only">{props.label}</span> : null}
    </span>
  );
}

export interface TableColumn {
  label: string;
  /** Width, alignment, and `hidden sm:table-cell` for columns that only show from a breakpoint on. */
  class?: string;
  /** Read by screen readers only (an actions column). */
  srOnly?: boolean;
}

/**
 * The app's data table: scrolls sideways inside its card on narrow screens, the header from
 * `columns`, the rows as children. Name it by the card title's id (`labelledBy`) or by `label`.
 */
export function DataTable(props: {
  columns: readonly TableColumn[];
  children: Child;
  labelledBy?: string;
  label?: string;
  class?: string;
  /** Attributes of the `<tbody>` (an id for htmx swaps, `hx-get` to load the rows). */
  body?: Record<string, string>;
}) {
  return (
    <div class="table-wrap relative">
      <table class={cx('table', props.class)} aria-labelledby={props.labelledBy} aria-label={props.label}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" class={c.class}>
                {c.srOnly ? <span class="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody {...(props.body ?? {})}>{props.children}</tbody>
      </table>
    </div>
  );
}

/** Friendly "nothing here yet" block with what to do next. */
export function EmptyState(props: {
  title: string;
  description?: Child;
  icon?: IconName;
  action?: Child;
  class?: string;
  /** Heading level of the title so the page outline stays in order (default 3). */
  level?: 2 | 3;
}) {
  const H = props.level === 2 ? 'h2' : 'h3';
  return (
    <div class={cx('flex flex-col items-center px-6 py-12 text-center', props.class)}>
      <span class="inline-flex size-12 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 ring-8 ring-zinc-50 dark:bg-white/5 dark:text-zinc-400 dark:ring-white/[0.02]">
        <Icon name={props.icon ?? 'inbox'} class="size-5" />
      </span>
      <H class="mt-5 text-sm font-semibold text-zinc-900 dark:text-white">{props.title}</H>
      {props.description ? <p class="mt-1 max-w-sm text-sm muted">{props.description}</p> : null}
      {props.action ? <div class="mt-5">{props.action}</div> : null}
    </div>
  );
}

export interface StatMeter {
  value: number;
  max: number;
  /** Accessible text for the bar, e.g. "42 of 100 items used". */
  label: string;
}

/** A number people compare, with an optional usage bar (<meter>, so no inline widths). */
export function StatCard(props: {
  label: string;
  value: Child;
  hint?: Child;
  icon?: IconName;
  meter?: StatMeter;
  id?: string;
  class?: string;
}) {
  const m = props.meter;
  return (
    <div id={props.id} class={cx('card flex flex-col p-4 sm:p-6', props.class)}>
      <div class="flex items-center justify-between gap-3">
        <p class="stat-label">{props.label}</p>
        {props.icon ? (
          <span class="hidden size-8 shrink-0 items-center justify-center rounded-lg bg-zinc-100 text-zinc-500 sm:inline-flex dark:bg-white/5 dark:text-zinc-400">
            <Icon name={props.icon} class="size-4" />
          </span>
        ) : null}
      </div>
      <p class="stat-value">{props.value}</p>
      {m ? (
        <meter
          class="meter mt-4"
          min={0}
          max={Math.max(m.max, 1)}
          value={Math.max(0, Math.min(m.value, Math.max(m.max, 1)))}
          low={Math.max(m.max, 1) * 0.75}
          high={Math.max(m.max, 1) * 0.9}
          optimum={0}
          aria-label={m.label}
          title={m.label}
        >
          {m.label}
        </meter>
      ) : null}
      {props.hint ? <p class="mt-2 text-sm muted">{props.hint}</p> : null}
    </div>
  );
}

/** Placeholder bars shown while a fragment loads (same footprint as the content: no jumps). */
export function Skeleton(props: { class?: string }) {
  return <span class={cx('skeleton block', props.class)} aria-hidden="true"></span>;
}
