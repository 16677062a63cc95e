/** The domain's record helpers (lib/domain/records.ts): ids in the API's order, and a cast's difference computed once. */
import { linkDifference, setOf, sortedIds, ULID } from '../../lib/domain/records';

describe('record helpers', () => {
  it('sorts ids, and reads no links as none', () => {
    expect(sortedIds(new Set(['B', 'A', 'C']))).toEqual(['A', 'B', 'C']);
    expect(sortedIds(undefined)).toEqual([]);
    expect(setOf(['A', 'A', 'B'])).toEqual(new Set(['A', 'B']));
    expect(setOf(undefined)).toEqual(new Set());
  });

  it('tells who joins and who leaves, each in the order of its own set', () => {
    expect(linkDifference(new Set(['A', 'B', 'C']), new Set(['D', 'C', 'A', 'E']))).toEqual({ joining: ['D', 'E'], leaving: ['B'] });
    expect(linkDifference(new Set(['A']), new Set(['A']))).toEqual({ joining: [], leaving: [] });
  });

  it('knows a ULID: 26 characters of Crockford base 32, nothing around them', () => {
    expect(ULID.test('01M86WTD96T7T6CKMATQ3ZVNAW')).toBe(true);
    expect(ULID.test('01M86WTD96T7T6CKMATQ3ZVNA')).toBe(false);
    expect(ULID.test('01M86WTD96T7T6CKMATQ3ZVNAWX')).toBe(false);
    expect(ULID.test('x01M86WTD96T7T6CKMATQ3ZVNAW')).toBe(false);
    expect(ULID.test('01M86WTD96T7T6CKMATQ3ZVNAI')).toBe(false);
    expect(ULID.test('01m86wtd96t7t6ckmatq3zvnaw')).toBe(false);
  });
});
