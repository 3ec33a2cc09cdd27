/**
 * The sample resource over HTTP: a JSON API (`/api/data`, bearer token) and an htmx page (`/data`,
 * session cookie). Handlers stay thin: guards establish who and which tenant, the service does the rest.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError } from '../../platform/errors.js';
import { type TenantRouteGuards } from '../access/index.js';
import { formField } from '../../platform/http/forms.js';
import { sendFragment, sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { PageQuery, problemResponses } from '../../platform/http/schemas.js';
import type { DataItem, DataService } from './data.service.js';
import { CreateDataItemBody, DataItemSchema, IdParams, UpdateDataItemBody } from './data.schemas.js';
import { DataCreateForm, DataPage, DataRow, DataRows } from './views/data-page.js';

interface Options {
  config: AppConfig;
  data: DataService;
  tenantRoutes: TenantRouteGuards;
}

const toJson = (item: DataItem) => ({
  id: item.id,
  name: item.name,
  description: item.description,
  created_by: item.createdBy,
  created_at: item.createdAt.toISOString(),
  updated_at: item.updatedAt.toISOString(),
});

export async function dataRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, data, tenantRoutes } = opts;
  const api = { tags: ['data'], security: [{ bearerAuth: [] }] };

  // ---- JSON API
  r.get(
    '/api/data',
    {
      preValidation: tenantRoutes.api('data:read'),
      schema: {
        ...api,
        summary: "List the tenant's items, newest first",
        description: 'Paginated with `page` and `per_page`; a `Link: <...>; rel="next"` header points at the next page when there is one.',
        querystring: PageQuery,
        response: { 200: Type.Array(DataItemSchema), ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 20;
      const result = await data.list(request.tenantDb!, page, perPage);
      if (result.nextPage) reply.header('link', `</api/data?page=${result.nextPage}&per_page=${perPage}>; rel="next"`);
      return result.items.map(toJson);
    },
  );

  r.post(
    '/api/data',
    {
      preValidation: tenantRoutes.api('data:write'),
      schema: { ...api, summary: 'Create an item', body: CreateDataItemBody, response: { 201: DataItemSchema, ...problemResponses(401, 403, 404, 422) } },
    },
    async (request, reply) => {
      const item = await data.create(request.tenantDb!, request.tenant!.plan, request.body, request.auth!.userId);
      return reply.code(201).header('location', `/api/data/${item.id}`).send(toJson(item));
    },
  );

  r.get(
    '/api/data/:id',
    { preValidation: tenantRoutes.api('data:read'), schema: { ...api, summary: 'Get an item', params: IdParams, response: { 200: DataItemSchema, ...problemResponses(401, 403, 404) } } },
    async (request) => toJson(await data.get(request.tenantDb!, request.params.id)),
  );

  r.patch(
    '/api/data/:id',
    {
      preValidation: tenantRoutes.api('data:write'),
      schema: { ...api, summary: 'Update an item', params: IdParams, body: UpdateDataItemBody, response: { 200: DataItemSchema, ...problemResponses(401, 403, 404, 422) } },
    },
    async (request) => toJson(await data.update(request.tenantDb!, request.params.id, request.body)),
  );

  r.put(
    '/api/data/:id',
    {
      preValidation: tenantRoutes.api('data:write'),
      schema: { ...api, summary: 'Replace an item', params: IdParams, body: CreateDataItemBody, response: { 200: DataItemSchema, ...problemResponses(401, 403, 404, 422) } },
    },
    async (request) =>
      toJson(await data.update(request.tenantDb!, request.params.id, { name: request.body.name, description: request.body.description ?? '' })),
  );

  r.delete(
    '/api/data/:id',
    { preValidation: tenantRoutes.api('data:write'), schema: { ...api, summary: 'Delete an item', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } },
    async (request, reply) => {
      await data.remove(request.tenantDb!, request.params.id);
      return reply.code(204).send(null);
    },
  );

  // ---- Page (htmx, works without JavaScript too)
  const pageProps = (request: FastifyRequest, reply: FastifyReply) => workspacePageContext(request, reply, config.publicUrl.origin);

  // The first page is rendered with the page (fast first paint, works without JavaScript); the rest scroll in.
  r.get('/data', { preValidation: tenantRoutes.web('data:read'), schema: { hide: true } }, async (request, reply) => {
    const initial = await data.list(request.tenantDb!, 1);
    return sendPage(reply, DataPage({ ...pageProps(request, reply), initial }));
  });

  r.get('/data/list', { preValidation: tenantRoutes.web('data:read'), schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const page = request.query.page ?? 1;
    const result = await data.list(request.tenantDb!, page, request.query.per_page ?? 20);
    const canWrite = request.membership!.permissions.has('data:write');
    return sendFragment(reply, DataRows({ items: result.items, nextPage: result.nextPage, page, csrfToken: reply.generateCsrf(), canWrite }));
  });

  r.post('/data', { preValidation: tenantRoutes.web('data:write'), schema: { hide: true } }, async (request, reply) => {
    const values = { name: formField(request.body, 'name', 1000), description: formField(request.body, 'description', 10_000) };
    try {
      const item = await data.create(request.tenantDb!, request.tenant!.plan, values, request.auth!.userId);
      if (request.isHtmx) return sendFragment(reply, DataRow({ item, csrfToken: reply.generateCsrf() }), 201);
      return reply.redirect('/data', 303);
    } catch (err) {
      if (!(err instanceof AppError) || (!err.fields && err.code !== 'plan_limit_reached')) throw err;
      const createErrors = err.fields ?? { name: err.message };
      if (request.isHtmx) {
        // The form's errors live outside the swap target: retarget the response to the form.
        reply.header('HX-Retarget', '#data-create-form').header('HX-Reswap', 'outerHTML');
        return sendFragment(reply, DataCreateForm({ csrfToken: reply.generateCsrf(), errors: createErrors, values }), 422);
      }
      const initial = await data.list(request.tenantDb!, 1);
      return sendPage(reply, DataPage({ ...pageProps(request, reply), createErrors, values, initial }), 422);
    }
  });

  r.delete('/data/:id', { preValidation: tenantRoutes.web('data:write'), schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await data.remove(request.tenantDb!, request.params.id);
    return sendFragment(reply, ''); // htmx swaps the row out
  });

  r.post('/data/:id/delete', { preValidation: tenantRoutes.web('data:write'), schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await data.remove(request.tenantDb!, request.params.id);
    return reply.redirect('/data', 303);
  });
}
