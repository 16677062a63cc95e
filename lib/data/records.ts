/**
 * What actors and movies have in common in DynamoDB. Each kind has its own
 * table holding these sorts of item (and Idempotency-Key claims, see
 * idempotency.ts), all keyed by one string `pk`:
 *
 *   <KIND>#<id>                 the record itself; on index gsi1 under
 *                               gsi1pk=<KIND>, gsi1sk=<id> (ULID: newest last)
 *   <KIND>_UNIQUE#<key>         claims a name (or title + date): uniqueness;
 *   <KIND>_UNIQUE_SHA256#<hash> the same, for a key too long for DynamoDB
 *   <KIND>_COUNT#<shard>        one of COUNTER_SHARDS parts of the exact number
 *                               of records, on gsi1 under gsi1pk=<KIND>_COUNT,
 *                               gsi1sk=<shard>; `total` adds them up
 *   <KIND>_COUNT                the single counter of versions before the
 *                               shards: read, never written, part of `total`
 *   <KIND>_WORD#<word>#<id>     one per distinct word of the name or title,
 *                               on gsi1 under gsi1pk=<KIND>_WORD,
 *                               gsi1sk=<word>#<id>: word-prefix search
 *
 * Every write to a record also writes the other items in the same
 * transaction, so they can never disagree.
 */
