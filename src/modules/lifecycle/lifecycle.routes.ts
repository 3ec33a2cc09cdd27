/**
 * Export and deletion of a workspace. Every route here stays open while the workspace is closed
 * (suspended, or pending deletion): members can always take their data out, and owners can always
 * see and cancel a deletion.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { AppError } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import type { TenantRouteGuards } from '../access/index.js';
import { auditContextOf } from '../audit/index.js';
import { createCurrentPasswordCheck, type AuthService } from '../auth/index.js';
import type { TenantsService } from '../tenants/index.js';
import type { DeletionService } from './deletion.service.js';
import { exportFileName, type Actor, type ExportService, type Origin } from './export.service.js';
import { DeletionPage, type DeletionPageProps } from './views/deletion-page.js';
import { ExportPage } from './views/export-page.js';

interface Options {
  config: AppConfig;
  auth: AuthService;
  tenants: TenantsService;
  exporter: ExportService;
  deletion: DeletionService;
  tenantRoutes: TenantRouteGuards;
  throttles: Throttles;
}

const DONE: Record<string, string> = {
  scheduled: 'The workspace is scheduled for deletion. Owners were told by email.',
  cancelled: 'The deletion was cancelled: the workspace is open again.',
};

const CLOSED_TOO = { whileClosed: true } as const;

const actorOf = (request: FastifyRequest): Actor => ({ userId: request.auth!.userId, email: request.auth!.email || null });
const originOf = (request: FastifyRequest, via: 'web' | 'api'): Origin => ({ context: auditContextOf(request), via });

export async function lifecycleRoutes(app: FastifyInstance, opts: Options) {
  const { config, auth, tenants, exporter, deletion, tenantRoutes } = opts;
  const refusePassword = createCurrentPasswordCheck(auth, opts.throttles);

  const pageContext = (request: FastifyRequest, reply: FastifyReply) => workspacePageContext(request, reply, config.publicUrl.origin);

  async function sendArchive(request: FastifyRequest, reply: FastifyReply, via: 'web' | 'api') {
    const includeAudit = request.membership!.permissions.has('audit:read');
    const { fileName, stream } = await exporter.exportForMember(request.tenant!.id, actorOf(request), { includeAudit }, originOf(request, via));
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  }

  // ---- Export

  app.get('/settings/export', { preValidation: tenantRoutes.web('data:read', CLOSED_TOO), schema: { hide: true } }, async (request, reply) => {
    const tenant = request.tenant!;
    const permissions = request.membership!.permissions;
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      ExportPage({
        ...pageContext(request, reply),
        includesAudit: permissions.has('audit:read'),
        deletionScheduledFor: tenant.deletionScheduledFor,
        suspended: tenant.status === 'suspended',
        canManageDeletion: permissions.has('tenant:delete'),
        fileName: exportFileName(tenant.subdomain, new Date()),
      }),
    );
  });

  app.get('/export.zip', { preValidation: tenantRoutes.web('data:read', CLOSED_TOO), schema: { hide: true } }, (request, reply) => sendArchive(request, reply, 'web'));

  app.get(
    '/api/export',
    {
      preValidation: tenantRoutes.api('data:read', CLOSED_TOO),
      schema: {
        tags: ['tenants'],
        summary: "Export the workspace's data",
        description:
          'A ZIP archive: `workspace.json` (everything), one CSV per kind of record, and a README. The audit log is included when the caller may read it. Works while the workspace is suspended or pending deletion.',
        security: [{ bearerAuth: [] }],
        produces: ['application/zip'],
        response: { 200: { description: 'The ZIP archive', type: 'string', format: 'binary' }, 401: { $ref: 'Problem' }, 403: { $ref: 'Problem' } },
      },
    },
    (request, reply) => sendArchive(request, reply, 'api'),
  );

  // ---- Deletion

  async function showDeletion(request: FastifyRequest, reply: FastifyReply, extra: Pick<DeletionPageProps, 'confirmValue' | 'errors' | 'flash'> = {}, status = 200) {
    // Fresh from the database: the page must show the schedule as committed, not a cached copy.
    const tenant = await tenants.requireTenant(request.tenant!.id);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      DeletionPage({
        ...pageContext(request, reply),
        graceDays: deletion.graceDays,
        scheduledFor: tenant.deletionScheduledFor,
        hasPassword: await auth.hasPassword(request.auth!.userId),
        ...extra,
      }),
      status,
    );
  }

  app.get('/settings/workspace/delete', { preValidation: tenantRoutes.web('tenant:delete', CLOSED_TOO), schema: { hide: true } }, async (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    const message = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done]! : undefined;
    return showDeletion(request, reply, message ? { flash: [{ kind: 'success', message }] } : {});
  });

  app.post('/settings/workspace/delete', { preValidation: tenantRoutes.web('tenant:delete', CLOSED_TOO), schema: { hide: true } }, async (request, reply) => {
    const tenant = request.tenant!;
    const confirm = formField(request.body, 'confirm', 200);
    // The address first: a slip there must not count as a wrong password.
    const problem = deletion.checkConfirmation(tenant.subdomain, confirm);
    if (problem) return showDeletion(request, reply, { confirmValue: confirm, errors: { confirm: problem } }, 422);
    const refused = await refusePassword(request, reply);
    if (refused) return showDeletion(request, reply, { confirmValue: confirm, errors: { current_password: refused.error } }, refused.status);
    try {
      await deletion.schedule(tenant.id, confirm, actorOf(request), originOf(request, 'web'));
    } catch (err) {
      // Another owner scheduled it a moment ago: the page shows that schedule.
      if (err instanceof AppError && err.code === 'conflict') return showDeletion(request, reply, {}, 409);
      throw err;
    }
    return reply.redirect('/settings/workspace/delete?done=scheduled', 303);
  });

  app.post('/settings/workspace/delete/cancel', { preValidation: tenantRoutes.web('tenant:delete', CLOSED_TOO), schema: { hide: true } }, async (request, reply) => {
    const cancelled = await deletion.cancel(request.tenant!.id, actorOf(request), originOf(request, 'web'));
    return reply.redirect(cancelled ? '/settings/workspace/delete?done=cancelled' : '/settings/workspace/delete', 303);
  });
}
