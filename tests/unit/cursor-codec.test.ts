/**
 * docs/endpoints.md#lists-search-and-filters: a cursor that is edited, extended,
 * or replayed elsewhere is a 400 naming `cursor`, with the message
 * docs/endpoints.md quotes.
 */
import { cursorCodec } from '../../lib/storage/cursor';
import { ConfigError } from '../../lib/domain/errors';

const codec = cursorCodec(['k'.repeat(32)]);
const POSITION = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

const refusal = (decode: () => unknown): { message: string; details: unknown } => {
  try {
    decode();
  } catch (error) {
    const { message, details } = error as { message: string; details: unknown };
    return { message, details };
  }
  throw new Error('the cursor was accepted');
};

describe('a refused cursor', () => {
  it('says what to do, and names the cursor as the field at fault', () => {
    const { message, details } = refusal(() => codec.decode('not-a-cursor', '{}', 'ACTOR'));
    expect(message).toBe('The cursor is invalid: pass next_cursor back unchanged, with the same filters.');
    expect(details).toEqual([{ field: 'cursor', message: expect.stringMatching(/\w/) }]);
  });

  it('is refused the same way when only the filters differ', () => {
    const cursor = codec.encode(POSITION, '{"q":"tom"}', 'ACTOR');
    expect(refusal(() => codec.decode(cursor, '{"q":"tim"}', 'ACTOR')).message).toMatch(/^The cursor is invalid/);
  });

  it('is refused when anything is appended to a cursor this API issued', () => {
    const cursor = codec.encode(POSITION, '{}', 'ACTOR');
    expect(codec.decode(cursor, '{}', 'ACTOR')).toBe(POSITION);
    for (const extended of [`${cursor}.`, `${cursor}.x`, `${cursor}.${cursor}`]) {
      expect(refusal(() => codec.decode(extended, '{}', 'ACTOR')).message).toMatch(/^The cursor is invalid/);
    }
  });

  it('is refused without its signature', () => {
    const [payload] = codec.encode(POSITION, '{}', 'ACTOR').split('.');
    expect(refusal(() => codec.decode(payload!, '{}', 'ACTOR')).message).toMatch(/^The cursor is invalid/);
    expect(refusal(() => codec.decode(`${payload!}.`, '{}', 'ACTOR')).message).toMatch(/^The cursor is invalid/);
  });
});

describe('a cursor codec', () => {
  it('needs a key to sign with (docs/deploying-and-operating.md#deploying-to-aws: CURSOR_KEYS is a list of keys)', () => {
    expect(() => cursorCodec([])).toThrow(ConfigError);
    expect(() => cursorCodec([])).toThrow(/key/);
  });
});

describe('a cursor signature', () => {
  // The codec computes HMAC-SHA256 from two one-shot hashes (lib/storage/cursor.ts says why); these pin it to
  // node:crypto's own HMAC, so cursors issued before that change stay valid. Keys longer than SHA-256's 64-byte
  // block are hashed first (RFC 2104), which the 65- and 200-character keys exercise.
  it.each([
    ['ké', 1],
    ['ké', 32],
    ['ké', 63],
    ['ké', 200],
    // One byte each: a key of exactly the 64-byte block is used as it is, one byte more is hashed first.
    ['k', 64],
    ['k', 65],
  ])('is the first 16 bytes of HMAC-SHA256 over "<list>\\n<payload>", for a key of %j repeated to %i characters', async (unit, length) => {
    const { createHmac } = await import('node:crypto');
    const secret = unit.repeat(length).slice(0, length);
    const cursor = cursorCodec([secret]).encode(POSITION, '{"q":"tom"}', 'ACTOR');
    const [payload, signature] = cursor.split('.') as [string, string];
    const expected = createHmac('sha256', Buffer.from(secret)).update(`ACTOR\n${payload}`).digest().subarray(0, 16).toString('base64url');
    expect(signature).toBe(expected);
  });
});
