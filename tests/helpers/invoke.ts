/**
 * Invokes a handler in this process, as Lambda would for an HTTP API
 * (payload format 2.0) request. The handler talks to the suite's DynamoDB Local.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface InvokeRequest {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  token?: string;
  body?: unknown;
}

export interface InvokeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: any;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export const invoke = async (handler: Handler, request: InvokeRequest = {}): Promise<InvokeResult> => {
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
  let parsed: unknown = response.body;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    // leave non-JSON bodies as text
  }
  return { statusCode: response.statusCode, headers: response.headers, body: parsed };
};

/** Asserts the README §5 error shape and returns the body for further checks. */
export const expectError = (result: { statusCode?: number; status?: number; body: any }, status: number) => {
  expect(result.statusCode ?? result.status).toBe(status);
  expect(result.body).toEqual(
    expect.objectContaining({ success: false, error: status, message: expect.any(String), request_id: expect.any(String) }),
  );
  expect(JSON.stringify(result.body)).not.toMatch(/ensemble-test|stack|Exception|at \w+ \(/);
  return result.body;
};
