/**
 * The onError middleware: every failure leaves as README §5 JSON. Known
 * HttpErrors speak for themselves; DynamoDB capacity and connectivity
 * failures become 503s; everything else is logged and becomes a generic 500
 * so no stack trace, SDK message or table name reaches a client.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../log';
import { HttpError, InternalServerError, ServiceUnavailableError } from './errors';
import { errorResponse } from './responses';

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

/** The Lambda request id: unique per invocation, and the id every log line of the invocation carries. */
export const requestIdOf = (event: APIGatewayProxyEventV2, awsRequestId: string | undefined): string =>
  awsRequestId ?? event.requestContext?.requestId ?? 'unknown';

export const toHttpError = (error: unknown): HttpError => {
  if (error instanceof HttpError) return error;
  if (isDatabaseUnavailable(error)) {
    return new ServiceUnavailableError('The database is busy or unavailable; please retry shortly.', 2);
  }
  return new InternalServerError();
};

export const errorResponder = (): middy.MiddlewareObj<APIGatewayProxyEventV2> => ({
  onError: async (request) => {
    const httpError = toHttpError(request.error);
    const requestId = requestIdOf(request.event, request.context.awsRequestId);
    if (httpError.statusCode >= 500) {
      logger.error('Request failed', { request_id: requestId, status: httpError.statusCode, error: request.error as Error });
    } else if (httpError.statusCode === 401) {
      // The reason (the verifier's error class and message: "wrong audience", "bad signature"…), never the token.
      const cause = httpError.cause as { name?: unknown; message?: unknown } | undefined;
      logger.warn('Access token rejected', {
        request_id: requestId,
        status: 401,
        reason: httpError.message,
        ...(cause === undefined ? {} : { cause: { name: cause.name, message: cause.message } }),
      });
    }
    request.response = errorResponse(httpError, requestId);
  },
});
