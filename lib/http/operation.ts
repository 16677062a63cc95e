/**
 * `operation()` builds one Lambda handler from an entry of the route table
 * (lib/http/route-table.ts): the same middy stack for every endpoint, configured
 * with the entry's permission; the request read and checked as the entry
 * says; and the response the entry names, made from the records the handler
 * returns, presented as the entry's resource (present.ts). So a handler is
 * one call into lib/ whose result it returns as it is.
 *
 * Middleware order matters. `before` hooks run top to bottom; `after` and
 * `onError` hooks run bottom to top, so the error responder (which builds the
 * error response) sits below the header middlewares (which decorate whatever
 * response exists) and above the hooks that throw (auth, input parsing).
 */
import middy from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { authorize } from './authorize';
import { requireEdgeOrigin } from './edge-origin';
import type { Permission } from '../auth/permissions';
import type { DeletedPage, RecordFields, RecordPage, RecordsByKind, Restored } from '../domain/records';
import { countMetric, logger, withinRequest } from '../log';
import { parseJsonBody, parsePathParams, parseQuery } from './parse';
import { noQuery } from '../validation/schemas';
import { errorResponder, requestIdOf } from './error-responder';
import { ForbiddenError, NotThroughEdgeError, UnauthorizedError } from './errors';
import { expectedVersion, idempotencyKey } from './preconditions';
import type { RequestContext } from './request-context';
import { createdResource, ok, okResource, restoredResource, type ApiResponse } from './responses';
import { presenter } from './present';
import type { OperationDefinition, Resource, ResponseKind } from './route-table';

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
  /** The caller's `Idempotency-Key`, as lib/storage takes it; undefined without the header. */
  idempotency: { caller: string; key: string } | undefined;
}

/** What the handler of `D` gets: the request as `D` reads it, and the headers it honours, parsed. */
export type OperationInput<D extends OperationDefinition> = RequestInput<D> &
  (D extends { ifMatch: true } ? IfMatchInput : unknown) &
  (D extends { idempotencyKey: true } ? IdempotencyKeyInput : unknown);

/**
 * What a handler returns for each kind of response (ResponseKind in
 * lib/http/route-table.ts): the service layer's records of the entry's
 * resource `R`, as they come; operation() presents them (present.ts).
 */
interface Results<R extends Resource> {
  record: RecordsByKind[R];
  created: { record: RecordsByKind[R]; replayed: boolean };
  page: RecordPage<RecordsByKind[R]>;
  list: RecordsByKind[R][];
  /** The deleted record. */
  deleted: RecordFields;
  deletedPage: DeletedPage<RecordsByKind[R]>;
  restored: Restored<RecordsByKind[R]> & { replayed: boolean };
  health: { status: 'ok' };
  /** The document's response, from lib/http/static-document.ts. */
  document: ApiResponse;
}

type ResourceOf<D> = D extends { response: { resource: infer R extends Resource } } ? R : never;

/** What the handler of `D` returns; never when the operation only throws. */
export type OperationResult<D extends OperationDefinition> = D extends { response: { kind: infer K extends keyof Results<Resource> } }
  ? Results<ResourceOf<D>>[K]
  : never;

export interface OperationOptions {
  /**
   * The Content-Security-Policy directives an HTML page needs over the strict
   * defaults of @middy/http-security-headers (`false` drops one). Only the
   * docs page has any (lib/http/docs-page.ts); every other answer gets the
   * defaults: default-src 'none', no script at all.
   */
  contentSecurityPolicy?: Record<string, string | false>;
}

type Middleware = middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResponse, Error, RequestContext>;
type Request = middy.Request<APIGatewayProxyEventV2, ApiResponse, Error, RequestContext>;

