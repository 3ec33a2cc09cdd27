/** The workspace's settings page (/settings/workspace, permission tenant:manage): name and the MFA requirement. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { AppError } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { workspacePageContext } from '../../platform/http/workspace-page.js';
import { type TenantRouteGuards } from '../access/index.js';
import type { TenantsService } from './tenants.service.js';
import { SettingsPage, type SettingsPageProps } from './views/settings-page.js';
import { changeOrigin, memberActor } from './request-actor.js';
import { brandingRoutes, brandingSections, type BrandingOptions } from './branding.routes.js';

interface Options {
  config: AppConfig;
  tenants: TenantsService;
  tenantRoutes: TenantRouteGuards;
  /** Whether a user has a second factor (the auth module knows). */
  hasMfa: (userId: string) => Promise<boolean>;
  /** The Address and Logo sections and their routes (branding.routes.ts). */
  branding?: BrandingOptions;
}

const DONE: Record<string, string> = {
  name: 'The workspace was renamed.',
  'mfa-on': 'Members now need two-factor authentication to open the workspace.',
  'mfa-off': 'Two-factor authentication is no longer required of members.',
  address: 'The workspace moved to this address. The old one redirects here for 30 days.',
  logo: 'The logo was updated.',
  'logo-removed': 'The logo was removed.',
};

export async function settingsRoutes(app: FastifyInstance, opts: Options) {
  const { config, tenants, tenantRoutes } = opts;

  async function showSettings(request: FastifyRequest, reply: FastifyReply, extra: Partial<Pick<SettingsPageProps, 'nameValue' | 'nameError' | 'securityError' | 'flash' | 'addressSection' | 'logoSection'>> = {}, status = 200) {
    const tenant = request.tenant!;
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      SettingsPage({
        ...workspacePageContext(request, reply, config.publicUrl.origin),
        address: tenantOrigin(config, tenant.subdomain),
        requireMfa: tenant.requireMfa,
        viewerHasMfa: await opts.hasMfa(request.auth!.userId),
        ...(opts.branding ? await brandingSections(config, opts.branding.address, request) : {}),
        ...extra,
      }),
      status,
    );
  }

  app.get('/settings/workspace', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    const message = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
    return showSettings(request, reply, message ? { flash: [{ kind: 'success', message }] } : {});
  });

  app.post('/settings/workspace', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const name = formField(request.body, 'name', 500);
    try {
      await tenants.renameTenant(request.tenant!.id, name, changeOrigin(request, 'web'), memberActor(request));
    } catch (err) {
      if (err instanceof AppError && err.fields?.name) return showSettings(request, reply, { nameValue: name, nameError: err.fields.name }, 422);
      throw err;
    }
    return reply.redirect('/settings/workspace?done=name', 303);
  });

  app.post('/settings/workspace/security', { preValidation: tenantRoutes.web('tenant:manage'), schema: { hide: true } }, async (request, reply) => {
    const value = formField(request.body, 'require_mfa', 10);
    if (value !== 'on' && value !== 'off') return showSettings(request, reply, { securityError: 'Choose whether to require it.' }, 422);
    const required = value === 'on';
    // Requiring it without having it would send the person who asked to the setup page at once.
    if (required && !(await opts.hasMfa(request.auth!.userId))) {
      return showSettings(request, reply, { securityError: 'Set up a second factor for your own account first (your account page), then require it of everyone.' }, 409);
    }
    await tenants.setRequireMfa(request.tenant!.id, required, changeOrigin(request, 'web'), memberActor(request));
    return reply.redirect(`/settings/workspace?done=${required ? 'mfa-on' : 'mfa-off'}`, 303);
  });

  if (opts.branding) await app.register(brandingRoutes, { ...opts.branding, config, tenantRoutes, showSettings });
}
