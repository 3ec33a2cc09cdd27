/**
 * Who is calling. Credentials are resolved lazily, by the guards a route declares:
 * a bearer token on the API, the session cookie on the web. Deny by default: a route without a guard
 * is public, and only ops and marketing pages are.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../../platform/errors.js';
import type { AuthContext } from '../../platform/http/request-context.js';
import type { AuthService } from './auth.service.js';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  return match ? match[1]! : '';
}

export function createAuthGuards(auth: AuthService) {
  /** Bearer token -> caller; null if absent or invalid (revoked sessions included). */
  async function fromBearer(token: string): Promise<AuthContext | null> {
    const claims = await auth.accessTokens.verify(token);
    if (!claims) return null;
    if (await auth.isSessionRevoked(claims.sessionId)) return null;
    return { userId: claims.userId, email: '', name: '', isSuperAdmin: false, emailVerified: null, via: 'bearer', sessionId: claims.sessionId };
  }

  /** A signed-in session; one still waiting for its second factor counts as signed out (see `mfaPending`). */
  async function fromCookie(request: FastifyRequest): Promise<AuthContext | null> {
    const session = await auth.getSession(request.headers.cookie);
    if (!session || session.mfaPending) return null;
    const { user } = session;
    return { userId: user.id, email: user.email, name: user.name, isSuperAdmin: user.isSuperAdmin, emailVerified: user.emailVerified, via: 'session', sessionId: session.sessionId };
  }

  return {
    /** API routes: a valid bearer token, else 401 (with `WWW-Authenticate`). */
    async requireApiUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (request.auth) return;
      const token = bearerToken(request);
      request.auth = token ? await fromBearer(token) : null;
      if (!request.auth) {
        reply.header('WWW-Authenticate', token === null ? 'Bearer' : 'Bearer error="invalid_token"');
        throw unauthorized(token === null ? 'Authentication required: send Authorization: Bearer <token>' : 'Invalid or expired token');
      }
    },
    /** Web pages: a valid session cookie, else a redirect to the login page (which comes back here). */
    async requireWebUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (request.auth) return;
      request.auth = await fromCookie(request);
      if (!request.auth) {
        const next = encodeURIComponent(request.url);
        // Half signed in (password given, second factor due): back to the code page, not the password form.
        if ((await auth.getSession(request.headers.cookie))?.mfaPending) {
          reply.redirect(`/login/mfa?next=${next}`, 303);
          return reply;
        }
        if (request.isHtmx) {
          reply.header('HX-Redirect', `/login?next=${next}`).code(401).send();
          return reply;
        }
        reply.redirect(`/login?next=${next}`, 303);
        return reply;
      }
    },
    /** Resolves the session if there is one, without requiring it (public pages that greet signed-in users). */
    async optionalWebUser(request: FastifyRequest): Promise<void> {
      if (!request.auth) request.auth = await fromCookie(request);
    },
  };
}
export type AuthGuards = ReturnType<typeof createAuthGuards>;
