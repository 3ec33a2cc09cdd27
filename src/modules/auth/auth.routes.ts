/** JSON auth endpoints for API clients: token login and logout. (Browser login lives with the tenant pages.) */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { tooManyAttempts, unauthorized } from '../../platform/errors.js';
import { clientInfo } from '../../platform/http/forms.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { AuthGuards } from './auth.guards.js';
import type { AuthService } from './auth.service.js';
import type { PasswordLogin } from './password-login.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { LoginBody, TokenResponse } from './auth.schemas.js';

export const INVALID_CREDENTIALS = 'Invalid email or password';

export async function authRoutes(app: FastifyInstance, opts: { auth: AuthService; login: PasswordLogin; audit: AuditService; guards: AuthGuards }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { auth, login, audit, guards } = opts;

  r.post(
    '/auth/login',
    {
      config: { csrf: false, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for a bearer access token',
        body: LoginBody,
        response: { 200: TokenResponse, ...problemResponses(401, 422, 429) },
      },
    },
    async (request) => {
      const ctx = auditContextOf(request);
      const result = await login.attempt(request.body.email, request.body.password, clientInfo(request), ctx, 'api');
      if (!result.ok && result.reason === 'throttled') throw tooManyAttempts(result.retryAfterSeconds, 'Too many sign-in attempts. Try again later.');
      // One message for a wrong password and an unknown email alike.
      if (!result.ok) throw unauthorized(INVALID_CREDENTIALS);
      const { session } = result;
      const { token, expiresIn } = await auth.accessTokens.issue(session.user.id, session.sessionId);
      await audit.record({ action: 'auth.token', actorUserId: session.user.id, actorEmail: session.user.email, target: { type: 'session', id: session.sessionId } }, ctx);
      return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn };
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { csrf: false },
      preHandler: guards.requireApiUser,
      schema: {
        tags: ['auth'],
        summary: 'Revoke the session behind the bearer token',
        security: [{ bearerAuth: [] }],
        response: { 204: Type.Null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const sessionId = request.auth!.sessionId!;
      await auth.revokeSession(sessionId);
      await audit.record(
        { action: 'auth.logout', actorUserId: request.auth!.userId, actorEmail: request.auth!.email, target: { type: 'session', id: sessionId }, details: { via: 'api' } },
        auditContextOf(request),
      );
      return reply.code(204).send(null);
    },
  );
}
