import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpError } from './errors';

export type ApiResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse => ({
  statusCode,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/** A strong entity tag for a record's version: clients echo it in `If-Match`. */
const etag = (version: number): string => `"${version}"`;

export const ok = (payload: Record<string, unknown>, headers?: Record<string, string>): ApiResponse =>
  json(200, { success: true, ...payload }, headers);

/** 200 for one record: carries its ETag. */
export const okResource = (key: string, resource: { version: number }): ApiResponse =>
  ok({ [key]: resource }, { ETag: etag(resource.version) });

/**
 * 201 for a new record: carries its ETag and the Location to fetch it from.
 * A replay of an earlier request with the same Idempotency-Key says so.
 */
export const createdResource = (
  key: string,
  resource: { id: string; version: number },
  location: string,
  replayed = false,
): ApiResponse =>
  json(
    201,
    { success: true, [key]: resource },
    { ETag: etag(resource.version), Location: location, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
  );

/** 200 for a restored record: its ETag, the links that could not come back, and whether this is a replay. */
export const restoredResource = (key: string, resource: { version: number }, unrestored: unknown[], replayed: boolean): ApiResponse =>
  ok({ [key]: resource, unrestored_links: unrestored }, { ETag: etag(resource.version), ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) });

export const errorResponse = (error: HttpError, requestId: string): ApiResponse =>
  json(
    error.statusCode,
    {
      success: false,
      error: error.statusCode,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      request_id: requestId,
    },
    error.headers,
  );
