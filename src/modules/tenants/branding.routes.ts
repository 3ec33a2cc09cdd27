/**
 * The workspace's address and logo: the Address and Logo sections of /settings/workspace (permission
 * tenant:manage), `POST /api/tenant/address`, and the public `GET /logo` of a workspace host.
 * Registered by settings.routes.ts, whose page these sections are part of.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import Type from 'typebox';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { AppError, notFound } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { TenantRouteGuards } from '../access/index.js';
import type { AddressService } from './address.service.js';
import { LOGO_TOO_LARGE, logoUrlOf, logoVersion, MAX_LOGO_BYTES, type LogoService } from './logo.service.js';
import { checkSubdomain } from './subdomains.js';
import { changeOrigin, memberActor } from './request-actor.js';
import type { SettingsPageProps } from './views/settings-page.js';

export interface BrandingOptions {
  address: AddressService;
  logo: LogoService;
  /** A one-minute, single-use link that carries the session to a workspace's host (sign-in-completion.ts). */
  handoffUrl: (sessionCookie: string, subdomain: string, next?: string) => Promise<string>;
}

type Sections = Required<Pick<SettingsPageProps, 'addressSection' | 'logoSection'>>;
type ShowSettings = (request: FastifyRequest, reply: FastifyReply, extra: Partial<Pick<SettingsPageProps, 'addressSection' | 'logoSection'>>, status?: number) => Promise<FastifyReply>;

/** What the Address and Logo sections show for the request's workspace. */
export async function brandingSections(config: AppConfig, address: AddressService, request: FastifyRequest): Promise<Sections> {
  const tenant = request.tenant!;
  return {
    addressSection: {
      address: tenantOrigin(config, tenant.subdomain),
      subdomain: tenant.subdomain,
      suffix: `.${config.publicUrl.host}`,
      redirects: await address.listRedirects(tenant.id),
    },
    logoSection: { tenantName: tenant.name, logoUrl: logoUrlOf(tenant), version: tenant.logoUpdatedAt ? logoVersion(tenant.logoUpdatedAt) : null },
  };
}

/** What the upload step read from a multipart body, for the handler (the CSRF check runs in between). */
interface LogoUpload {
  file: Buffer | null;
  problem: { status: number; message: string } | null;
}
const uploads = new WeakMap<FastifyRequest, LogoUpload>();

const MULTIPART_PROBLEMS: Record<string, string> = {
  FST_FILES_LIMIT: 'Upload one image at a time.',
  FST_FIELDS_LIMIT: 'The form sent unexpected fields: reload the page and try again.',
  FST_PARTS_LIMIT: 'The form sent unexpected fields: reload the page and try again.',
};

/**
 * preValidation, after the tenant guards: reads the multipart body (fields into `request.body`, so
 * the CSRF check finds the form's token whatever the order of the parts; the file aside). Limits
 * are small: one file of MAX_LOGO_BYTES, a few short fields. A file over the limit is noted, not thrown,
 * so the page can say so.
 */
async function readLogoUpload(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  const upload: LogoUpload = { file: null, problem: null };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.file.truncated) upload.problem = { status: 413, message: LOGO_TOO_LARGE };
        else if (part.fieldname === 'logo' && !upload.file) upload.file = data;
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('FST_')) throw err;
    upload.problem = { status: code === 'FST_FILES_LIMIT' ? 413 : 400, message: MULTIPART_PROBLEMS[code] ?? 'The upload could not be read: try again.' };
  }
  request.body = fields;
  uploads.set(request, upload);
}

const ChangeAddressBody = Type.Object(
  { subdomain: Type.String({ minLength: 1, maxLength: 100, description: 'The new subdomain (lower-cased); the old one redirects here for 30 days' }) },
  { additionalProperties: false },
);
const AddressChangeSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  subdomain: Type.String(),
  url: Type.String({ description: 'Where the workspace lives now' }),
  previous_subdomain: Type.String(),
  previous_url: Type.String({ description: 'Answers 308 to the same path on `url` until `redirect_expires_at`' }),
  redirect_expires_at: Type.String({ format: 'date-time' }),
});

