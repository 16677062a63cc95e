/**
 * Every error a client can see, by status. The error responder turns any
 * thrown HttpError into the JSON body of docs/endpoints.md#errors; domain errors get their
 * status in lib/http/error-mapping.ts; anything else becomes a 500 whose
 * details stay in the logs.
 */
import { EnsembleError, type FieldIssue } from '../domain/errors';

export type { FieldIssue };

export interface HttpErrorOptions extends ErrorOptions {
  /** One entry per offending field, sent as `details`. */
  details?: FieldIssue[];
  /** Extra response headers this error calls for (`Allow`, `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
}

export abstract class HttpError extends EnsembleError {
  abstract readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly details: FieldIssue[] | undefined;

  constructor(message: string, { details, headers, ...options }: HttpErrorOptions = {}) {
    super(message, options);
    this.details = details;
    this.headers = { ...headers };
  }
}

export class BadRequestError extends HttpError {
  readonly statusCode = 400;
}

/** Why a request was turned away: the AuthRejections metric's dimension, and the request log's `reason`. */
export type AuthRejection = 'missing_token' | 'malformed_header' | 'expired' | 'not_yet_valid' | 'invalid_token';

/**
 * `WWW-Authenticate` has no `error` attribute when the request carried no
 * credentials at all (RFC 6750 §3.1), and `invalid_token` for every other
 * failure.
 */
export class UnauthorizedError extends HttpError {
  readonly statusCode = 401;
  readonly reason: AuthRejection;

  /** `cause`: the verifier's error, logged (never sent) so that an operator can tell the reasons apart. */
  constructor(message: string, { reason, ...options }: HttpErrorOptions & { reason: AuthRejection }) {
    super(message, { ...options, headers: { 'WWW-Authenticate': reason === 'missing_token' ? 'Bearer' : 'Bearer error="invalid_token"' } });
    this.reason = reason;
  }
}

export class ForbiddenError extends HttpError {
  readonly statusCode = 403;
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, { ...options, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' } });
  }
}

/** A request that reached the HTTP API around the stage's CloudFront distribution (lib/http/edge-origin.ts). */
export class NotThroughEdgeError extends HttpError {
  readonly statusCode = 403;
}

export class NotFoundError extends HttpError {
  readonly statusCode = 404;
}

export class MethodNotAllowedError extends HttpError {
  readonly statusCode = 405;
  constructor(method: string, allowed: string[]) {
    super(`Method ${method} is not allowed here; use ${allowed.join(', ')}.`, { headers: { Allow: allowed.join(', ') } });
  }
}

export class ConflictError extends HttpError {
  readonly statusCode = 409;
}

export class PreconditionFailedError extends HttpError {
  readonly statusCode = 412;
}

export class PayloadTooLargeError extends HttpError {
  readonly statusCode = 413;
}

export class UnsupportedMediaTypeError extends HttpError {
  readonly statusCode = 415;
}

export class UnprocessableEntityError extends HttpError {
  readonly statusCode = 422;
}

export class ServiceUnavailableError extends HttpError {
  readonly statusCode = 503;
  constructor(message: string, { retryAfterSeconds = 1, ...options }: HttpErrorOptions & { retryAfterSeconds?: number } = {}) {
    super(message, { ...options, headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}

export class InternalServerError extends HttpError {
  readonly statusCode = 500;
  constructor(options: ErrorOptions = {}) {
    super('Something went wrong on our side; the error has been logged.', options);
  }
}
