/**
 * Every error a client can see. The error responder turns any thrown
 * HttpError into the JSON body of README §5; anything else becomes a 500 whose
 * details stay in the logs.
 */

export interface FieldIssue {
  field: string;
  message: string;
}

export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** Extra response headers this error calls for (`Allow`, `WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string> = {};
  readonly details: FieldIssue[] | undefined;

  constructor(message: string, details?: FieldIssue[], options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

export class BadRequestError extends HttpError {
  readonly statusCode = 400;
}

/**
 * `error` is omitted when the request carried no credentials at all
 * (RFC 6750 §3.1), and is `invalid_token` for every other failure.
 */
export class UnauthorizedError extends HttpError {
  readonly statusCode = 401;
  /** `cause`: the verifier's error, logged (never sent) so that an operator can tell the reasons apart. */
  constructor(message: string, error?: 'invalid_token', cause?: unknown) {
    super(message, undefined, cause === undefined ? undefined : { cause });
    this.headers['WWW-Authenticate'] = error === undefined ? 'Bearer' : `Bearer error="${error}"`;
  }
}

export class ForbiddenError extends HttpError {
  readonly statusCode = 403;
  constructor(message: string) {
    super(message);
    this.headers['WWW-Authenticate'] = 'Bearer error="insufficient_scope"';
  }
}

export class NotFoundError extends HttpError {
  readonly statusCode = 404;
}

export class MethodNotAllowedError extends HttpError {
  readonly statusCode = 405;
  constructor(method: string, allowed: string[]) {
    super(`Method ${method} is not allowed here; use ${allowed.join(', ')}.`);
    this.headers.Allow = allowed.join(', ');
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
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class InternalServerError extends HttpError {
  readonly statusCode = 500;
  constructor() {
    super('Something went wrong on our side; the error has been logged.');
  }
}
