/**
 * Browser-facing security: cookies, security headers with a strict CSP, CSRF tokens on every
 * unsafe request that could ride on a cookie, and the rate-limit store (Redis when configured).
 */
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config.js';
import { isUnsafeMethod } from './request-context.js';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Requests that carry their own credential (a bearer token) cannot be forged by another site. */
function carriesBearer(request: FastifyRequest): boolean {
  return /^bearer\s/i.test(request.headers.authorization ?? '');
}

export function clientKey(request: FastifyRequest): string {
  // Injected requests (tests) may have no socket address.
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}

export const securityPlugin = fp(async (app: FastifyInstance, opts: { config: AppConfig; redis: Redis | null }) => {
  const { config } = opts;
  const secure = config.publicUrl.protocol === 'https:';
  const tenantOrigins = `${config.publicUrl.protocol}//*.${config.publicUrl.host}`;

  await app.register(cookie, { secret: config.secretKey, hook: 'onRequest' });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Forms on the root site redirect to the tenant's subdomain after sign-up and login.
        formAction: ["'self'", tenantOrigins],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });

  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secure ? '__Host-csrf' : 'csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure, signed: true },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
      return (typeof fromBody === 'string' ? fromBody : undefined) ?? (req.headers[CSRF_HEADER] as string | undefined) ?? '';
    },
  });

  // In preHandler, not onRequest: a token in a form body is only parsed by then.
  app.addHook('preHandler', (request, reply, done) => {
    if (!isUnsafeMethod(request) || request.routeOptions.config?.csrf === false || carriesBearer(request)) return done();
    app.csrfProtection(request, reply, done);
  });

  await app.register(rateLimit, {
    global: false,
    ...(opts.redis ? { redis: opts.redis, nameSpace: 'saas:rl:' } : {}),
    keyGenerator: clientKey,
  });
});
