import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Cryptographically random numbers in [0, 1) for ulid, served from a pool
 * refilled 4 KiB at a time: ulid draws one number per character, and one
 * `crypto` call per character costs ~5 µs, ~80 µs an id.
 */
const pool = new Uint8Array(4096);
let next = pool.length;
const pooledRandom = (): number => {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  // ulid keeps the top five bits (Math.floor(n * 32)), so a byte / 256 is uniform over its alphabet.
  return (pool[next++] ?? 0) / 256;
};

/**
 * New record ids: ULIDs, sortable by creation. One monotonic factory per
 * function instance, so ids made in the same millisecond still sort in the
 * order they were made.
 */
export const newId = monotonicFactory(pooledRandom);
