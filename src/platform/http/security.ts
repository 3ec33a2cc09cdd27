/**
 * Browser-facing security: cookies, security headers with a strict CSP, CSRF tokens on every
 * unsafe request that could ride on a cookie, and the rate-limit store (Redis when configured).
 */
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
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

/** The headers every response carries: a strict CSP (no inline script), no framing, no sniffing. */
export function securityHeaders(opts: { secure: boolean; tenantOrigins: string }): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // Forms on the root site redirect to the tenant's subdomain after sign-up and login.
    `form-action 'self' ${opts.tenantOrigins}`,
    "frame-ancestors 'none'",
    ...(opts.secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  return {
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...(opts.secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export const securityPlugin = fp(async (app: FastifyInstance, opts: { config: AppConfig; redis: Redis | null }) => {
  const { config } = opts;
  const secure = config.publicUrl.protocol === 'https:';
  const tenantOrigins = `${config.publicUrl.protocol}//*.${config.publicUrl.host}`;

  await app.register(cookie, { secret: config.secretKey, hook: 'onRequest' });

  // Security headers are the same for every response: computed once here and set with one call per
  // request. (@fastify/helmet rebuilt its middleware and re-parsed the CSP on each request: a fifth of
  // the cost of a trivial route.)
  const headers = securityHeaders({ secure, tenantOrigins });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
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
