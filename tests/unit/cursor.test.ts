import { cursorCodec, decodeCursor, encodeCursor } from '../../lib/storage/cursor';
import { InvalidCursorError } from '../../lib/domain/errors';

describe('list cursors', () => {
  const query = JSON.stringify({ gender: 'female' });

  it('round-trips a position for the list and query it was issued for', () => {
    expect(decodeCursor(encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', query, 'ACTOR'), query, 'ACTOR')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });

  it('refuses a cursor used with other filters', () => {
    expect(() => decodeCursor(encodeCursor('X', query, 'ACTOR'), '{}', 'ACTOR')).toThrow(InvalidCursorError);
  });

  it('refuses a cursor of another list, even for the same filters', () => {
    expect(() => decodeCursor(encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', '{}', 'ACTOR'), '{}', 'MOVIE')).toThrow(InvalidCursorError);
  });

  it('refuses every single-character change', () => {
    const cursor = encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', query, 'ACTOR');
    for (let i = 0; i < cursor.length; i += 1) {
      const replacement = cursor[i] === 'A' ? 'B' : 'A';
      const tampered = `${cursor.slice(0, i)}${replacement}${cursor.slice(i + 1)}`;
      expect(() => decodeCursor(tampered, query, 'ACTOR')).toThrow(InvalidCursorError);
    }
  });

  it.each(['', 'abc', 'a.b.c', '.', `${Buffer.from('{"p":"x","q":"{}"}').toString('base64url')}.AAAA`])('refuses %j', (cursor) => {
    expect(() => decodeCursor(cursor, '{}', 'ACTOR')).toThrow(InvalidCursorError);
  });
});

describe('cursor key rotation', () => {
  const oldKey = 'o'.repeat(32);
  const newKey = 'n'.repeat(32);

  it('signs with the first key and accepts every listed key, so cursors survive a rotation', () => {
    const before = cursorCodec([oldKey]);
    const during = cursorCodec([newKey, oldKey]);
    const issuedBefore = before.encode('01ARZ3NDEKTSV4RRFFQ69G5FAV', '{}', 'MOVIE');
    expect(during.decode(issuedBefore, '{}', 'MOVIE')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    const issuedDuring = during.encode('01ARZ3NDEKTSV4RRFFQ69G5FAV', '{}', 'MOVIE');
    expect(issuedDuring).toBe(cursorCodec([newKey]).encode('01ARZ3NDEKTSV4RRFFQ69G5FAV', '{}', 'MOVIE'));
  });

  it('refuses cursors of a key once it is dropped from the list', () => {
    const issued = cursorCodec([oldKey]).encode('01ARZ3NDEKTSV4RRFFQ69G5FAV', '{}', 'MOVIE');
    expect(() => cursorCodec([newKey]).decode(issued, '{}', 'MOVIE')).toThrow(InvalidCursorError);
  });
});
