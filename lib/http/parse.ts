/**
 * Turns raw request parts into typed input, or into the 400/413/415/422
 * errors of docs/endpoints.md#errors with one `details` entry per offending field.
 */
import type * as z from 'zod/mini';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
  type FieldIssue,
} from './errors';

const MAX_BODY_BYTES = 64 * 1024;

const fieldIssues = (error: z.core.$ZodError): FieldIssue[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not a known field' }))
      : [{ field: issue.path.join('.') || '(root)', message: issue.message }],
  );

const parseWith = <S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  fail: (issues: FieldIssue[]) => Error,
): z.output<S> => {
  const result = schema.safeParse(input);
  if (!result.success) throw fail(fieldIssues(result.error));
  return result.data;
};

export const parseQuery = <S extends z.ZodMiniType>(schema: S, query: Record<string, string | undefined> | undefined) =>
  parseWith(schema, query ?? {}, (details) => new BadRequestError('The query string is invalid.', { details }));

export const parsePathParams = <S extends z.ZodMiniType>(schema: S, params: Record<string, string | undefined> | undefined) =>
  parseWith(schema, params ?? {}, (details) => new BadRequestError('The id in the path is malformed.', { details }));

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

export interface RawBody {
  body: unknown;
  isBase64Encoded: boolean;
  contentType: string | undefined;
}

/**
 * Body checks run cheapest and most fundamental first: size, presence, media
 * type, JSON syntax, then the schema. Read-only fields are reported by name
 * before the schema would call them unknown.
 */
export const parseJsonBody = <S extends z.ZodMiniType>(
  schema: S,
  { body, isBase64Encoded, contentType }: RawBody,
  readOnlyFields: readonly string[],
): z.output<S> => {
  // API Gateway sends a string, or null without a body; serverless-offline hands over some JSON
  // bodies already parsed (`false`, say), so anything else is turned back into its JSON text.
  const text =
    body === undefined || body === null
      ? ''
      : typeof body !== 'string'
        ? JSON.stringify(body)
        : isBase64Encoded
          ? Buffer.from(body, 'base64').toString('utf8')
          : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  // A client that forgot the body learns that, whatever Content-Type it sent (or did not send).
  if (text.trim() === '') throw new BadRequestError('The request body is empty; send a JSON object.');
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new UnsupportedMediaTypeError('The request body must be JSON, sent with "Content-Type: application/json".');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UnprocessableEntityError('The request body must be a JSON object.');
  }
  const readOnly = readOnlyFields.filter((field) => Object.hasOwn(parsed, field));
  const writable = Object.fromEntries(Object.entries(parsed).filter(([field]) => !readOnly.includes(field)));
  const result = schema.safeParse(writable);
  const details = [...readOnly.map((field) => ({ field, message: 'is read-only' })), ...(result.success ? [] : fieldIssues(result.error))];
  if (!result.success || details.length > 0) {
    throw new UnprocessableEntityError(
      readOnly.length > 0 ? 'The request body sets fields that only the server can set.' : 'The request body has invalid fields.',
      { details },
    );
  }
  return result.data;
};