import { createHash, randomInt } from 'node:crypto';
import { QueryCommand as RawQueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../http/errors';
import { db } from './client';
import { staleRead, type GuardedWrite } from './transact';

export type Kind = 'ACTOR' | 'MOVIE';

/** DynamoDB's limit on a partition key. */
const MAX_PARTITION_KEY_BYTES = 2048;

export interface StoredRecord {
  pk: string;
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export const recordKey = (kind: Kind, id: string) => ({ pk: `${kind}#${id}` });
/**
 * A claim's key is the compared text itself whenever DynamoDB can hold it
 * (2,048 bytes), exactly as before hashing existed, so the claims of
 * records made earlier keep protecting them; only text too long for that,
 * which NFKC can produce from 200 characters, is hashed, under a prefix no
 * plain key can have.
 */
export const uniqueKey = (kind: Kind, key: string) => {
  const plain = `${kind}_UNIQUE#${key}`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_PARTITION_KEY_BYTES) return { pk: plain };
  return { pk: `${kind}_UNIQUE_SHA256#${createHash('sha256').update(key, 'utf8').digest('base64url')}` };
};
export const wordKey = (kind: Kind, word: string, id: string) => ({ pk: `${kind}_WORD#${word}#${id}` });
/** The one counter item of earlier versions; a stage upgraded from them still counts what it holds. */
export const legacyCounterKey = (kind: Kind) => ({ pk: `${kind}_COUNT` });
const counterShardKey = (kind: Kind, shard: string) => ({ pk: `${kind}_COUNT#${shard}` });
const counterPartition = (kind: Kind) => `${kind}_COUNT`;

/**
 * How many items `total` is spread over. On DynamoDB two transactions that
 * write one item conflict, so a single counter would serialise every create
 * and delete of a kind. Each write moves one shard picked at random: with W
 * writers in flight, a write meets another on its shard with a chance of
 * about (W − 1) / COUNTER_SHARDS, under 2 % for 32 writers (the write-scaling
 * bar allows 5 %, and 1,024 shards measured up to 5.1 %). Reading them all is
 * one Query of ~110 KB (about 13.5 read units); README "Limits and scale" has
 * the sums.
 */
export const COUNTER_SHARDS = 2048;

export const listPartition = (kind: Kind) => kind;
export const wordPartition = (kind: Kind) => `${kind}_WORD`;

export const getRecord = async <T extends StoredRecord>(table: string, kind: Kind, id: string): Promise<T | undefined> => {
  const result = await db.send(new GetCommand({ TableName: table, Key: recordKey(kind, id), ConsistentRead: true }));
  return result.Item as T | undefined;
};

/** The exact number of records of a kind: the shards plus the counter of earlier versions. */
export const readTotal = async (table: string, kind: Kind): Promise<number> => {
  const [legacy, shards] = await Promise.all([
    db.send(new GetCommand({ TableName: table, Key: legacyCounterKey(kind), ProjectionExpression: '#total', ExpressionAttributeNames: { '#total': 'total' } })),
    sumOfShards(table, counterPartition(kind)),
  ]);
  return shards + ((legacy.Item?.total as number | undefined) ?? 0);
};

/**
 * The sum of the shards' `total`s. Sent as a plain Query (client-dynamodb's,
 * not the document client's), whose items stay in DynamoDB's wire format:
 * turning 2,048 of them into objects first cost ~100 µs a list.
 */
const sumOfShards = async (table: string, partition: string): Promise<number> => {
  let sum = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(
      new RawQueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :partition',
        ExpressionAttributeValues: { ':partition': { S: partition } },
        ProjectionExpression: '#total',
        ExpressionAttributeNames: { '#total': 'total' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) sum += Number(item.total?.N ?? 0);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return sum;
};

/** The update that adds `delta` to one counter shard, creating it (on the index) if need be. */
export const counterShardUpdate = (table: string, kind: Kind, shard: number, delta: number) => {
  const sortKey = String(shard).padStart(4, '0');
  return {
    TableName: table,
    Key: counterShardKey(kind, sortKey),
    UpdateExpression: 'ADD #total :delta SET gsi1pk = :partition, gsi1sk = :shard',
    ExpressionAttributeNames: { '#total': 'total' },
    ExpressionAttributeValues: { ':delta': delta, ':partition': counterPartition(kind), ':shard': sortKey },
  };
};

/** Moves `total` by `delta` on a shard picked at random (a retry picks afresh). */
const counterMove = (table: string, kind: Kind, delta: 1 | -1): GuardedWrite => ({
  write: { Update: counterShardUpdate(table, kind, randomInt(COUNTER_SHARDS), delta) },
});

/** The identity of a record for uniqueness and search. */
export interface Identity {
  unique: string;
  words: string[];
}

/** Writes that bring a new record's uniqueness claim, count and search words into being. */
export const identityCreated = (
  table: string,
  kind: Kind,
  id: string,
  identity: Identity,
  duplicate: () => ConflictError,
): GuardedWrite[] => [
  uniqueClaim(table, kind, id, identity.unique, duplicate),
  counterMove(table, kind, 1),
  ...identity.words.map((word) => wordPut(table, kind, word, id)),
];

/** Writes that move a record from one identity to another (a rename); nothing when it is unchanged. */
export const identityChanged = (
  table: string,
  kind: Kind,
  id: string,
  before: Identity,
  after: Identity,
  duplicate: () => ConflictError,
): GuardedWrite[] => {
  const writes: GuardedWrite[] = [];
  if (before.unique !== after.unique) {
    writes.push(uniqueRelease(table, kind, id, before.unique), uniqueClaim(table, kind, id, after.unique, duplicate));
  }
  writes.push(
    ...before.words.filter((word) => !after.words.includes(word)).map((word) => wordDelete(table, kind, word, id)),
    ...after.words.filter((word) => !before.words.includes(word)).map((word) => wordPut(table, kind, word, id)),
  );
  return writes;
};

/** Writes that remove every trace of a record's identity. */
export const identityRemoved = (table: string, kind: Kind, id: string, identity: Identity): GuardedWrite[] => [
  uniqueRelease(table, kind, id, identity.unique),
  counterMove(table, kind, -1),
  ...identity.words.map((word) => wordDelete(table, kind, word, id)),
];

const uniqueClaim = (table: string, kind: Kind, id: string, unique: string, duplicate: () => ConflictError): GuardedWrite => ({
  write: {
    Put: {
      TableName: table,
      Item: { ...uniqueKey(kind, unique), record_id: id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: duplicate,
  failsIfFound: () => true,
});

const uniqueRelease = (table: string, kind: Kind, id: string, unique: string): GuardedWrite => ({
  write: {
    Delete: {
      TableName: table,
      Key: uniqueKey(kind, unique),
      ConditionExpression: 'record_id = :id',
      ExpressionAttributeValues: { ':id': id },
    },
  },
  onConditionFailed: staleRead,
});

const wordPut = (table: string, kind: Kind, word: string, id: string): GuardedWrite => ({
  write: {
    Put: {
      TableName: table,
      Item: { ...wordKey(kind, word, id), gsi1pk: wordPartition(kind), gsi1sk: `${word}#${id}`, record_id: id },
    },
  },
});

const wordDelete = (table: string, kind: Kind, word: string, id: string): GuardedWrite => ({
  write: { Delete: { TableName: table, Key: wordKey(kind, word, id) } },
});

/** The condition every write to an existing record carries: nobody changed it since we read it. */
export const unchangedSince = (version: number) => ({
  ConditionExpression: 'version = :readVersion',
  ExpressionAttributeValues: { ':readVersion': version } as Record<string, unknown>,
});

/**
 * The write that changes an existing record: sets (or, for `undefined` and
 * empty sets, removes) the given fields and bumps `version`, provided nobody
 * changed the record since it was read.
 */
export const recordUpdate = (
  table: string,
  kind: Kind,
  record: StoredRecord,
  fields: Record<string, unknown>,
  now: string,
  onChangedMeanwhile: () => Error,
): GuardedWrite => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':readVersion': record.version, ':one': 1, ':now': now };
  const sets = ['version = version + :one', 'updated_at = :now'];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    names[`#${field}`] = field;
    if (value === undefined || (value instanceof Set && value.size === 0)) {
      removes.push(`#${field}`);
    } else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  return {
    write: {
      Update: {
        TableName: table,
        Key: recordKey(kind, record.id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'version = :readVersion',
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    },
    onConditionFailed: onChangedMeanwhile,
  };
};

export const recordDelete = (table: string, kind: Kind, record: StoredRecord, onChangedMeanwhile: () => Error): GuardedWrite => ({
  write: {
    Delete: {
      TableName: table,
      Key: recordKey(kind, record.id),
      ...unchangedSince(record.version),
    },
  },
  onConditionFailed: onChangedMeanwhile,
});

export const recordPut = (table: string, record: StoredRecord): GuardedWrite => ({
  write: { Put: { TableName: table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
  onConditionFailed: staleRead,
});
