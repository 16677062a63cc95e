/**
 * What actors and movies have in common in DynamoDB. Each kind has its own
 * table holding these sorts of item (and Idempotency-Key claims, see
 * idempotency.ts), all keyed by one string `pk`:
 *
 *   <KIND>#<id>                 the record itself; on index gsi1 under
 *                               gsi1pk=<KIND>, gsi1sk=<id> (ULID: newest last);
 *                               `unique_pk` is the pk of its claim below
 *   <KIND>_UNIQUE#<key>         claims a name (or title + date): uniqueness;
 *   <KIND>_UNIQUE_SHA256#<hash> the same, for a key too long for DynamoDB
 *   <KIND>_COUNT                `total`: the number of records, kept off the
 *                               request path from the table's stream
 *                               (record-count.ts); on gsi1 under
 *                               gsi1pk=<KIND>, gsi1sk=~TOTAL, after every
 *                               ULID, so the newest-first query of a first
 *                               page reads it with the page, at no extra
 *                               read unit
 *   SEEN#<eventID>              a stream event already counted (record-count.ts)
 *   <KIND>_WORD#<word>#<id>     one per distinct word of the name or title,
 *                               on gsi1 under gsi1pk=<KIND>_WORD,
 *                               gsi1sk=<word>#<id>: word-prefix search; it
 *                               carries all the record's folded `words`, so
 *                               a search can tell from it alone whether
 *                               the record matches (items of earlier
 *                               versions lack them: their record is read)
 *
 * Every write to a record also writes its claim and words in the same
 * transaction, so they can never disagree; the count follows from the stream.
 */
import { createHash } from 'node:crypto';
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DuplicateRecordError, RecordNotFoundError, RuleViolationError, StoreBusyError, VersionMismatchError } from '../domain/errors';
import { MAX_CHANGE_ITEMS } from '../domain/limits';
import { store, type RecordKind } from './store';
import { audit } from '../log';
import { MAX_ATTEMPTS, pause, staleRead, transactWrite, type GuardedWrite } from './transact';

/** DynamoDB's limit on a partition key. */
const MAX_PARTITION_KEY_BYTES = 2048;

export interface StoredRecord {
  pk: string;
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
  /**
   * The key of the record's uniqueness claim, so that a rename or delete
   * releases that very claim whatever the comparison rules are by then.
   * Records of versions before it have none (see heldIdentity).
   */
  unique_pk?: string;
}

/** What a new record is born with besides its own fields: its id and time of creation. */
export interface CreatedRecord {
  id: string;
  created_at: string;
}

export const recordKey = (kind: RecordKind, id: string) => ({ pk: `${kind.key}#${id}` });
/**
 * A claim's key is the compared text itself whenever DynamoDB can hold it
 * (2,048 bytes), exactly as before hashing existed, so the claims of
 * records made earlier keep protecting them; only text too long for that,
 * which NFKC can produce from 200 characters, is hashed, under a prefix no
 * plain key can have.
 */
export const uniqueKey = (kind: RecordKind, key: string) => {
  const plain = `${kind.key}_UNIQUE#${key}`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_PARTITION_KEY_BYTES) return { pk: plain };
  return { pk: `${kind.key}_UNIQUE_SHA256#${createHash('sha256').update(key, 'utf8').digest('base64url')}` };
};
export const wordKey = (kind: RecordKind, word: string, id: string) => ({ pk: `${kind.key}_WORD#${word}#${id}` });
/** The item holding `total`, the counter of versions before the shards, kept as it was. */
export const counterKey = (kind: Pick<RecordKind, 'key'>) => ({ pk: `${kind.key}_COUNT` });

export const listPartition = (kind: Pick<RecordKind, 'key'>) => kind.key;

/**
 * The counter's place in the list partition: '~' sorts after every ULID
 * character, so a newest-first query meets the counter before any record.
 */
export const COUNTER_POSITION = '~TOTAL';

/**
 * The transaction item that moves a counter by `delta`: every write of it
 * (stream consumer, shard fold) also sets its place on gsi1, so a counter an
 * earlier version wrote off the index joins it at its first change.
 */
export const counterUpdate = (table: string, kind: Pick<RecordKind, 'key'>, delta: number) => ({
  TableName: table,
  Key: counterKey(kind),
  UpdateExpression: 'ADD #total :delta SET gsi1pk = :partition, gsi1sk = :position',
  ExpressionAttributeNames: { '#total': 'total' },
  ExpressionAttributeValues: { ':delta': delta, ':partition': listPartition(kind), ':position': COUNTER_POSITION },
});

