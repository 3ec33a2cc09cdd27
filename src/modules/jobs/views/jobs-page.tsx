// The jobs page of the embedded default (/admin/jobs, super admins): jobs run inside the web process,
// so there is no queue dashboard; it lists the jobs that failed for good (with a retry button), and
// the schedules with their next runs.
import { Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, DataTable, EmptyState } from '../../../platform/views/components.js';

export interface FailureRow {
  id: string;
  job: string;
  queue: string;
  error: string;
  attempts: number;
  /** ISO time. */
  failedAt: string;
  /** The payload as JSON (ids only, by design). */
  payload: string;
}

export interface ScheduleRow {
  id: string;
  job: string;
  pattern: string;
  description: string;
  /** ISO time of the next run. */
  next: string;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const when = (iso: string) => `${timeFormat.format(new Date(iso))} UTC`;

/** On phones the button sits under the error; from `sm` up, in its own column. */
function RetryForm(props: { id: string; csrfToken: string | undefined; class?: string }) {
  return (
    <form method="post" action={`/admin/jobs/failures/${props.id}/retry`} class={props.class}>
      <CsrfField token={props.csrfToken} />
      <Button type="submit" variant="secondary" size="sm">
        Retry
      </Button>
    </form>
  );
}

export function EmbeddedJobsPage(props: {
  schedules: ScheduleRow[];
  failures: FailureRow[];
  user: { name: string; email: string };
  csrfToken?: string;
  flash?: { kind: 'success' | 'error' | 'info'; message: string };
}) {
  return (
    <Layout title="Jobs" nav="marketing" user={props.user} csrfToken={props.csrfToken} flash={props.flash ? [props.flash] : []} noindex>
      <div class="container-page py-10 sm:py-14">
        <div class="mb-6">
          <h1 class="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">Jobs</h1>
          <p class="mt-1 text-sm muted">Background jobs and their schedules.</p>
        </div>
        <Alert kind="info" title="Jobs run inside the web process" class="mb-6">
          REDIS_URL is not set (the embedded default): jobs run in this process soon after they are queued, with retries, and queued jobs are lost when it stops (emails are
          queued again from their stored messages). A job that uses up its attempts is kept below until you retry it. Set REDIS_URL and run <code>saas-cli worker</code> for the
          queue dashboard.
        </Alert>
        <Card class="mb-6" padded={false} title="Failed jobs" titleId="failures-title" description="Jobs that used up their attempts, newest first. Fix the cause, then retry.">
          {props.failures.length === 0 ? (
            <EmptyState icon="check" title="No failed jobs" description="Every job so far finished, or is still being retried." />
          ) : (
            <DataTable
              labelledBy="failures-title"
              columns={[
                { label: 'Job' },
                { label: 'Error' },
                { label: 'Failed', class: 'hidden sm:table-cell' },
                { label: 'Actions', class: 'hidden sm:table-cell', srOnly: true },
              ]}
            >
              {props.failures.map((f) => (
                <tr class="failure-row">
                  <td class="align-top">
                    <Badge tone="danger">{f.job}</Badge>
                    <p class="mt-1 hidden font-mono text-xs break-all muted sm:block">{f.payload}</p>
                  </td>
                  <td class="text-sm">
                    <p class="break-words">{f.error}</p>
                    <p class="mt-1 text-xs muted">
                      {f.attempts} {f.attempts === 1 ? 'attempt' : 'attempts'} · queue {f.queue}
                      <span class="sm:hidden">
                        {' · '}
                        <time datetime={f.failedAt}>{when(f.failedAt)}</time>
                      </span>
                    </p>
                    <RetryForm id={f.id} csrfToken={props.csrfToken} class="mt-2 sm:hidden" />
                  </td>
                  <td class="hidden text-sm whitespace-nowrap sm:table-cell">
                    <time datetime={f.failedAt}>{when(f.failedAt)}</time>
                  </td>
                  <td class="hidden text-right sm:table-cell">
                    <RetryForm id={f.id} csrfToken={props.csrfToken} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Card>
        <Card padded={false} title="Schedules" titleId="schedules-title" description="Recurring jobs, defined in code; times in UTC.">
          {props.schedules.length === 0 ? (
            <EmptyState icon="inbox" title="No schedules" description="No recurring job is registered." />
          ) : (
            <DataTable
              labelledBy="schedules-title"
              columns={[
                { label: 'Job' },
                { label: 'Cron (UTC)', class: 'hidden sm:table-cell' },
                { label: 'Next run' },
              ]}
            >
              {props.schedules.map((s) => (
                <tr class="schedule-row">
                  <td>
                    <div class="flex flex-wrap items-center gap-2">
                      <Badge tone="brand">{s.job}</Badge>
                      <code class="text-xs muted sm:hidden">{s.pattern}</code>
                    </div>
                    <p class="mt-1 text-sm muted">{s.description}</p>
                  </td>
                  <td class="hidden whitespace-nowrap sm:table-cell">
                    <code class="text-sm">{s.pattern}</code>
                  </td>
                  <td class="w-28 text-sm sm:w-auto sm:whitespace-nowrap">
                    <time datetime={s.next}>{when(s.next)}</time>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Card>
      </div>
    </Layout>
  );
}
