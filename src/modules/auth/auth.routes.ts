/** JSON auth endpoints for API clients: token login and logout. (Browser login lives with the tenant pages.) */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError, tooManyAttempts, unauthorized } from '../../platform/errors.js';
import { clientInfo } from '../../platform/http/forms.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { AuthGuards } from './auth.guards.js';
import type { AuthService } from './auth.service.js';
import type { PasswordLogin } from './password-login.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { JwksResponse, LoginBody, RefreshBody, TokenResponse } from './auth.schemas.js';

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
      if (await auth.mfa.isEnabled(session.user.id)) {
        // No token without the second factor: the session the password opened ends unless the code is right.
        const code = request.body.mfa_code;
        if (!code) {
          await auth.revokeSession(session.sessionId);
          throw new AppError('mfa_required', 'This account uses two-factor authentication: send mfa_code (a code from the authenticator app, or a backup code) with the email and password');
        }
        const second = await login.secondFactor(session.user.id, code);
        if (!second.ok) {
          await auth.revokeSession(session.sessionId);
          await audit.record({ action: 'auth.mfa.failed', outcome: 'failure', actorUserId: session.user.id, actorEmail: session.user.email, details: { via: 'api' } }, ctx);
          if (second.retryAfterSeconds > 0) throw tooManyAttempts(second.retryAfterSeconds, 'Too many wrong codes. Try again later.');
          throw unauthorized(INVALID_CREDENTIALS);
        }
        await audit.record({ action: 'auth.mfa.verified', actorUserId: session.user.id, actorEmail: session.user.email, details: { via: 'api', method: second.method } }, ctx);
      }
      const { token, expiresIn } = await auth.accessTokens.issue(session.user.id, session.sessionId);
      const refresh = await auth.refreshTokens.issue(session.user.id, session.sessionId);
      await audit.record({ action: 'auth.token', actorUserId: session.user.id, actorEmail: session.user.email, target: { type: 'session', id: session.sessionId } }, ctx);
      return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn, refresh_token: refresh.token, refresh_expires_in: refresh.expiresIn };
    },
  );

  r.post(
    '/auth/refresh',
    {
      config: { csrf: false, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new access token and refresh token',
        description: 'Each refresh token works once. Presenting one a second time ends its session and every token of it (401).',
        body: RefreshBody,
        response: { 200: TokenResponse, ...problemResponses(401, 422, 429) },
      },
    },
    async (request) => {
      const result = await auth.refreshTokens.rotate(request.body.refresh_token);
      if (!result.ok) {
        if (result.reason === 'reused') {
          await auth.revokeSession(result.sessionId);
          await audit.record(
            { action: 'auth.token.reuse', outcome: 'denied', actorUserId: result.userId, target: { type: 'session', id: result.sessionId }, details: { family: result.familyId } },
            auditContextOf(request),
          );
        }
        throw unauthorized('Invalid or expired refresh token');
      }
      const { token, expiresIn } = await auth.accessTokens.issue(result.userId, result.sessionId);
      return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn, refresh_token: result.refreshToken, refresh_expires_in: result.refreshExpiresIn };
    },
  );

  r.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['auth'], summary: 'Public keys that verify access tokens (JWKS)', response: { 200: JwksResponse } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      const { keys } = await auth.accessTokens.jwks();
      return { keys: keys.map((k) => ({ kty: String(k.kty), crv: String(k.crv), x: String(k.x), kid: String(k.kid), alg: String(k.alg), use: String(k.use) })) };
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
