/**
 * The one place where an error gets its HTTP status. Domain errors (lib/domain/errors.ts)
 * map one to one; DynamoDB capacity and connectivity failures become 503s;
 * anything else is a generic 500, so no stack trace, SDK message or table
 * name reaches a client. Each mapped error keeps the original as its `cause`
 * for the log.
 */
import {
  DuplicateRecordError,
  InvalidCursorError,
  RecordNotFoundError,
  RuleViolationError,
  StoreBusyError,
  VersionMismatchError,
} from '../domain/errors';
import {
  BadRequestError,
  ConflictError,
  HttpError,
  InternalServerError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from './errors';

const UNAVAILABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalServerError',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** The SDK wraps anything thrown that is not an `Error` of its realm, naming what it wrapped. */
const SDK_WRAPPER = /^AWS SDK error wrapper for (\w+)/;

// Duck-typed, not `instanceof Error`: errors raised inside Node's own modules may come from another realm.
const isDatabaseUnavailable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  const wrapped = typeof message === 'string' ? SDK_WRAPPER.exec(message)?.[1] : undefined;
  return [name, wrapped].some((n) => typeof n === 'string' && UNAVAILABLE_ERRORS.has(n)) || (typeof code === 'string' && NETWORK_CODES.has(code));
};

export const toHttpError = (error: unknown): HttpError => {
  if (error instanceof HttpError) return error;
  const cause = { cause: error };
  if (error instanceof RecordNotFoundError) return new NotFoundError(error.message, cause);
  if (error instanceof DuplicateRecordError) return new ConflictError(error.message, cause);
  if (error instanceof VersionMismatchError) return new PreconditionFailedError(error.message, cause);
  if (error instanceof RuleViolationError) return new UnprocessableEntityError(error.message, { ...cause, details: error.details });
  if (error instanceof InvalidCursorError) return new BadRequestError(error.message, { ...cause, details: error.details });
  if (error instanceof StoreBusyError) {
    return new ServiceUnavailableError(error.message, { ...cause, retryAfterSeconds: error.retryAfterSeconds });
  }
  if (isDatabaseUnavailable(error)) {
    return new ServiceUnavailableError('The database is busy or unavailable; please retry shortly.', { ...cause, retryAfterSeconds: 2 });
  }
  return new InternalServerError(cause);
};
