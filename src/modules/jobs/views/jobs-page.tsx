// The jobs page of the embedded default (/admin/jobs, super admins): jobs run inside the web process,
// so there is no queue dashboard; it lists the schedules and their next runs, and the jobs that failed
// for good since the process started.
import { Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Card, EmptyState } from '../../../platform/views/components.js';

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

export function EmbeddedJobsPage(props: { schedules: ScheduleRow[]; user: { name: string; email: string }; csrfToken?: string }) {
  return (
    <Layout title="Jobs" nav="marketing" user={props.user} csrfToken={props.csrfToken} noindex>
      <div class="container-page py-10 sm:py-14">
        <div class="mb-6">
          <h1 class="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">Jobs</h1>
          <p class="mt-1 text-sm muted">Background jobs and their schedules.</p>
        </div>
        <Alert kind="info" title="Jobs run inside the web process" class="mb-6">
          REDIS_URL is not set (the embedded default): jobs run in this process soon after they are queued, with retries, and queued jobs are lost when it stops. There is no shared
          queue or failed set: a job that fails for good is logged ("job failed for good"). Set REDIS_URL and run <code>saas-cli worker</code> for the queue dashboard.
        </Alert>
        <Card padded={false} title="Schedules" titleId="schedules-title" description="Recurring jobs, defined in code; times in UTC.">
          {props.schedules.length === 0 ? (
            <EmptyState icon="inbox" title="No schedules" description="No recurring job is registered." />
          ) : (
            <div class="table-wrap">
              <table class="table" aria-labelledby="schedules-title">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col" class="hidden sm:table-cell">Cron (UTC)</th>
                    <th scope="col">Next run</th>
                  </tr>
                </thead>
                <tbody>
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
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </Layout>
  );
}
