/**
 * `operation()` builds one Lambda handler: the same middy stack for every
 * endpoint, configured with the operation's permission and input schemas.
 *
 * Middleware order matters. `before` hooks run top to bottom; `after` and
 * `onError` hooks run bottom to top, so the error responder (which builds the
 * error response) sits below the header middlewares (which decorate whatever
 * response exists) and above the hooks that throw (auth, input parsing).
 */
import middy from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { authorize } from './authorize';
import type { Permission } from '../auth/permissions';
import { countMetric, logger, withinRequest } from '../log';
import { parseJsonBody, parsePathParams, parseQuery } from './parse';
import { noQuery } from '../validation/schemas';
import { errorResponder, requestIdOf } from './error-responder';
import type { ApiResponse } from './responses';

type Schema = z.ZodMiniType;
type Output<S> = S extends Schema ? z.output<S> : undefined;

export interface OperationInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Lower-cased request headers. */
  headers: Record<string, string | undefined>;
  method: string;
  path: string;
  /** The verified token's subject; undefined on public operations. */
  caller: string | undefined;
  requestId: string;
}

export interface OperationSpec<BS, QS, PS> {
  /** Required permission; omit only for the public endpoints. */
  permission?: Permission;
  body?: BS;
  /**
   * The response is an HTML page (the docs): the Content-Security-Policy
   * directives it needs over the strict defaults (lib/http/docs-page.ts).
   */
  htmlPage?: { contentSecurityPolicy: Record<string, string | false> };
  /** Fields a client may read but not send; named in the 422 rather than called unknown. */
  readOnlyFields?: readonly string[];
  query?: QS;
  params?: PS;
  run: (input: OperationInput<Output<BS>, Output<QS>, Output<PS>>) => Promise<ApiResponse>;
}

/** Authenticated answers are per-caller: no shared cache may keep them. */
const noStore = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResponse> => {
  const addHeader = async (request: middy.Request<APIGatewayProxyEventV2, ApiResponse>) => {
    if (request.response) request.response.headers = { ...request.response.headers, 'Cache-Control': 'no-store' };
  };
  return { after: addHeader, onError: addHeader };
};

/**
 * Why a request was turned away, for the AuthRejections metric. Read from the
 * 401's wording (lib/auth/authorize.ts) so that the auth code stays free of
 * logging; a wording this list does not know counts as `invalid_token`.
 */
const AUTH_REJECTIONS: [RegExp, string][] = [
  [/needs an access token/, 'missing_token'],
  [/Authorization header/, 'malformed_header'],
  [/expired/, 'expired'],
  [/not valid yet/, 'not_yet_valid'],
];

const rejectionReason = (status: number, error: unknown): string =>
  status === 403
    ? 'missing_permission'
    : (AUTH_REJECTIONS.find(([wording]) => wording.test(String((error as Error | undefined)?.message)))?.[1] ?? 'invalid_token');

/**
 * One line per request, written once the response is final (this middleware
 * is first, so its `after` and `onError` run last): the route, the status, how
 * long it took and who asked. Never a header, a query or a body, so never a token.
 */
const requestLog = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResponse> => {
  const started = new WeakMap<object, number>();
  const log = async (request: middy.Request<APIGatewayProxyEventV2, ApiResponse>) => {
    const { event, response } = request;
    const status = response?.statusCode ?? 500;
    const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: unknown } } } }).authorizer?.jwt?.claims;
    const rejected = status === 401 || status === 403;
    const reason = rejected ? rejectionReason(status, request.error) : undefined;
    logger.info('Request', {
      request_id: requestIdOf(event, request.context.awsRequestId),
      route: event.routeKey,
      method: event.requestContext?.http?.method,
      status,
      latency_ms: Math.round(performance.now() - (started.get(request) ?? performance.now())),
      sub: typeof claims?.sub === 'string' ? claims.sub : undefined,
      ...(reason === undefined ? {} : { reason, ...countMetric('AuthRejections', { Reason: reason }) }),
      ...(response?.headers?.['Idempotent-Replayed'] === 'true' ? countMetric('IdempotentReplays') : {}),
    });
  };
  return {
    before: async (request) => {
      started.set(request, performance.now());
    },
    after: log,
    onError: log,
  };
};

/** The middlewares every response goes through, public or not. */
export const responseStack = (permission: Permission | undefined, htmlPage?: OperationSpec<unknown, unknown, unknown>['htmlPage']) => {
  // No header normaliser: payload format 2.0 already lower-cases header names.
  // No CORS middleware: the HTTP API handles CORS (serverless.yml, lib/deploy/cors.cjs).
  const stack: middy.MiddlewareObj<APIGatewayProxyEventV2>[] = [
    requestLog() as middy.MiddlewareObj<APIGatewayProxyEventV2>,
    httpSecurityHeaders({
      // reportingEndpoints would send an empty header: this API has no reporting endpoint.
      reportingEndpoints: false,
      // Every HTML answer but the docs page gets the defaults: default-src 'none', no script at all.
      ...(htmlPage ? { contentSecurityPolicy: htmlPage.contentSecurityPolicy } : {}),
    } as Parameters<typeof httpSecurityHeaders>[0]),
  ];
  if (permission !== undefined) stack.push(noStore() as middy.MiddlewareObj<APIGatewayProxyEventV2>);
  stack.push(errorResponder());
  return stack;
};

export const operation = <BS extends Schema | undefined = undefined, QS extends Schema | undefined = undefined, PS extends Schema | undefined = undefined>(
  spec: OperationSpec<BS, QS, PS>,
) => {
  const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<ApiResponse> => {
    const headers = event.headers ?? {};
    const input = {
      params: spec.params && parsePathParams(spec.params, event.pathParameters),
      query: parseQuery(spec.query ?? noQuery, event.queryStringParameters),
      body:
        spec.body &&
        parseJsonBody(
          spec.body,
          { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
          spec.readOnlyFields ?? [],
        ),
      headers,
      method: event.requestContext.http.method,
      caller: (event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: unknown } } } }).authorizer?.jwt?.claims?.sub as
        | string
        | undefined,
      path: event.rawPath,
      requestId: requestIdOf(event, context.awsRequestId),
    } as OperationInput<Output<BS>, Output<QS>, Output<PS>>;
    // Lets lib/data's audit lines say who wrote what.
    return withinRequest({ request_id: input.requestId, sub: input.caller }, () => spec.run(input));
  };

  const handler = middy<APIGatewayProxyEventV2, ApiResponse>(handle);
  for (const middleware of responseStack(spec.permission, spec.htmlPage)) handler.use(middleware);
  if (spec.permission !== undefined) handler.use(authorize(spec.permission));
  return handler;
};
