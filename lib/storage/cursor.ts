/**
 * Opaque list cursors: a position in one particular list and query, with an
 * HMAC so that an edited cursor, or one carried to another list or other
 * filters, is a 400 rather than a silently different page.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { readCursorKeys } from '../config';
import { ConfigError, InvalidCursorError } from '../domain/errors';

export const invalidCursor = (): InvalidCursorError => new InvalidCursorError();

/** SHA-256's block size: an HMAC key is padded (or first hashed) to it. */
const BLOCK_BYTES = 64;

/** A key as HMAC-SHA256 uses it (RFC 2104): XORed with the inner and outer pads, once. */
interface HmacKey {
  inner: Uint8Array;
  outer: Uint8Array;
}

const hmacKey = (secret: string): HmacKey => {
  const raw = Buffer.from(secret);
  const block = Buffer.alloc(BLOCK_BYTES);
  (raw.length > BLOCK_BYTES ? hash('sha256', raw, 'buffer') : raw).copy(block);
  return { inner: block.map((byte) => byte ^ 0x36), outer: block.map((byte) => byte ^ 0x5c) };
};

/**
 * HMAC-SHA256 from two one-shot hashes. createHmac gives the same bytes (a
 * unit test compares them) but builds a stream object per call: in a list
 * request, where the cursor is signed once among much else, that took about
 * 20 µs of the warm overhead, the one-shot hashes about 10
 * (docs/design-and-limits.md#choices-where-the-spec-is-silent).
 */
const hmacSha256 = (key: HmacKey, message: string): Buffer =>
  hash('sha256', Buffer.concat([key.outer, hash('sha256', Buffer.concat([key.inner, Buffer.from(message)]), 'buffer')]), 'buffer');

interface CursorCodec {
  /** `query` names the filters the position belongs to, `list` the list; a cursor only continues those. */
  encode(position: string, query: string, list: string): string;
  decode(cursor: string, query: string, list: string): string;
}

/** The first key signs; every key verifies, so a key can be replaced while clients still hold cursors it signed. */
export const cursorCodec = (secrets: string[]): CursorCodec => {
  const keys = secrets.map(hmacKey);
  const [signingKey] = keys;
  if (signingKey === undefined) throw new ConfigError('Cursors need at least one key.');
  // The list is signed with the payload but not carried in it: a cursor names no table.
  const mac = (key: HmacKey, list: string, payload: string): Buffer => hmacSha256(key, `${list}\n${payload}`).subarray(0, 16);
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
