/**
 * `operation()` builds one Lambda handler from an entry of the route table
 * (lib/http/route-table.ts): the same middy stack for every endpoint, configured
 * with the entry's permission; the request read and checked as the entry
 * says; and the response the entry names, made from what the handler
 * returns. So a handler holds only its call into lib/ and what that returns.
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
import { requireEdgeOrigin } from './edge-origin';
import type { Permission } from '../auth/permissions';
import { countMetric, logger, withinRequest } from '../log';
import { parseJsonBody, parsePathParams, parseQuery } from './parse';
import { noQuery } from '../validation/schemas';
import { errorResponder, requestIdOf } from './error-responder';
import { ForbiddenError, NotThroughEdgeError, UnauthorizedError } from './errors';
import { expectedVersion, idempotencyKey } from './preconditions';
import { createdResource, ok, okResource, restoredResource, type ApiResponse } from './responses';
import type { OperationDefinition, ResponseKind } from './route-table';

type Output<S, Absent = undefined> = S extends z.ZodMiniType ? z.output<S> : Absent;

interface RequestInput<D extends OperationDefinition> {
  body: Output<D['body']>;
  query: Output<D['query'], z.output<typeof noQuery>>;
  params: Output<D['params']>;
  /** Lower-cased request headers. */
  headers: Record<string, string | undefined>;
  method: string;
  path: string;
  /** The verified token's subject; undefined on public operations. */
  caller: string | undefined;
  requestId: string;
}

interface IfMatchInput {
  /** The version `If-Match` names; undefined without one, or with `*` (the record must merely exist). */
  expectedVersion: number | undefined;
}

interface IdempotencyKeyInput {
  /** The caller's `Idempotency-Key`, as lib/data takes it; undefined without the header. */
  idempotency: { caller: string; key: string } | undefined;
}

/** What the handler of `D` gets: the request as `D` reads it, and the headers it honours, parsed. */
export type OperationInput<D extends OperationDefinition> = RequestInput<D> &
  (D extends { ifMatch: true } ? IfMatchInput : unknown) &
  (D extends { idempotencyKey: true } ? IdempotencyKeyInput : unknown);

/** A record as the API returns it: its ETag is its version. */
interface PresentedRecord {
  id: string;
  version: number;
}

/** What a handler returns for each kind of response (ResponseKind in lib/http/route-table.ts). */
interface Results {
  record: PresentedRecord;
  created: { record: PresentedRecord; replayed: boolean };
  page: { records: unknown[]; total: number | null; nextCursor: string | null };
  list: unknown[];
  /** The id of the deleted record. */
  deleted: string;
  /** Each entry: the record as it was, when and by whom it was deleted. */
  deletedPage: { entries: { record: unknown; deleted_at: string; deleted_by: string | null }[]; nextCursor: string | null };
  restored: { record: PresentedRecord; unrestored: unknown[]; replayed: boolean };
  health: { status: 'ok' };
  /** The document's response, from lib/http/static-document.ts. */
  document: ApiResponse;
}

/** What the handler of `D` returns; never when the operation only throws. */
export type OperationResult<D extends OperationDefinition> = D extends { response: { kind: infer K extends keyof Results } } ? Results[K] : never;

export interface OperationOptions {
  /**
   * The Content-Security-Policy directives an HTML page needs over the strict
   * defaults of @middy/http-security-headers (`false` drops one). Only the
   * docs page has any (lib/http/docs-page.ts); every other answer gets the
   * defaults: default-src 'none', no script at all.
   */
  contentSecurityPolicy?: Record<string, string | false>;
}

/** Authenticated answers are per-caller: no shared cache may keep them. */
const noStore = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResponse> => {
  const addHeader = (request: middy.Request<APIGatewayProxyEventV2, ApiResponse>) => {
    if (request.response) request.response.headers = { ...request.response.headers, 'Cache-Control': 'no-store' };
  };
  return { after: addHeader, onError: addHeader };
};

/** Why a request was turned away, for the AuthRejections metric: the 401 says why, a 403 is always the permission. */
const rejectionReason = (error: unknown): string =>
  error instanceof UnauthorizedError
    ? error.reason
    : error instanceof ForbiddenError
      ? 'missing_permission'
      : error instanceof NotThroughEdgeError
        ? 'not_through_edge'
        : 'invalid_token';

/**
 * One line per request, written once the response is final (this middleware
 * is first, so its `after` and `onError` run last): the route, the status, how
 * long it took and who asked. Never a header, a query or a body, so never a token.
 */
const requestLog = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResponse> => {
  const started = new WeakMap<object, number>();
  const log = (request: middy.Request<APIGatewayProxyEventV2, ApiResponse>) => {
    const { event, response } = request;
    const status = response?.statusCode ?? 500;
    const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: unknown } } } }).authorizer?.jwt?.claims;
    const rejected = status === 401 || status === 403;
    const reason = rejected ? rejectionReason(request.error) : undefined;
    logger.info('Request', {
      request_id: requestIdOf(event, request.context.awsRequestId),
      route: event.routeKey,
      method: event.requestContext.http.method,
      status,
      latency_ms: Math.round(performance.now() - (started.get(request) ?? performance.now())),
      sub: typeof claims?.sub === 'string' ? claims.sub : undefined,
      ...(reason === undefined ? {} : { reason, ...countMetric('AuthRejections', { Reason: reason }) }),
      ...(response?.headers['Idempotent-Replayed'] === 'true' ? countMetric('IdempotentReplays') : {}),
    });
  };
  return {
    before: (request) => {
      started.set(request, performance.now());
    },
    after: log,
    onError: log,
  };
};

