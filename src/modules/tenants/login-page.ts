/**
 * The login page, as every sign-in route shows it (the form, a failed passkey, a refused member):
 * with the workspace's name on its host, and the "Continue with ..." buttons of the providers
 * turned on. Those flows run on the root site (providers know one redirect URI); a workspace's page
 * asks to come back to it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../platform/config.js';
import { sendPage } from '../../platform/http/htmx.js';
import { OAUTH_PROVIDERS, type AuthService } from '../auth/index.js';
import { LoginPage, type LoginPageProps } from './views/login.js';
import { logoUrlOf } from './logo.service.js';

export type ShowLoginProps = Pick<LoginPageProps, 'email' | 'error' | 'next' | 'flash'>;
export type ShowLogin = (request: FastifyRequest, reply: FastifyReply, props: ShowLoginProps, status?: number) => FastifyReply;

export function createLoginPage(deps: { config: AppConfig; auth: AuthService }): ShowLogin {
  const root = deps.config.publicUrl.origin;
  const providerButtons = (request: FastifyRequest, next: string | undefined) =>
    deps.auth.oauth.enabledProviders().map((id) => {
      const params = new URLSearchParams();
      if (request.tenant) params.set('workspace', request.tenant.subdomain);
      if (next && next !== '/dashboard') params.set('next', next);
      const query = params.size ? `?${params}` : '';
      return { id, name: OAUTH_PROVIDERS[id].name, url: `${root}/auth/oauth/${id}/start${query}` };
    });

  return (request, reply, props, status = 200) =>
    sendPage(
      reply,
      LoginPage({
        csrfToken: reply.generateCsrf(),
        ...props,
        rootUrl: root,
        oauthProviders: providerButtons(request, props.next),
        ...(request.tenant ? { tenantName: request.tenant.name, tenantLogoUrl: logoUrlOf(request.tenant) } : {}),
      }),
      status,
    );
}
