/** Full page for a normal request, the fragment alone for htmx; both vary on HX-Request so caches keep them apart. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderFragment, renderPage } from '../views/render.js';

export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('vary', 'HX-Request').send(html);
}

export function sendPage(reply: FastifyReply, page: unknown, status = 200): FastifyReply {
  return sendHtml(reply, renderPage(page), status);
}

export function sendFragment(reply: FastifyReply, fragment: unknown, status = 200): FastifyReply {
  return sendHtml(reply, renderFragment(fragment), status);
}

/** Redirect that also works for htmx (HX-Redirect makes htmx do a full navigation). */
export function redirect(request: FastifyRequest, reply: FastifyReply, url: string): FastifyReply {
  if (request.isHtmx) return reply.header('HX-Redirect', url).code(204).send();
  return reply.redirect(url, 303);
}