/** The middlewares every response goes through, public or not. */
const responseStack = (permission: Permission | null, options: OperationOptions) => {
  // No header normaliser: payload format 2.0 already lower-cases header names.
  // No CORS middleware: the HTTP API handles CORS (serverless.yml, lib/deploy/cors.cjs).
  const stack: middy.MiddlewareObj<APIGatewayProxyEventV2>[] = [
    requestLog() as middy.MiddlewareObj<APIGatewayProxyEventV2>,
    httpSecurityHeaders({
      // reportingEndpoints would send an empty header: this API has no reporting endpoint.
      reportingEndpoints: false,
      ...(options.contentSecurityPolicy ? { contentSecurityPolicy: options.contentSecurityPolicy } : {}),
    } as Parameters<typeof httpSecurityHeaders>[0]),
  ];
  if (permission !== null) stack.push(noStore() as middy.MiddlewareObj<APIGatewayProxyEventV2>);
  stack.push(errorResponder());
  return stack;
};

/** The response of docs/endpoints.md#endpoints-with-examples for a handler's result. */
const respond = (response: ResponseKind, result: unknown): ApiResponse => {
  switch (response.kind) {
    case 'record':
      return okResource(response.resource, result as Results['record']);
    case 'created': {
      const { record, replayed } = result as Results['created'];
      return createdResource(response.resource, record, response.location.replace('{id}', record.id), replayed);
    }
    case 'page': {
      const { records, total, nextCursor } = result as Results['page'];
      return ok({ [`${response.resource}s`]: records, total, next_cursor: nextCursor });
    }
    case 'list':
      return ok({ [`${response.resource}s`]: result });
    case 'deleted':
      return ok({ deleted: result });
    case 'deletedPage': {
      const { entries, nextCursor } = result as Results['deletedPage'];
      return ok({
        [`deleted_${response.resource}s`]: entries.map(({ record, ...deleted }) => ({ [response.resource]: record, ...deleted })),
        next_cursor: nextCursor,
      });
    }
    case 'restored': {
      const { record, unrestored, replayed } = result as Results['restored'];
      return restoredResource(response.resource, record, unrestored, replayed);
    }
    case 'health':
      return ok(result as Results['health']);
    case 'document':
      return result as Results['document'];
  }
};

/**
 * The handler of the operation `definition` (an entry of lib/http/route-table.ts):
 * `run` gets the request as `definition` reads it and returns what its
 * response kind needs.
 */
export const operation = <D extends OperationDefinition>(
  definition: D,
  run: (input: OperationInput<D>) => OperationResult<D> | Promise<OperationResult<D>>,
  options: OperationOptions = {},
) => {
  const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<ApiResponse> => {
    // A direct invocation (the Lambda console's, say) may carry no headers at all.
    const headers: Record<string, string | undefined> = (event as Partial<APIGatewayProxyEventV2>).headers ?? {};
    const caller = (event.requestContext as { authorizer?: { jwt?: { claims?: { sub?: unknown } } } }).authorizer?.jwt?.claims?.sub as
      | string
      | undefined;
    // A request with several faults hears of the first of: path, query, body, headers.
    const params = definition.params && parsePathParams(definition.params, event.pathParameters);
    const query = parseQuery(definition.query ?? noQuery, event.queryStringParameters);
    const body =
      definition.body &&
      parseJsonBody(
        definition.body,
        { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
        definition.readOnlyFields ?? [],
      );
    const key = definition.idempotencyKey ? idempotencyKey(headers) : undefined;
    const input = {
      params,
      query,
      body,
      headers,
      method: event.requestContext.http.method,
      caller,
      path: event.rawPath,
      requestId: requestIdOf(event, context.awsRequestId),
      expectedVersion: definition.ifMatch ? expectedVersion(headers) : undefined,
      // authorize() admits only tokens with a subject, and every idempotent operation needs a token.
      idempotency: key === undefined ? undefined : { caller: caller as string, key },
    } as OperationInput<D>;
    // Lets lib/data's audit lines say who wrote what.
    const result = await withinRequest({ request_id: input.requestId, sub: caller }, () => Promise.resolve(run(input)));
    if (definition.response === undefined) throw new TypeError('An operation without a response kind must throw, and this one returned.');
    return respond(definition.response, result);
  };

  const handler = middy<APIGatewayProxyEventV2, ApiResponse>(handle);
  for (const middleware of responseStack(definition.permission, options)) handler.use(middleware);
  // Before the token: a request around the edge is refused whoever sends it.
  handler.use(requireEdgeOrigin());
  if (definition.permission !== null) handler.use(authorize(definition.permission));
  return handler;
};
