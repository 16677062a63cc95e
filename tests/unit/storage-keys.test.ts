/**
 * Where each item lives (lib/storage/keys.ts): the keys and index partitions
 * every stored item, index query and migration relies on. A changed key
 * strands what earlier versions wrote, so each is pinned exactly.
 */
import { createHash } from 'node:crypto';
import {
  COUNTER_POSITION,
  counterKey,
  deletedKey,
  deletedPartition,
  listPartition,
  recordKey,
  uniqueKey,
  wordKey,
  wordPartition,
} from '../../lib/storage/keys';

const ACTOR = { key: 'ACTOR' } as const;
const MOVIE = { key: 'MOVIE' } as const;
const ID = '01M86WTD96T7T6CKMATQ3ZVNAW';

describe('storage keys', () => {
  it('keys records, words, counters and kept copies under their kind', () => {
    expect(recordKey(ACTOR, ID)).toEqual({ pk: `ACTOR#${ID}` });
    expect(recordKey(MOVIE, ID)).toEqual({ pk: `MOVIE#${ID}` });
    expect(wordKey(ACTOR, 'hanks', ID)).toEqual({ pk: `ACTOR_WORD#hanks#${ID}` });
    expect(counterKey(MOVIE)).toEqual({ pk: 'MOVIE_COUNT' });
    expect(deletedKey(ACTOR, ID)).toEqual({ pk: `ACTOR_DELETED#${ID}` });
  });

  it('names the index partitions: the list, the words, the kept copies', () => {
    expect(listPartition(ACTOR)).toBe('ACTOR');
    expect(wordPartition(MOVIE)).toBe('MOVIE_WORD');
    expect(deletedPartition(MOVIE)).toBe('MOVIE_DELETED');
  });

  it('places the counter after every ULID in the list partition', () => {
    // Crockford base 32's highest character is Z; '~' sorts after it, so newest-first meets the counter first.
    expect(COUNTER_POSITION).toBe('~TOTAL');
    expect(['ZZZZZZZZZZZZZZZZZZZZZZZZZZ', COUNTER_POSITION].sort()).toEqual(['ZZZZZZZZZZZZZZZZZZZZZZZZZZ', '~TOTAL']);
  });

  describe('uniqueKey', () => {
    it('is the compared text itself while DynamoDB can hold it (2,048 bytes)', () => {
      expect(uniqueKey(ACTOR, 'tom hanks')).toEqual({ pk: 'ACTOR_UNIQUE#tom hanks' });
      const longest = 'a'.repeat(2048 - 'ACTOR_UNIQUE#'.length);
      expect(uniqueKey(ACTOR, longest)).toEqual({ pk: `ACTOR_UNIQUE#${longest}` });
    });

    it('hashes, under a prefix of its own, text one byte too long, counting UTF-8 bytes rather than characters', () => {
      const tooLong = 'a'.repeat(2049 - 'ACTOR_UNIQUE#'.length);
      expect(uniqueKey(ACTOR, tooLong)).toEqual({
        pk: `ACTOR_UNIQUE_SHA256#${createHash('sha256').update(tooLong, 'utf8').digest('base64url')}`,
      });
      // 700 three-byte characters: 2,100 bytes, though only 700 characters.
      const wide = 'ぁ'.repeat(700);
      expect(uniqueKey(MOVIE, wide).pk).toBe(`MOVIE_UNIQUE_SHA256#${createHash('sha256').update(wide, 'utf8').digest('base64url')}`);
    });
  });
});
