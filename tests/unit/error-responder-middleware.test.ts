/**
 * The onError middleware (docs/endpoints.md#errors): every failure leaves as the
 * JSON error body with its request id; a 5xx is logged with the error, a 401
 * at WARN with the verifier's reason, and nothing else is logged here.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponder, requestIdOf } from '../../lib/http/error-responder';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../lib/http/errors';
import { logger } from '../../lib/log';

type Logged = { level: 'error' | 'warn'; message: string; fields: Record<string, unknown> };

/** Runs onError as middy would, with the logger's error and warn recorded. */
const respond = async (error: unknown, context: { awsRequestId?: string } = { awsRequestId: 'req-1' }, event: unknown = {}) => {
  const logged: Logged[] = [];
  const saved = { error: logger.error, warn: logger.warn };
  logger.error = (message, fields) => void logged.push({ level: 'error', message, fields: fields ?? {} });
  logger.warn = (message, fields) => void logged.push({ level: 'warn', message, fields: fields ?? {} });
  const request = { event, context, error, response: undefined as unknown } as never as {
    event: APIGatewayProxyEventV2;
    response: { statusCode: number; headers: Record<string, string>; body: string };
  };
  try {
    await errorResponder().onError?.(request as never);
  } finally {
    Object.assign(logger, saved);
  }
  return { response: request.response, body: JSON.parse(request.response.body) as Record<string, unknown>, logged };
};

describe('errorResponder', () => {
  it('answers a client error with the docs/endpoints.md#errors body and logs nothing', async () => {
    const { response, body, logged } = await respond(new NotFoundError('No actor has the id 01ARZ3NDEKTSV4RRFFQ69G5FAV.'));
    expect(response.statusCode).toBe(404);
    expect(body).toEqual({ success: false, error: 404, message: 'No actor has the id 01ARZ3NDEKTSV4RRFFQ69G5FAV.', request_id: 'req-1' });
    expect(logged).toEqual([]);
  });

  it('does not log a 403 either', async () => {
    const { response, logged } = await respond(new ForbiddenError('This action needs the delete:actors permission.'));
    expect(response.statusCode).toBe(403);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer error="insufficient_scope"');
    expect(logged).toEqual([]);
  });

  it('logs an unexpected error with the request id, and tells the client only the generic 500', async () => {
    const failure = new Error('secret table ensemble-prod-actors');
    const { response, body, logged } = await respond(failure);
    expect(response.statusCode).toBe(500);
    expect(body.message).toBe('Something went wrong on our side; the error has been logged.');
    expect(response.body).not.toContain('ensemble-prod');
    expect(logged).toEqual([{ level: 'error', message: 'Request failed', fields: expect.objectContaining({ request_id: 'req-1', status: 500, error: failure }) }]);
  });

  it('logs a 503 as a failure too', async () => {
    const { response, logged } = await respond(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    expect(response.statusCode).toBe(503);
    expect(logged.map(({ level, message, fields }) => [level, message, fields.status])).toEqual([['error', 'Request failed', 503]]);
  });

  it('logs a rejected token at WARN with the verifier’s reason, never the token', async () => {
    const cause = Object.assign(new Error('Audience not allowed: https://other-api'), { name: 'JwtInvalidAudienceError' });
    const { response, logged } = await respond(new UnauthorizedError('The access token is not for this API.', { reason: 'invalid_token', cause }));
    expect(response.statusCode).toBe(401);
    expect(logged).toEqual([
      {
        level: 'warn',
        message: 'Access token rejected',
        fields: {
          request_id: 'req-1',
          status: 401,
          reason: 'The access token is not for this API.',
          cause: { name: 'JwtInvalidAudienceError', message: 'Audience not allowed: https://other-api' },
        },
      },
    ]);
  });

  it("keeps the first 200 characters of a verifier's message, which quotes what the sender chose", async () => {
    const causeOf = async (message: unknown) => {
      const cause = Object.assign(new Error('x'), { name: 'JwtInvalidIssuerError', message });
      const { logged } = await respond(new UnauthorizedError('The access token is not for this API.', { reason: 'invalid_token', cause }));
      return (logged[0]?.fields.cause as { message: unknown }).message;
    };
    const issuer = `Issuer not allowed: ${'i'.repeat(400)}`;
    expect(await causeOf(issuer)).toBe(`${issuer.slice(0, 200)}…`);
    expect(await causeOf(issuer.slice(0, 201))).toBe(`${issuer.slice(0, 200)}…`);
    expect(await causeOf(issuer.slice(0, 200))).toBe(issuer.slice(0, 200));
    expect(await causeOf(42)).toBe(42);
  });

  it('logs a missing token at WARN without a cause', async () => {
    const { logged } = await respond(new UnauthorizedError('The request has no access token.', { reason: 'missing_token' }));
    expect(logged).toEqual([{ level: 'warn', message: 'Access token rejected', fields: { request_id: 'req-1', status: 401, reason: 'The request has no access token.' } }]);
  });

  it('answers with the same request id it logs', async () => {
    const { body, logged } = await respond(new Error('boom'), { awsRequestId: 'lambda-42' });
    expect(body.request_id).toBe('lambda-42');
    expect(logged[0]!.fields.request_id).toBe('lambda-42');
  });
});

describe('requestIdOf', () => {
  const event = (requestId?: string) => (requestId === undefined ? {} : { requestContext: { requestId } }) as APIGatewayProxyEventV2;

  it('is the Lambda request id, which every log line of the invocation carries', () => {
    expect(requestIdOf(event('gateway-1'), 'lambda-1')).toBe('lambda-1');
  });

  it('falls back to the API Gateway request id, then to a placeholder, so request_id is always present', () => {
    expect(requestIdOf(event('gateway-1'), undefined)).toBe('gateway-1');
    const fallback = requestIdOf(event(), undefined);
    expect(typeof fallback).toBe('string');
    expect(fallback).not.toBe('');
  });
});