/** The whole counter item holding `total` (a recount writes it so). */
export const counterItem = (kind: Pick<RecordKind, 'key'>, total: number) => ({
  ...counterKey(kind),
  gsi1pk: listPartition(kind),
  gsi1sk: COUNTER_POSITION,
  total,
});
export const wordPartition = (kind: RecordKind) => `${kind.key}_WORD`;

/** The record with this id, or undefined. */
export const findRecord = async <T extends StoredRecord>(kind: RecordKind, id: string): Promise<T | undefined> => {
  const result = await store().db.send(new GetCommand({ TableName: kind.table, Key: recordKey(kind, id), ConsistentRead: true }));
  return result.Item as T | undefined;
};

/** The record with this id; a RecordNotFoundError when there is none. */
export const readRecord = async <T extends StoredRecord>(kind: RecordKind, id: string): Promise<T> => {
  const record = await findRecord<T>(kind, id);
  if (record === undefined) throw new RecordNotFoundError(`No ${kind.noun} has the id ${id}.`);
  return record;
};

/**
 * The records with these ids (up to 100), in any order; ids with no record
 * are left out. `consistent: false` for search hits, which a later read
 * rechecks anyway.
 */
export const readRecords = async <T extends StoredRecord>(
  kind: RecordKind,
  ids: Iterable<string>,
  consistent = true,
  /** Told the read units DynamoDB charged, when given (a list's read budget). */
  onConsumed?: (units: number) => void,
): Promise<T[]> => {
  const found: T[] = [];
  let pending = [...new Set(ids)].map((id) => recordKey(kind, id));
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt >= MAX_ATTEMPTS) throw new StoreBusyError('The database is busy; please retry shortly.', 2);
    if (attempt > 0) await pause(attempt);
    const result = await store().db.send(
      new BatchGetCommand({
        RequestItems: { [kind.table]: { Keys: pending, ConsistentRead: consistent } },
        ...(onConsumed === undefined ? {} : { ReturnConsumedCapacity: 'TOTAL' }),
      }),
    );
    onConsumed?.((result.ConsumedCapacity ?? []).reduce((sum, consumed) => sum + (consumed.CapacityUnits ?? 0), 0));
    found.push(...((result.Responses?.[kind.table] ?? []) as T[]));
    pending = (result.UnprocessedKeys?.[kind.table]?.Keys ?? []) as { pk: string }[];
  }
  return found;
};

/** How long one function instance reuses a `total` it read: it is eventually consistent anyway (docs/design-and-limits.md#what-total-is). */
const TOTAL_CACHE_MS = 1000;
const cachedTotals = new Map<string, { total: number; readAt: number }>();

const totalCacheKey = (kind: RecordKind) => `${kind.table}|${kind.key}`;

/** Keeps a `total` just read with a first page, so the pages after it within TOTAL_CACHE_MS read none. */
export const rememberTotal = (kind: RecordKind, total: number): void => {
  cachedTotals.set(totalCacheKey(kind), { total, readAt: Date.now() });
};

/**
 * The number of records of a kind, as the stream consumer has counted it
 * (record-count.ts): one eventually consistent GetItem, reused for at most
 * TOTAL_CACHE_MS. A first page needs none: its query reads the counter
 * (pages.ts); this serves the pages after it, and a counter not yet on the
 * index.
 */
export const readTotal = async (kind: RecordKind): Promise<number> => {
  const cached = cachedTotals.get(totalCacheKey(kind));
  if (cached !== undefined && Date.now() - cached.readAt < TOTAL_CACHE_MS) return cached.total;
  const result = await store().db.send(
    new GetCommand({ TableName: kind.table, Key: counterKey(kind), ProjectionExpression: '#total', ExpressionAttributeNames: { '#total': 'total' } }),
  );
  const total = (result.Item?.total as number | undefined) ?? 0;
  rememberTotal(kind, total);
  return total;
};

/** The identity of a record for uniqueness and search. */
export interface Identity {
  /** The compared form of what must be unique (a name; a title and date). */
  unique: string;
  /** What a client sees in the 409 when another record has it. */
  duplicateMessage: string;
  words: string[];
  /** Where its claim is, when a stored record says so; otherwise it follows from `unique`. */
  claimPk?: string;
}

/** The key of the identity's uniqueness claim: what a new record stores as `unique_pk`. */
export const claimPkOf = (kind: RecordKind, identity: Identity): string => identity.claimPk ?? uniqueKey(kind, identity.unique).pk;

