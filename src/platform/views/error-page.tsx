// Full-page HTML errors (404, 403, 500, ...). The error handler picks the copy; this page adds
// what to do next and the request id support will ask for.
import { Layout } from './layout.js';
import { Icon } from './components.js';

export interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
  requestId?: string;
  rootUrl?: string;
  /** The problem's code: a closed workspace's pages point to what still works there. */
  code?: string;
}

function nextSteps(status: number): string[] {
  if (status === 401) return ['Log in again: your session may have ended.'];
  if (status === 403)
    return ['Check that you are signed in to the right workspace.', 'Ask a workspace admin to give you access.'];
  if (status === 404)
    return ['Check the address for typos.', 'The page may have moved, or the item may have been deleted.'];
  if (status === 429) return ['Wait a minute, then try again.'];
  if (status >= 500)
    return [
      'Try again in a moment: most errors like this are temporary.',
      'If it keeps happening, contact support with the request id below.',
    ];
  return ['Go back and try again.'];
}

export function ErrorPage(props: ErrorPageProps) {
  const rootUrl = props.rootUrl ?? '';
  // A suspended workspace, or one pending deletion: access is not the problem, so say what still works instead.
  const closed = props.code === 'tenant_suspended' || props.code === 'tenant_deletion_pending';
  const title = closed ? 'This workspace is closed' : props.title;
  const steps = closed ? [] : nextSteps(props.status);
  return (
    <Layout title={title} nav="marketing" rootUrl={rootUrl} noindex>
      <div class="relative isolate flex flex-1 items-center justify-center px-4 py-16 sm:py-24">
        <div class="grid-bg" aria-hidden="true"></div>
        <div class="w-full max-w-lg text-center">
          <p class="inline-flex items-center gap-2 rounded-full border border-zinc-200 bg-white px-3 py-1 font-mono text-xs font-medium text-zinc-600 dark:border-white/10 dark:bg-white/5 dark:text-zinc-300">
            <span
              class={
                props.status >= 500
                  ? 'size-1.5 rounded-full bg-red-500'
                  : 'size-1.5 rounded-full bg-amber-500'
              }
              aria-hidden="true"
            ></span>
            Error {props.status}
          </p>
          <h1 class="mt-5 text-3xl font-semibold tracking-tight text-balance text-zinc-900 sm:text-4xl dark:text-white">
            {title}
          </h1>
          <p class="mx-auto mt-4 max-w-md text-base text-pretty text-zinc-600 dark:text-zinc-400">{props.message}</p>

          {steps.length ? (
            <ul class="mx-auto mt-8 max-w-sm space-y-2 text-left text-sm text-zinc-600 dark:text-zinc-400">
              {steps.map((s) => (
                <li class="flex gap-2.5">
                  <Icon name="chevron-right" class="mt-0.5 size-4 shrink-0 text-brand-500" />
                  <span>{s}</span>
                </li>
              ))}
            </ul>
          ) : null}

          {closed ? (
            <div id="closed-workspace-links" class="mt-8 flex flex-col items-center justify-center gap-3 sm:flex-row">
              <a href="/settings/export" class="btn btn-primary">
                <Icon name="database" class="size-4" />
                Export the data
              </a>
              {props.code === 'tenant_deletion_pending' ? (
                <a href="/settings/workspace/delete" class="btn btn-secondary">
                  See or cancel the deletion
                </a>
              ) : null}
            </div>
          ) : null}

          <div class="mt-10 flex flex-col items-center justify-center gap-3 sm:flex-row">
            <a href={`${rootUrl}/`} class="btn btn-primary">
              <Icon name="home" class="size-4" />
              Go to the home page
            </a>
            {props.status === 401 || props.status === 403 ? (
              <a href="/login" class="btn btn-secondary">
                Log in
              </a>
            ) : (
              <a href="/login" class="btn btn-secondary">
                Open your workspace
              </a>
            )}
          </div>

          {props.requestId ? (
            <p class="mt-10 text-xs text-zinc-500 dark:text-zinc-500">
              Request id <code class="code select-all">{props.requestId}</code>
            </p>
          ) : null}
        </div>
      </div>
    </Layout>
  );
}
