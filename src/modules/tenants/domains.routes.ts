/**
 * Custom domains over HTTP: the page (`/settings/domains`, session cookie), the JSON API
 * (`/api/domains`, bearer token), both for `tenant:manage`, and the reverse proxy's question "may I
 * get a certificate for this host?" (`/internal/domains/allowed`, answers 200 for verified domains only).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppConfig } from '../../platform/config.js';
import { AppError } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { type TenantRouteGuards } from '../access/index.js';
import { MAX_DOMAINS_PER_WORKSPACE, type CustomDomain, type DomainsService } from './domains.service.js';
import { DomainsPage, type DomainsPageProps } from './views/domains-page.js';
import { changeOrigin, memberActor } from './request-actor.js';

interface Options {
  config: AppConfig;
  domains: DomainsService;
  tenantRoutes: TenantRouteGuards;
}

const DomainSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    hostname: Type.String({ description: 'Lower case, without a trailing dot; international names in their punycode (xn--) form.' }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('failed')], {
      description: '`pending`: not checked yet; `verified`: the hostname serves the workspace; `failed`: the last check failed (see `last_error`).',
    }),
    verified_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    last_checked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()], { description: 'Why the last check failed, e.g. "No TXT record found at _saas-verify.app.example.com".' }),
    created_at: Type.String({ format: 'date-time' }),
    dns_records: Type.Array(
      Type.Object({ type: Type.Union([Type.Literal('TXT'), Type.Literal('CNAME')]), name: Type.String(), value: Type.String() }),
      { description: 'Create these at your DNS provider: the TXT record proves control; the CNAME sends visitors to the workspace.' },
    ),
  },
  { $id: 'CustomDomain' },
);

const DomainIdParams = Type.Object({ domainId: Type.String({ maxLength: 100 }) });
const AddDomainBody = Type.Object(
  { hostname: Type.String({ maxLength: 300, description: 'The domain to serve the workspace on, e.g. `app.example.com`.' }) },
  { additionalProperties: false },
);

const toJson = (d: CustomDomain) => ({
  id: d.id,
  hostname: d.hostname,
  status: d.state,
  verified_at: d.verifiedAt?.toISOString() ?? null,
  last_checked_at: d.lastCheckedAt?.toISOString() ?? null,
  last_error: d.lastError,
  created_at: d.createdAt.toISOString(),
  dns_records: [
    { type: 'TXT' as const, name: d.records.txt.name, value: d.records.txt.value },
    { type: 'CNAME' as const, name: d.records.cname.name, value: d.records.cname.target },
  ],
});

/** Success messages after a redirect, by fixed code: nothing from the URL is shown. */
const DONE: Record<string, { kind: 'success' | 'info'; message: string }> = {
  added: { kind: 'success', message: 'Domain added. Create the two DNS records below; we check the TXT record in a moment and again over the next 7 days.' },
  checking: { kind: 'info', message: 'Checking the DNS records now. Reload this page in a minute to see the result.' },
  removed: { kind: 'success', message: 'Domain removed. It no longer leads to this workspace.' },
};

