/** Reading urlencoded form bodies (never trusted: every field is optional and a string). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from './security.js';

export function formField(body: unknown, name: string, maxLength = 10_000): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' ? text.slice(0, maxLength) : '';
}

/** A same-site path to go back to after login; anything else (absolute URLs, `//host`) falls back. */
export function safeNextPath(next: unknown, fallback = '/dashboard'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  return next;
}

/** Forwards Set-Cookie values produced by the auth library, each as its own header. */
export function appendSetCookies(reply: FastifyReply, setCookies: string[]): void {
  if (setCookies.length === 0) return;
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, ...setCookies]);
}

/** Who is on the other end, for the auth library's session records and limits. */
export function clientInfo(request: FastifyRequest) {
  return { ip: clientKey(request), userAgent: request.headers['user-agent'] ?? '' };
}
