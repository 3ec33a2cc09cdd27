/** The tenant's audit log page (permission `audit:read`: owners and admins): /settings/audit with filters and paging. */
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { sendFragment, sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { type TenantRouteGuards } from '../access/index.js';
import { AUDIT_OUTCOMES, type AuditOutcome } from './actions.js';
import type { AuditFilters, AuditService } from './audit.service.js';
import { AuditPage, AuditResults, type AuditFilterValues } from './views/audit-page.js';

interface Options {
  config: AppConfig;
  audit: AuditService;
  tenantRoutes: TenantRouteGuards;
}

const PER_PAGE = 50;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Query string -> filters; anything malformed is dropped rather than refused (it is a filter form). */
function readFilters(query: Record<string, unknown>): { values: AuditFilterValues; filters: AuditFilters; page: number } {
  const text = (key: string, max: number) => (typeof query[key] === 'string' ? (query[key] as string).trim().slice(0, max) : '');
  const values: AuditFilterValues = {};
  const filters: AuditFilters = {};
  const action = text('action', 100);
  if (/^[a-z_.]+$/.test(action)) values.action = filters.action = action;
  const actor = text('actor', 200);
  if (actor) values.actor = filters.actor = actor;
  const outcome = text('outcome', 20);
  if ((AUDIT_OUTCOMES as readonly string[]).includes(outcome)) {
    values.outcome = outcome;
    filters.outcome = outcome as AuditOutcome;
  }
  const from = text('from', 10);
  if (DAY_RE.test(from) && !Number.isNaN(Date.parse(`${from}T00:00:00Z`))) {
    values.from = from;
    filters.from = new Date(`${from}T00:00:00Z`);
  }
  const to = text('to', 10);
  if (DAY_RE.test(to) && !Number.isNaN(Date.parse(`${to}T00:00:00Z`))) {
    values.to = to;
    filters.to = new Date(`${to}T23:59:59.999Z`);
  }
  const pageNumber = Number(text('page', 6));
  const page = Number.isInteger(pageNumber) && pageNumber >= 1 && pageNumber <= 10_000 ? pageNumber : 1;
  return { values, filters, page };
}

export async function auditRoutes(app: FastifyInstance, opts: Options) {
  const { audit, config, tenantRoutes } = opts;

  app.get('/settings/audit', { preValidation: tenantRoutes.web('audit:read'), schema: { hide: true } }, async (request, reply) => {
    const { values, filters, page } = readFilters(request.query as Record<string, unknown>);
    const result = await request.tenantDb!.read((tx) => audit.listForTenant(tx, filters, page, PER_PAGE));
    const results = { items: result.items, page, hasMore: result.hasMore, filters: values };
    if (request.isHtmx) return sendFragment(reply, AuditResults(results));
    return sendPage(
      reply,
      AuditPage({
        ...results,
        ...workspacePageContext(request, reply, config.publicUrl.origin),
      }),
    );
  });
}
