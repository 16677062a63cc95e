/**
 * Invokes a handler in this process, as Lambda would for an HTTP API
 * (payload format 2.0) request. The handler talks to the suite's DynamoDB Local.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { lowerCaseNames, parseBody, type Result } from './result';

export interface InvokeRequest {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  token?: string;
  body?: unknown;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export const invoke = async (handler: Handler, request: InvokeRequest = {}): Promise<Result> => {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const method = request.method ?? 'GET';
  const path = request.path ?? '/api/v1/test';
  const event = {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(request.query).toString(),
    headers,
    queryStringParameters: request.query,
    pathParameters: request.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
    },
  } as unknown as APIGatewayProxyEventV2;
  const context = {
    awsRequestId: randomUUID(),
    functionName: 'test',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  const response = (await handler(event, context)) as { statusCode: number; headers: Record<string, string>; body: string };
  return { status: response.statusCode, headers: lowerCaseNames(response.headers), body: parseBody(response.body) };
};