/** Authenticated answers are per-caller: no shared cache may keep them. */
const noStore = (): Middleware => {
  const addHeader = (request: Request) => {
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
const requestLog = (): Middleware => {
  const started = new WeakMap<object, number>();
  const log = (request: Request) => {
    const { event, response } = request;
    const status = response?.statusCode ?? 500;
    const rejected = status === 401 || status === 403;
    const reason = rejected ? rejectionReason(request.error) : undefined;
    logger.info('Request', {
      request_id: requestIdOf(event, request.context.awsRequestId),
      route: event.routeKey,
      method: event.requestContext.http.method,
      status,
      latency_ms: Math.round(performance.now() - (started.get(request) ?? performance.now())),
      sub: request.context.caller?.sub,
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
  const stack: Middleware[] = [
    requestLog(),
    httpSecurityHeaders({
      // reportingEndpoints would send an empty header: this API has no reporting endpoint.
      reportingEndpoints: false,
      ...(options.contentSecurityPolicy ? { contentSecurityPolicy: options.contentSecurityPolicy } : {}),
    } as Parameters<typeof httpSecurityHeaders>[0]),
  ];
  if (permission !== null) stack.push(noStore());
  stack.push(errorResponder());
  return stack;
};

/** The response of docs/endpoints.md#endpoints-with-examples for a handler's result, its records presented as the entry's resource. */
const respond = (response: ResponseKind, result: unknown): ApiResponse => {
  switch (response.kind) {
    case 'record': {
      const record = result as Results<Resource>['record'];
      return okResource(response.resource, presenter(response.resource)(record));
    }
    case 'created': {
      const { record, replayed } = result as Results<Resource>['created'];
      return createdResource(response.resource, presenter(response.resource)(record), response.location.replace('{id}', record.id), replayed);
    }
    case 'page': {
      const { items, total, nextCursor } = result as Results<Resource>['page'];
      return ok({ [`${response.resource}s`]: items.map(presenter(response.resource)), total, next_cursor: nextCursor });
    }
    case 'list':
      return ok({ [`${response.resource}s`]: (result as Results<Resource>['list']).map(presenter(response.resource)) });
    case 'deleted':
      return ok({ deleted: (result as Results<Resource>['deleted']).id });
    case 'deletedPage': {
      const { items, nextCursor } = result as Results<Resource>['deletedPage'];
      const present = presenter(response.resource);
      return ok({
        [`deleted_${response.resource}s`]: items.map(({ record, ...deleted }) => ({ [response.resource]: present(record), ...deleted })),
        next_cursor: nextCursor,
      });
    }
    case 'restored': {
      const { record, unrestored, replayed } = result as Results<Resource>['restored'];
      return restoredResource(response.resource, presenter(response.resource)(record), unrestored, replayed);
    }
    case 'health':
      return ok(result as Results<Resource>['health']);
    case 'document':
      return result as Results<Resource>['document'];
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
  const handle = async (event: APIGatewayProxyEventV2, context: RequestContext): Promise<ApiResponse> => {
    // A direct invocation (the Lambda console's, say) may carry no headers at all.
    const headers: Record<string, string | undefined> = (event as Partial<APIGatewayProxyEventV2>).headers ?? {};
    const caller = context.caller?.sub;
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
      // Every idempotent operation needs a token, so a key always comes with a caller.
      idempotency: key === undefined || caller === undefined ? undefined : { caller, key },
    } as OperationInput<D>;
    // Lets the audit lines say who wrote what.
    const result = await withinRequest({ request_id: input.requestId, sub: caller }, () => Promise.resolve(run(input)));
    if (definition.response === undefined) throw new TypeError('An operation without a response kind must throw, and this one returned.');
    return respond(definition.response, result);
  };

  const handler = middy<APIGatewayProxyEventV2, ApiResponse, Error, RequestContext>(handle);
  for (const middleware of responseStack(definition.permission, options)) handler.use(middleware);
  // Before the token: a request around the edge is refused whoever sends it.
  handler.use(requireEdgeOrigin());
  if (definition.permission !== null) handler.use(authorize(definition.permission));
  return handler;
};