export async function brandingRoutes(app: FastifyInstance, opts: BrandingOptions & { config: AppConfig; tenantRoutes: TenantRouteGuards; showSettings: ShowSettings }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, address, logo, tenantRoutes, showSettings } = opts;

  // ---- Address
  r.post(
    '/api/tenant/address',
    {
      preValidation: tenantRoutes.api('tenant:manage'),
      schema: {
        tags: ['tenants'],
        security: [{ bearerAuth: [] }],
        summary: "Change the workspace's subdomain",
        description:
          'The old subdomain answers 308 (same method, path and query) to the new one for 30 days, then is free for anyone. A subdomain used by another workspace, or still redirecting to one, is taken (422).',
        body: ChangeAddressBody,
        response: { 200: AddressChangeSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const change = await address.changeSubdomain(request.tenant!.id, request.body.subdomain, changeOrigin(request, 'api'), memberActor(request));
      return {
        id: change.tenant.id,
        name: change.tenant.name,
        subdomain: change.tenant.subdomain,
        url: tenantOrigin(config, change.tenant.subdomain),
        previous_subdomain: change.from,
        previous_url: tenantOrigin(config, change.from),
        redirect_expires_at: change.redirectExpiresAt.toISOString(),
      };
    },
  );

  app.post('/settings/workspace/address', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const subdomain = formField(request.body, 'subdomain', 100).trim().toLowerCase();
    const confirmed = formField(request.body, 'confirm', 10) === 'yes';
    const refuse = async (errors: { subdomain?: string; confirm?: string }) => {
      const sections = await brandingSections(config, address, request);
      return showSettings(request, reply, { ...sections, addressSection: { ...sections.addressSection, value: subdomain, error: errors.subdomain, confirmError: errors.confirm } }, 422);
    };
    if (!confirmed) return refuse({ subdomain: subdomain ? (checkSubdomain(subdomain) ?? undefined) : 'Enter the new subdomain', confirm: 'Confirm that you understand the old address stops working after 30 days' });
    let change;
    try {
      change = await address.changeSubdomain(request.tenant!.id, subdomain, changeOrigin(request, 'web'), memberActor(request));
    } catch (err) {
      if (err instanceof AppError && err.fields?.subdomain) return refuse({ subdomain: err.fields.subdomain });
      throw err;
    }
    // Cookies are host-only: the session goes to the new host through a hand-off link (it signs in there).
    const sessionCookie = (request.headers.cookie ?? '').split(/;\s*/).find((c) => c.includes('session_token=')) ?? '';
    const next = '/settings/workspace?done=address';
    try {
      return reply.redirect(await opts.handoffUrl(sessionCookie, change.tenant.subdomain, next), 303);
    } catch (err) {
      request.log.warn({ err }, 'address change: no hand-off to the new host; the member signs in there');
      return reply.redirect(`${tenantOrigin(config, change.tenant.subdomain)}/login?next=${encodeURIComponent(next)}`, 303);
    }
  });

  // ---- Logo
  const showLogoError = async (request: FastifyRequest, reply: FastifyReply, message: string, status: number) => {
    const sections = await brandingSections(config, address, request);
    return showSettings(request, reply, { ...sections, logoSection: { ...sections.logoSection, error: message } }, status);
  };

  // Multipart bodies are parsed for this route only (every other route answers 415 to them).
  await app.register(async (scope) => {
    await scope.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: MAX_LOGO_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 100 } });
    scope.post('/settings/workspace/logo', { preValidation: [...tenantRoutes.web('tenant:manage'), readLogoUpload], schema: { hide: true } }, async (request, reply) => {
      const upload = uploads.get(request);
      if (upload?.problem) return showLogoError(request, reply, upload.problem.message, upload.problem.status);
      if (!upload?.file) return showLogoError(request, reply, 'Choose an image file to upload.', 422);
      try {
        await logo.setLogo(request.tenant!.id, upload.file, changeOrigin(request, 'web'), memberActor(request));
      } catch (err) {
        if (err instanceof AppError && err.fields?.logo) return showLogoError(request, reply, err.fields.logo, 422);
        throw err;
      }
      return reply.redirect('/settings/workspace?done=logo', 303);
    });
  });

  app.post('/settings/workspace/logo/remove', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const version = formField(request.body, 'version', 30);
    if (!version) return showLogoError(request, reply, 'Use the Remove button of the logo shown on this page.', 422);
    try {
      await logo.removeLogo(request.tenant!.id, version, changeOrigin(request, 'web'), memberActor(request));
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') return showLogoError(request, reply, err.message, 409);
      throw err;
    }
    return reply.redirect('/settings/workspace?done=logo-removed', 303);
  });

  // Public on a workspace host (its sign-in page shows it), also while it is suspended or pending deletion, like that page.
  app.get('/logo', { schema: { hide: true } }, async (request, reply) => {
    if (!request.tenant) throw notFound('Logo');
    const stored = await logo.getLogo(request.tenant.id);
    if (!stored) throw notFound('Logo');
    const version = logoVersion(stored.updatedAt);
    const asked = (request.query as Record<string, unknown>).v;
    const etag = `"${version}"`;
    reply
      .header('content-security-policy', "default-src 'none'")
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .header('etag', etag)
      .header('cache-control', asked === version ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(stored.contentType).send(Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength));
  });
}
