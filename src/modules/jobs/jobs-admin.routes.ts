/**
 * `/admin/jobs`: the job dashboard, for super admins only, on the root site. Everyone else (signed
 * out, normal users, workspace hosts) gets the same 404 as any unknown path, so the page does not
 * reveal itself. With Redis it is bull-board over the BullMQ queues; on the embedded default a page
 * with the schedules and their next runs, and the failed set (`job_failures`) with a retry button.
 *
 * bull-board's UI needs inline styles: the CSP is relaxed to `style-src 'self' 'unsafe-inline'` under
 * this path only (scripts stay `'self'`). Its API changes state with fetch() PUT/POST/DELETE and
 * sends no CSRF token: those requests must come from our own origin (Origin or Sec-Fetch-Site).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UUID_RE } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { forbidden } from '../../platform/errors.js';
import { sendPage } from '../../platform/http/htmx.js';
import { isUnsafeMethod } from '../../platform/http/request-context.js';
import { securityHeaders } from '../../platform/http/security.js';
import type { InProcessScheduler } from '../../platform/queue/schedules.js';
import type { JobFailures, RetryOutcome } from './failures.js';
import { EmbeddedJobsPage } from './views/jobs-page.js';

export const JOBS_DASHBOARD_PATH = '/admin/jobs';

type Flash = { kind: 'success' | 'error' | 'info'; message: string };

/** The one auth guard used here (the auth module's `optionalWebUser`): passed in, so this module does not depend on auth. */
export interface JobsAdminGuards {
  optionalWebUser(request: FastifyRequest): Promise<void>;
}

export async function jobsAdminRoutes(app: FastifyInstance, opts: { deps: Deps; guards: JobsAdminGuards; scheduler: () => InProcessScheduler | null; failures: JobFailures }) {
  const { deps, guards } = opts;
  const { config } = deps;
  const secure = config.publicUrl.protocol === 'https:';
  const csp = securityHeaders({ secure, tenantOrigins: `${config.publicUrl.protocol}//*.${config.publicUrl.host}` })['content-security-policy']!.replace(
    "style-src 'self'",
    "style-src 'self' 'unsafe-inline'",
  );

  const onlySuperAdmins = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.site === 'root') await guards.optionalWebUser(request);
    if (request.site !== 'root' || !request.auth?.isSuperAdmin) {
      reply.callNotFound();
      return reply;
    }
    reply.header('cache-control', 'no-store');
    reply.header('content-security-policy', csp);
    reply.header('x-robots-tag', 'noindex');
  };
  // Answered here, not thrown: bull-board's own error handler would turn any error into a 500.
  const sameOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isUnsafeMethod(request)) return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    if (site === 'same-origin' || origin === config.publicUrl.origin) return;
    const problem = forbidden('Cross-site request refused: changes to the job queues must come from this site');
    reply.code(403).type('application/problem+json').send({ type: 'about:blank', title: 'Forbidden', status: 403, code: problem.code, detail: problem.message });
    return reply;
  };

  // preHandler rather than onRequest: a 404 sent before the body is parsed would meet the global CSRF
  // check without the form's token, so a signed-in user's POST here would get 403 where any other
  // unknown path answers 404. Here it runs after that check, like the 404 of an unknown path.
  app.addHook('preHandler', onlySuperAdmins);
  app.addHook('preHandler', sameOrigin);

  if (deps.redis) {
    // The same-origin check above replaces the CSRF token for bull-board's routes (its client sends none).
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), csrf: false } as typeof route.config;
    });
    const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }, { createBullmqAdmin }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/fastify'),
      import('../../platform/queue/bullmq-admin.js'),
    ]);
    const admin = createBullmqAdmin(deps.redis, deps.queuePrefix);
    app.addHook('onClose', async () => admin.close());
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(JOBS_DASHBOARD_PATH);
    createBullBoard({
      queues: admin.queues().map((q) => new BullMQAdapter(q)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'SaaS App jobs', hideRedisDetails: true, miscLinks: [{ text: 'Back to the app', url: '/' }] } },
    });
    await app.register(serverAdapter.registerPlugin(), { prefix: JOBS_DASHBOARD_PATH });
    return;
  }

  const RETRY_MESSAGES: Record<RetryOutcome, Flash> = {
    queued: { kind: 'success', message: 'Queued again: it runs in a moment. If it fails again, it shows here as a new failure.' },
    not_found: { kind: 'error', message: 'That failure is not on record.' },
    already_retried: { kind: 'info', message: 'That failure was already queued again.' },
    unknown_job: { kind: 'error', message: 'That job no longer exists in this version of the app: it cannot run again.' },
  };

  app.get(JOBS_DASHBOARD_PATH, { schema: { hide: true } }, async (request, reply) => {
    const upcoming = opts.scheduler()?.upcoming() ?? [];
    const retried = (request.query as Record<string, unknown>).retried;
    const flash = typeof retried === 'string' && retried in RETRY_MESSAGES ? RETRY_MESSAGES[retried as RetryOutcome] : undefined;
    const failed = await opts.failures.list({ limit: 50 });
    return sendPage(
      reply,
      EmbeddedJobsPage({
        user: { name: request.auth!.name, email: request.auth!.email },
        csrfToken: reply.generateCsrf(),
        ...(flash ? { flash } : {}),
        failures: failed.map((f) => ({ id: f.id, job: f.job, queue: f.queue, error: f.error, attempts: f.attempts, failedAt: f.failedAt.toISOString(), payload: JSON.stringify(f.payload) })),
        schedules: upcoming
          .sort((a, b) => a.next.getTime() - b.next.getTime())
          .map(({ schedule, next }) => ({ id: schedule.id, job: schedule.job, pattern: schedule.pattern, description: schedule.description, next: next.toISOString() })),
      }),
    );
  });

  app.post(`${JOBS_DASHBOARD_PATH}/failures/:id/retry`, { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const outcome = UUID_RE.test(id) ? await opts.failures.retry(id) : 'not_found';
    request.log.info({ failureId: id, outcome, by: request.auth!.userId }, 'failed job retry from the dashboard');
    return reply.redirect(`${JOBS_DASHBOARD_PATH}?retried=${outcome}`, 303);
  });
}