/**
 * The identity a stored record holds: its claim where `unique_pk` says, or,
 * for a record of a version before `unique_pk`, the claim and search words
 * that version's rules keyed (`legacy`: docs/endpoints.md#validation-and-limits).
 * Releasing a claim that is not there would fail its condition, which
 * transactWrite takes for a stale read and retries until it gives up.
 */
export const heldIdentity = (record: StoredRecord, current: () => Identity, legacy: () => Identity): Identity =>
  record.unique_pk === undefined ? legacy() : { ...current(), claimPk: record.unique_pk };

/**
 * Where a change takes a record's identity: unchanged when the compared
 * fields are (a record of an earlier version keeps its claim and words as
 * they are), else `next`, with the `unique_pk` the record must store.
 */
export const changedIdentity = (
  kind: RecordKind,
  record: StoredRecord,
  held: Identity,
  renamed: boolean,
  next: () => Identity,
): { identity: Identity; unique_pk: string | undefined } => {
  if (!renamed) return { identity: held, unique_pk: record.unique_pk };
  const identity = next();
  return { identity, unique_pk: claimPkOf(kind, identity) };
};

/** Writes that bring a new record's uniqueness claim and search words into being. */
export const identityCreated = (kind: RecordKind, id: string, identity: Identity): GuardedWrite[] => [
  uniqueClaim(kind, id, identity),
  ...identity.words.map((word) => wordPut(kind, word, id, identity.words)),
];

/**
 * Writes that move a record from one identity to another (a rename); nothing
 * when it is unchanged. When the words change, every word item is rewritten,
 * also those of words kept, since each carries all the record's words: at
 * most 2 × MAX_INDEXED_WORDS items, within the transaction's MAX_CHANGE_ITEMS.
 */
export const identityChanged = (kind: RecordKind, id: string, before: Identity, after: Identity): GuardedWrite[] => {
  const writes: GuardedWrite[] = [];
  if (claimPkOf(kind, before) !== claimPkOf(kind, after)) writes.push(uniqueRelease(kind, id, before), uniqueClaim(kind, id, after));
  if (before.words.join(' ') !== after.words.join(' ')) {
    writes.push(
      ...before.words.filter((word) => !after.words.includes(word)).map((word) => wordDelete(kind, word, id)),
      ...after.words.map((word) => wordPut(kind, word, id, after.words)),
    );
  }
  return writes;
};

/** Writes that remove every trace of a record's identity. */
export const identityRemoved = (kind: RecordKind, id: string, identity: Identity): GuardedWrite[] => [
  uniqueRelease(kind, id, identity),
  ...identity.words.map((word) => wordDelete(kind, word, id)),
];

/**
 * A Put that succeeds only where no item is: a uniqueness claim, and an
 * Idempotency-Key claim (idempotency.ts), which also takes over an expired one.
 * When a conflict cancels the transaction, the claim is read before the retry
 * (transact.ts), so a request that can only fail stops contending for it.
 */
