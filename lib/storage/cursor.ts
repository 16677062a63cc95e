/**
 * Opaque list cursors: a position in one particular list and query, with an
 * HMAC so that an edited cursor, or one carried to another list or other
 * filters, is a 400 rather than a silently different page.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readCursorKeys } from '../config';
import { ConfigError, InvalidCursorError } from '../domain/errors';

export const invalidCursor = (): InvalidCursorError => new InvalidCursorError();

interface CursorCodec {
  /** `query` names the filters the position belongs to, `list` the list; a cursor only continues those. */
  encode(position: string, query: string, list: string): string;
  decode(cursor: string, query: string, list: string): string;
}

/** The first key signs; every key verifies, so a key can be replaced while clients still hold cursors it signed. */
export const cursorCodec = (secrets: string[]): CursorCodec => {
  // Imported once: handing createHmac a string key re-imports it on every call.
  const keys = secrets.map((secret) => createSecretKey(Buffer.from(secret)));
  const [signingKey] = keys;
  if (signingKey === undefined) throw new ConfigError('Cursors need at least one key.');
  // The list is signed with the payload but not carried in it: a cursor names no table.
  const mac = (key: KeyObject, list: string, payload: string): Buffer =>
    createHmac('sha256', key).update(`${list}\n${payload}`).digest().subarray(0, 16);
  return {
    encode: (position, query, list) => {
      const payload = Buffer.from(JSON.stringify({ p: position, q: query })).toString('base64url');
      return `${payload}.${mac(signingKey, list, payload).toString('base64url')}`;
    },
    decode: (cursor, query, list) => {
      const [payload, signature, extra] = cursor.split('.');
      if (payload === undefined || signature === undefined || extra !== undefined) throw invalidCursor();
      const given = Buffer.from(signature, 'base64url');
      const signedByUs = keys.some((key) => {
        const expected = mac(key, list, payload);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!signedByUs) throw invalidCursor();
      try {
        const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; q?: unknown };
        if (typeof decoded.p === 'string' && decoded.q === query) return decoded.p;
      } catch {
        // fall through to the 400
      }
      throw invalidCursor();
    },
  };
};

// Keyed from the configuration on first use, not at import: only the list functions need the keys.
let codec: CursorCodec | undefined;
const instanceCodec = (): CursorCodec => (codec ??= cursorCodec(readCursorKeys()));

export const encodeCursor: CursorCodec['encode'] = (position, query, list) => instanceCodec().encode(position, query, list);
export const decodeCursor: CursorCodec['decode'] = (cursor, query, list) => instanceCodec().decode(cursor, query, list);
