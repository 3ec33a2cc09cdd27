/**
 * One error handler for the whole app. Known errors map to their status with a clear message;
 * anything else is a 500 whose detail stays in the log (with the request id), never in the response.
 * JSON (RFC 9457 problem details) for the API, an HTML page for the web.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { renderPage } from '../views/render.js';
import { ErrorPage } from '../views/error-page.js';

export function wantsJson(request: FastifyRequest): boolean {
  const url = request.url;
  if (url.startsWith('/api/') || url === '/api' || url.startsWith('/auth/') || url === '/openapi.json') return true;
  if (request.isHtmx) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Turns any thrown value into a problem a user may see. */
export function toProblem(error: unknown): Problem {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      title: TITLES[error.status] ?? 'Error',
      detail: error.message,
      ...(error.fields ? { errors: error.fields } : {}),
    };
  }
  const fe = error as FastifyError & { validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[] };
  if (fe.validation) {
    const errors: Record<string, string> = {};
    for (const v of fe.validation) {
      const missing = v.params?.missingProperty ?? v.params?.requiredProperties;
      const field = (missing ? String(missing) : (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')) || 'body';
      errors[field] ??= missing ? 'is required' : (v.message ?? 'is invalid');
    }
    const where = fe.validationContext ?? 'body';
    return { status: 422, code: 'validation_failed', title: TITLES[422]!, detail: `Invalid ${where}`, errors };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (status >= 500) return { status, code: 'internal_error', title: TITLES[status] ?? 'Error', detail: 'Something went wrong on our side. It has been logged; please try again.' };
  const detail: Record<string, string> = {
    FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type; send application/json',
    FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large',
    FST_CSRF_MISSING_SECRET: 'Your form session expired. Reload the page and try again.',
    FST_CSRF_INVALID_TOKEN: 'Your form session expired. Reload the page and try again.',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The request body does not match its Content-Length',
  };
  const code = fe.code ?? 'error';
  const isCsrf = code.startsWith('FST_CSRF');
  return {
    status: isCsrf ? 403 : status,
    code: isCsrf ? 'csrf_failed' : code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'invalid_json' : status === 429 ? 'rate_limited' : code.toLowerCase(),
    title: TITLES[isCsrf ? 403 : status] ?? 'Error',
    detail: detail[code] ?? (status === 429 ? 'Too many requests; slow down and retry later' : (fe.message ?? 'Bad request')),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  if (wantsJson(request)) {
    return reply
      .code(problem.status)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: problem.title,
          status: problem.status,
          detail: problem.detail,
          code: problem.code,
          ...(problem.errors ? { errors: problem.errors } : {}),
          request_id: request.id,
        }),
      );
  }
  const html = renderPage(ErrorPage({ status: problem.status, code: problem.code, title: problem.title, message: problem.detail, requestId: String(request.id) }));
  return reply.code(problem.status).header('content-type', 'text/html; charset=utf-8').header('vary', 'HX-Request').send(html);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (error instanceof AppError && error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else if (problem.status !== 404) request.log.info({ code: problem.code, status: problem.status }, problem.detail);
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { status: 404, code: 'not_found', title: 'Not found', detail: 'There is nothing at this address.' }),
  );
}
