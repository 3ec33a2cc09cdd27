/** The tenant's dashboard: the page, its stats card (htmx, refreshed every 30 s) and the stats as JSON. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANY_MEMBER, type TenantRouteGuards } from '../access/index.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppConfig } from '../../platform/config.js';
import { sendFragment, sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { findPlan } from '../billing/index.js';
import type { DataService } from '../data/index.js';
import { type TenantsService } from '../tenants/index.js';
import { DashboardPage, DashboardStats } from './views/dashboard.js';

interface Options {
  config: AppConfig;
  tenants: TenantsService;
  data: DataService;
  tenantRoutes: TenantRouteGuards;
}

const StatsSchema = Type.Object({
  members: Type.Integer(),
  data_items: Type.Integer(),
  plan: Type.String(),
  data_items_limit: Type.Union([Type.Integer(), Type.Null()]),
});

export async function dashboardRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { tenants, data } = opts;

  async function stats(request: FastifyRequest) {
    const tenant = request.tenant!;
    const [members, dataItems] = await Promise.all([tenants.countMembers(tenant.id), data.count(request.tenantDb!)]);
    return { members, dataItems, plan: tenant.plan, planLimitItems: findPlan(tenant.plan)?.limits.dataItems ?? null };
  }

  r.get('/dashboard', { preValidation: opts.tenantRoutes.web(ANY_MEMBER), schema: { hide: true } }, async (request, reply) =>
    sendPage(
      reply,
      DashboardPage({
        ...workspacePageContext(request, reply, opts.config.publicUrl.origin),
      }),
    ),
  );

  r.get('/dashboard/stats', { preValidation: opts.tenantRoutes.web(ANY_MEMBER), schema: { hide: true } }, async (request, reply) =>
    sendFragment(reply, DashboardStats({ stats: await stats(request) })),
  );

  r.get(
    '/api/dashboard/stats',
    {
      preValidation: opts.tenantRoutes.api(ANY_MEMBER),
      schema: { tags: ['dashboard'], summary: "The tenant's headline numbers", security: [{ bearerAuth: [] }], response: { 200: StatsSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => {
      const s = await stats(request);
      return { members: s.members, data_items: s.dataItems, plan: s.plan, data_items_limit: s.planLimitItems };
    },
  );
}
