import { decodeCursor, encodeCursor } from '../../lib/data/cursor';
import { BadRequestError } from '../../lib/http/errors';

describe('list cursors', () => {
  const query = JSON.stringify({ gender: 'female' });

  it('round-trips a position for the query it was issued for', () => {
    expect(decodeCursor(encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', query), query)).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });

  it('refuses a cursor used with other filters', () => {
    expect(() => decodeCursor(encodeCursor('X', query), '{}')).toThrow(BadRequestError);
  });

  it('refuses every single-character change', () => {
    const cursor = encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', query);
    for (let i = 0; i < cursor.length; i += 1) {
      const replacement = cursor[i] === 'A' ? 'B' : 'A';
      const tampered = `${cursor.slice(0, i)}${replacement}${cursor.slice(i + 1)}`;
      expect(() => decodeCursor(tampered, query)).toThrow(BadRequestError);
    }
  });

  it.each(['', 'abc', 'a.b.c', '.', `${Buffer.from('{"p":"x","q":"{}"}').toString('base64url')}.AAAA`])('refuses %j', (cursor) => {
    expect(() => decodeCursor(cursor, '{}')).toThrow(BadRequestError);
  });
});
