/** Typed application errors. Services throw them; the HTTP error handler maps code -> status and message. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'mfa_required'
  | 'forbidden'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'tenant_suspended'
  | 'tenant_deletion_pending'
  | 'plan_limit_reached'
  | 'unsupported_media_type'
  | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  mfa_required: 401,
  forbidden: 403,
  /** A member whose role lacks the route's permission. */
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  tenant_suspended: 403,
  tenant_deletion_pending: 403,
  plan_limit_reached: 403,
  unsupported_media_type: 415,
  unavailable: 503,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Field -> message, for forms and 422 problem details. */
    readonly fields?: Record<string, string>,
    /** For 429 and 503: sent as the Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You do not have access to this resource') => new AppError('forbidden', message);
export const unauthorized = (message = 'Authentication required') => new AppError('unauthorized', message);
export const tooManyAttempts = (retryAfterSeconds: number, message = `Too many attempts. Try again in ${describeWait(retryAfterSeconds)}.`) =>
  new AppError('too_many_requests', message, undefined, retryAfterSeconds);

/** "40 seconds", "15 minutes", "1 hour": for messages about waiting. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
export const validationFailed = (fields: Record<string, string>, message = 'Some fields need attention') =>
  new AppError('validation_failed', message, fields);
