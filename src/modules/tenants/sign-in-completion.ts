/**
 * The last step of every browser sign-in (password, passkey, OAuth provider), once the identity is
 * proved and a session exists: the membership check on a tenant's host, the second factor when it
 * is due, and where the browser goes next. One place, so no sign-in method skips a rule.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { appendSetCookies } from '../../platform/http/forms.js';
import { redirect } from '../../platform/http/htmx.js';
import type { AuthService, SignInResult } from '../auth/index.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import type { TenantsService } from './tenants.service.js';

export interface CompleteSignInOptions {
  /** Same-site path to land on (validated by the caller). */
  next: string;
  /** 'due' for a password or an OAuth provider: accounts with MFA give their second factor first. 'done' for a passkey (it is one). */
  secondFactor: 'due' | 'done';
  /** For the audit trail of a refused sign-in. */
  via: 'web' | 'passkey' | 'oauth';
  /** Signing in on the root site to continue on this workspace (an OAuth sign-in started on its page). */
  continueToSubdomain?: string | null;
}

export type SignInOutcome = 'redirected' | 'not_a_member';

const INVITATION_PAGE = '/invitations/accept?';

export function createSignInCompletion(deps: { config: AppConfig; auth: AuthService; audit: AuditService; tenants: TenantsService }) {
  const { config, auth, audit, tenants } = deps;

  const handoffUrl = async (sessionCookie: string, subdomain: string, next = '/dashboard') => {
    const token = await auth.createHandoffToken(sessionCookie);
    return `${tenantOrigin(config, subdomain)}/auth/handoff?token=${encodeURIComponent(token)}&next=${encodeURIComponent(next)}`;
  };

  /**
   * Sends the browser on (the reply is sent when this resolves to 'redirected'). 'not_a_member': on a
   * tenant's host, the account is not one of its members; the session was ended and the caller shows
   * its own message.
   */
  async function completeSignIn(request: FastifyRequest, reply: FastifyReply, session: SignInResult, opts: CompleteSignInOptions): Promise<SignInOutcome> {
    const { next } = opts;
    if (request.tenant) {
      const role = await tenants.getMembershipRole(request.tenant.id, session.user.id);
      // An invitee signs in on the workspace's host to accept, before they are a member.
      if (!role && !next.startsWith(INVITATION_PAGE)) {
        await auth.signOut(session.sessionCookie);
        await audit.record(
          { action: 'auth.login', outcome: 'denied', tenantId: request.tenant.id, actorUserId: session.user.id, actorEmail: session.user.email, details: { via: opts.via, reason: 'not_a_member' } },
          auditContextOf(request),
        );
        return 'not_a_member';
      }
    }
    if (opts.secondFactor === 'due' && (await auth.mfa.isEnabled(session.user.id))) {
      // The session stays half open (it opens nothing but the code page) until /login/mfa.
      await auth.mfa.markPending(session.sessionId, session.user.id);
      appendSetCookies(reply, session.setCookies);
      redirect(request, reply, `/login/mfa?next=${encodeURIComponent(next)}`);
      return 'redirected';
    }
    if (request.tenant) {
      appendSetCookies(reply, session.setCookies);
      redirect(request, reply, next);
      return 'redirected';
    }
    // Root site: go straight to the workspace asked for or the only one, or let the user pick.
    const memberOf = await tenants.listTenantsForUser(session.user.id);
    const target = memberOf.find((t) => t.subdomain === opts.continueToSubdomain) ?? (memberOf.length === 1 ? memberOf[0] : undefined);
    if (target) {
      // The workspace's host gets its own session through the hand-off; the root site keeps none.
      redirect(request, reply, await handoffUrl(session.sessionCookie, target.subdomain, next));
      return 'redirected';
    }
    appendSetCookies(reply, session.setCookies);
    redirect(request, reply, '/workspaces');
    return 'redirected';
  }

  return { completeSignIn, handoffUrl };
}

export type SignInCompletion = ReturnType<typeof createSignInCompletion>;