export async function domainsRoutes(app: FastifyInstance, opts: Options) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, domains, tenantRoutes } = opts;
  const api = { tags: ['domains'], security: [{ bearerAuth: [] }] };
  const tenantOf = (request: FastifyRequest) => ({ id: request.tenant!.id, subdomain: request.tenant!.subdomain });

  // ---- JSON API
  r.get(
    '/api/domains',
    {
      preValidation: tenantRoutes.api('tenant:manage'),
      schema: { ...api, summary: "List the workspace's custom domains and the DNS records each needs", response: { 200: Type.Array(DomainSchema), ...problemResponses(401, 403, 404) } },
    },
    async (request) => (await domains.list(tenantOf(request))).map(toJson),
  );

  r.post(
    '/api/domains',
    {
      preValidation: tenantRoutes.api('tenant:manage'),
      schema: {
        ...api,
        summary: 'Add a custom domain',
        description: `Starts a check of its TXT record at once. At most ${MAX_DOMAINS_PER_WORKSPACE} per workspace. Not an IP address, localhost, or an address under ${config.baseDomain} (422).`,
        body: AddDomainBody,
        response: { 201: DomainSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const domain = await domains.add(tenantOf(request), request.body.hostname, changeOrigin(request, 'api'), memberActor(request));
      return reply.code(201).send(toJson(domain));
    },
  );

  r.post(
    '/api/domains/:domainId/verify',
    {
      preValidation: tenantRoutes.api('tenant:manage'),
      schema: {
        ...api,
        summary: "Check a domain's DNS records now",
        description: 'Queues a check (at most one per domain and minute) and answers with the current state; read the domain again for the result. Limited per workspace (429).',
        params: DomainIdParams,
        response: { 202: DomainSchema, ...problemResponses(401, 403, 404, 429) },
      },
    },
    async (request, reply) => reply.code(202).send(toJson(await domains.requestCheck(tenantOf(request), request.params.domainId))),
  );

  r.delete(
    '/api/domains/:domainId',
    {
      preValidation: tenantRoutes.api('tenant:manage'),
      schema: { ...api, summary: 'Remove a custom domain', description: 'It stops leading to the workspace at once.', params: DomainIdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      await domains.remove(tenantOf(request), request.params.domainId, changeOrigin(request, 'api'), memberActor(request));
      return reply.code(204).send(null);
    },
  );

  // ---- Page (plain forms: works without JavaScript)
  async function showDomains(request: FastifyRequest, reply: FastifyReply, extra: Partial<Pick<DomainsPageProps, 'hostnameValue' | 'hostnameError' | 'error' | 'flash'>> = {}, status = 200) {
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      DomainsPage({
        ...workspacePageContext(request, reply, config.publicUrl.origin),
        domains: await domains.list(tenantOf(request)),
        maxDomains: MAX_DOMAINS_PER_WORKSPACE,
        ...extra,
      }),
      status,
    );
  }

  r.get('/settings/domains', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    const flash = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
    return showDomains(request, reply, flash ? { flash: [flash] } : {});
  });

  r.post('/settings/domains', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const hostname = formField(request.body, 'hostname', 300);
    try {
      await domains.add(tenantOf(request), hostname, changeOrigin(request, 'web'), memberActor(request));
    } catch (err) {
      if (err instanceof AppError && err.fields?.hostname) return showDomains(request, reply, { hostnameValue: hostname, hostnameError: err.fields.hostname }, err.status);
      throw err;
    }
    return reply.redirect('/settings/domains?done=added', 303);
  });

  r.post('/settings/domains/:domainId/verify', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true, params: DomainIdParams } }, async (request, reply) => {
    try {
      await domains.requestCheck(tenantOf(request), request.params.domainId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'too_many_requests') {
        if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
        return showDomains(request, reply, { error: err.message }, 429);
      }
      throw err;
    }
    return reply.redirect('/settings/domains?done=checking', 303);
  });

  r.post('/settings/domains/:domainId/remove', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true, params: DomainIdParams } }, async (request, reply) => {
    await domains.remove(tenantOf(request), request.params.domainId, changeOrigin(request, 'web'), memberActor(request));
    return reply.redirect('/settings/domains?done=removed', 303);
  });

  // ---- The reverse proxy's certificate check (Caddy on-demand TLS "ask"): 200 for a verified custom domain, else 404.
  r.get(
    '/internal/domains/allowed',
    { schema: { hide: true, querystring: Type.Object({ domain: Type.Optional(Type.String({ maxLength: 300 })) }) }, config: { rateLimit: { max: 600, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const allowed = await domains.isServedHost(request.query.domain ?? '');
      reply.header('cache-control', 'no-store');
      return reply.code(allowed ? 200 : 404).send({ allowed });
    },
  );
}
