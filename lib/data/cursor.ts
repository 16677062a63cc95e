/**
 * Opaque list cursors: a position in one particular query, with an HMAC so
 * that an edited cursor is a 400 rather than a silently different page.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { cursorKey } from '../config';
import { BadRequestError } from '../http/errors';

// Imported once: handing createHmac a string key re-imports it on every call.
const key = createSecretKey(Buffer.from(cursorKey()));

const mac = (payload: string): Buffer => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

/** `query` names the filters the position belongs to; a cursor only continues the query it came from. */
export const encodeCursor = (position: string, query: string): string => {
  const payload = Buffer.from(JSON.stringify({ p: position, q: query })).toString('base64url');
  return `${payload}.${mac(payload).toString('base64url')}`;
};

export const decodeCursor = (cursor: string, query: string): string => {
  const invalid = new BadRequestError('The cursor is invalid: pass next_cursor back unchanged, with the same filters.', [
    { field: 'cursor', message: 'is not a cursor this API issued for this query' },
  ]);
  const [payload, signature, extra] = cursor.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined) throw invalid;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; q?: unknown };
    if (typeof decoded.p === 'string' && decoded.q === query) return decoded.p;
  } catch {
    // fall through to the 400
  }
  throw invalid;
};
