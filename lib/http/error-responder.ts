/**
 * The onError middleware: every failure leaves as docs/endpoints.md#errors JSON, with the
 * status lib/http/error-mapping.ts gives it. A 5xx is logged with its cause;
 * a 401 with the verifier's reason, cut short (never the token).
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../log';
import { toHttpError } from './error-mapping';
import { errorResponse, type ApiResponse } from './responses';

/** The Lambda request id: unique per invocation, and the id every log line of the invocation carries. */
export const requestIdOf = (event: APIGatewayProxyEventV2, awsRequestId: string | undefined): string =>
  // A malformed event (a test's, a misconfigured integration's) may lack the request context its type promises.
  awsRequestId ?? (event.requestContext as Partial<APIGatewayProxyEventV2['requestContext']> | undefined)?.requestId ?? 'unknown';

/**
 * The verifier's messages quote the token's own `iss`, `aud` or `kid`, which
 * the sender chooses (up to the 8 KiB a token may have): a log line keeps
 * enough of them to tell the reasons apart, and no more.
 */
const MAX_LOGGED_CAUSE = 200;
const cut = (text: unknown): unknown =>
  typeof text === 'string' && text.length > MAX_LOGGED_CAUSE ? `${text.slice(0, MAX_LOGGED_CAUSE)}…` : text;

export const errorResponder = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResponse> => ({
  onError: (request) => {
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
        ...(cause === undefined ? {} : { cause: { name: cause.name, message: cut(cause.message) } }),
      });
    }
    request.response = errorResponse(httpError, requestId);
  },
});