export const claimPut = ({
  table,
  item,
  onTaken,
  expiredBefore,
}: {
  table: string;
  item: Record<string, unknown> & { pk: string };
  /** The error a claim already held means. */
  onTaken: () => Error;
  /** A claim whose `expires_at` is before this (epoch seconds) counts as free. */
  expiredBefore?: number;
}): GuardedWrite => ({
  write: {
    Put: {
      TableName: table,
      Item: item,
      ...(expiredBefore === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now', ExpressionAttributeValues: { ':now': expiredBefore } }),
    },
  },
  onConditionFailed: onTaken,
  claim: {
    table,
    pk: item.pk,
    failsIfFound: (found) => expiredBefore === undefined || (found.expires_at as number) >= expiredBefore,
  },
});

const uniqueClaim = (kind: RecordKind, id: string, identity: Identity): GuardedWrite =>
  claimPut({
    table: kind.table,
    item: { ...uniqueKey(kind, identity.unique), record_id: id },
    onTaken: () => new DuplicateRecordError(identity.duplicateMessage),
  });

const uniqueRelease = (kind: RecordKind, id: string, identity: Identity): GuardedWrite => ({
  write: {
    Delete: {
      TableName: kind.table,
      Key: { pk: claimPkOf(kind, identity) },
      ConditionExpression: 'record_id = :id',
      ExpressionAttributeValues: { ':id': id },
    },
  },
  onConditionFailed: staleRead,
});

/**
 * A word item is at most this big (DynamoDB's size: names and values of its
 * attributes): key and sort key ~2,100 bytes at the longest word, the record
 * id, and `words` up to MAX_CARRIED_WORDS_BYTES. A list's read budget
 * (pages.ts) sizes its queries by it.
 */
export const MAX_WORD_ITEM_BYTES = 4096;

/**
 * Words longer than this together (a name of long words after Unicode
 * folding) are not carried, which keeps a word item within
 * MAX_WORD_ITEM_BYTES; such a record is read to be checked, as for items of
 * earlier versions.
 */
const MAX_CARRIED_WORDS_BYTES = 1800;

const wordPut = (kind: RecordKind, word: string, id: string, words: string[]): GuardedWrite => {
  // Search words hold only letters and digits, so a space separates them unambiguously.
  const carried = words.join(' ');
  return {
    write: {
      Put: {
        TableName: kind.table,
        Item: {
          ...wordKey(kind, word, id),
          gsi1pk: wordPartition(kind),
          gsi1sk: `${word}#${id}`,
          record_id: id,
          ...(Buffer.byteLength(carried, 'utf8') <= MAX_CARRIED_WORDS_BYTES ? { words: carried } : {}),
        },
      },
    },
  };
};

const wordDelete = (kind: RecordKind, word: string, id: string): GuardedWrite => ({
  write: { Delete: { TableName: kind.table, Key: wordKey(kind, word, id) } },
});

/**
 * The write that changes an existing record: sets (or, for `undefined` and
 * empty sets, removes) the given fields and bumps `version`, provided nobody
 * changed the record since it was read.
 */
export const recordUpdate = (
  kind: RecordKind,
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
        TableName: kind.table,
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

/** Deletes a record, provided nobody changed it since it was read. */
export const recordDelete = (kind: RecordKind, record: StoredRecord, onChangedMeanwhile: () => Error): GuardedWrite => ({
  write: {
    Delete: {
      TableName: kind.table,
      Key: recordKey(kind, record.id),
      ConditionExpression: 'version = :readVersion',
      ExpressionAttributeValues: { ':readVersion': record.version },
    },
  },
  onConditionFailed: onChangedMeanwhile,
});

/** The keys and bookkeeping every new record starts with: on its kind's list, at version 1. */
export const newRecordFields = (kind: RecordKind, { id, created_at: createdAt }: CreatedRecord) => ({
  ...recordKey(kind, id),
  gsi1pk: listPartition(kind),
  gsi1sk: id,
  id,
  created_at: createdAt,
  updated_at: createdAt,
  version: 1,
});

/**
 * Writes a new record, its identity, and `claims` (an Idempotency-Key) and
 * `links` (the other side of a new movie's cast) with it, in one transaction.
 */
export const insertRecord = async (
  kind: RecordKind,
  record: StoredRecord,
  identity: Identity,
  { claims = [], links = [], linkedIds = [] }: { claims?: GuardedWrite[]; links?: GuardedWrite[]; linkedIds?: string[] } = {},
): Promise<void> => {
  await transactWrite(
    ensureFitsOneChange([
      // First: when a racing retry loses on both the key and the identity, it is a replay, not a duplicate.
      ...claims,
      // A fresh id, so the key is free unless this very write was already made.
      { write: { Put: { TableName: kind.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } }, onConditionFailed: staleRead },
      ...identityCreated(kind, record.id, identity),
      ...links,
    ]),
  );
  audit(`${kind.noun}.create`, record.id, null, record.version, linkedIds);
};

/** A change is one transaction: refuses, before writing anything, one that would not fit. */
export const ensureFitsOneChange = (writes: GuardedWrite[]): GuardedWrite[] => {
  if (writes.length > MAX_CHANGE_ITEMS) {
    throw new RuleViolationError(
      `This change touches more than ${MAX_CHANGE_ITEMS} records at once; make it in smaller steps, such as replacing the cast in two requests.`,
    );
  }
  return writes;
};

/** `If-Match` as the version it names: the caller's read must be the latest. */
export const checkExpectedVersion = (kind: RecordKind, current: number, expected: number | undefined): void => {
  if (expected !== undefined && expected !== current) {
    throw new VersionMismatchError(`The ${kind.noun} has changed: it is at version ${current}, not ${expected}.`);
  }
};

/** What a version condition failing means: a lost race with If-Match is a 412, without it a retry. */
export const onChangedMeanwhile = (kind: RecordKind, expected: number | undefined) => (): Error =>
  expected === undefined
    ? staleRead()
    : new VersionMismatchError(`The ${kind.noun} was changed by another request; fetch it again before changing it.`);
