/**
 * Probes for orchestrators. `/health` is liveness: the process answers, no dependency is called.
 * `/ready` is readiness: the database answers, migrations are applied, Redis answers when configured.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Deps } from '../../platform/deps.js';

const startedAt = Date.now();
const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

export async function opsRoutes(app: FastifyInstance, opts: { deps: Deps; version: string }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { deps, version } = opts;

  r.get(
    '/health',
    {
      config: { csrf: false },
      schema: {
        tags: ['ops'],
        summary: 'Liveness probe',
        response: { 200: Type.Object({ status: Type.Literal('healthy'), version: Type.String(), uptime_seconds: Type.Number(), timestamp: Type.String() }) },
      },
    },
    async () => ({ status: 'healthy' as const, version, uptime_seconds: Math.round((Date.now() - startedAt) / 1000), timestamp: new Date().toISOString() }),
  );

  const CheckResult = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('failing'), Type.Literal('not_configured')]), detail: Type.Optional(Type.String()) });
  r.get(
    '/ready',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness probe: 503 with the failing check when a dependency is down',
        response: {
          200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), CheckResult) }),
          503: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), CheckResult) }),
        },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, { status: 'ok' | 'failing' | 'not_configured'; detail?: string }> = {};
      const run = async (name: string, fn: () => Promise<string | void>) => {
        try {
          const problem = await withTimeout(fn(), CHECK_TIMEOUT_MS);
          checks[name] = problem ? { status: 'failing', detail: problem } : { status: 'ok' };
        } catch (err) {
          // The message says what failed (refused, timed out), never connection strings.
          checks[name] = { status: 'failing', detail: (err as Error).message.replace(/\/\/[^@\s]*@/g, '//***@') };
        }
      };
      await Promise.all([
        run('database', () => deps.database.ping()),
        run('migrations', async () => {
          const pending = await deps.pendingMigrations();
          return pending.length ? `pending: ${pending.join(', ')} (run saas-cli db migrate)` : undefined;
        }),
        deps.redis ? run('redis', () => deps.redis!.ping().then(() => undefined)) : Promise.resolve((checks.redis = { status: 'not_configured' })),
      ]);
      const ready = Object.values(checks).every((c) => c.status !== 'failing');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
}
