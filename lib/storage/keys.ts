/**
 * Where each item lives: the keys and index partitions of every sort of item
 * a table holds (the table's map is in items.ts). Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import type { RecordKind } from './store';

/** DynamoDB's limit on a partition key. */
const MAX_PARTITION_KEY_BYTES = 2048;

export const recordKey = (kind: Pick<RecordKind, 'key'>, id: string) => ({ pk: `${kind.key}#${id}` });
/**
 * A claim's key is the compared text itself whenever DynamoDB can hold it
 * (2,048 bytes), exactly as before hashing existed, so the claims of
 * records made earlier keep protecting them; only text too long for that,
 * which NFKC can produce from 200 characters, is hashed, under a prefix no
 * plain key can have.
 */
export const uniqueKey = (kind: Pick<RecordKind, 'key'>, key: string) => {
  const plain = `${kind.key}_UNIQUE#${key}`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_PARTITION_KEY_BYTES) return { pk: plain };
  return { pk: `${kind.key}_UNIQUE_SHA256#${createHash('sha256').update(key, 'utf8').digest('base64url')}` };
};
export const wordKey = (kind: Pick<RecordKind, 'key'>, word: string, id: string) => ({ pk: `${kind.key}_WORD#${word}#${id}` });
/** The item holding `total`, the counter of versions before the shards, kept as it was. */
export const counterKey = (kind: Pick<RecordKind, 'key'>) => ({ pk: `${kind.key}_COUNT` });

export const listPartition = (kind: Pick<RecordKind, 'key'>) => kind.key;

export const wordPartition = (kind: Pick<RecordKind, 'key'>) => `${kind.key}_WORD`;

/**
 * The counter's place in the list partition: '~' sorts after every ULID
 * character, so a newest-first query meets the counter before any record.
 */
export const COUNTER_POSITION = '~TOTAL';

export const deletedKey = (kind: Pick<RecordKind, 'key'>, id: string) => ({ pk: `${kind.key}_DELETED#${id}` });
export const deletedPartition = (kind: Pick<RecordKind, 'key'>) => `${kind.key}_DELETED`;
