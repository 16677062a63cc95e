/**
 * The items of a transaction, built and not sent: what the services write,
 * as pure functions of what they read (no I/O here; transact.ts sends them).
 * Each kind has its own table holding these sorts of item (and Idempotency-Key
 * claims, see key-claims.ts; and the copies a delete keeps, see deleted.ts),
 * all keyed by one string `pk` (keys.ts):
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
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { DuplicateRecordError, StaleReadError } from '../domain/errors';
import type { ActorRecord, MovieRecord } from '../domain/records';
import { COUNTER_POSITION, counterKey, deletedKey, deletedPartition, listPartition, recordKey, uniqueKey, wordKey, wordPartition } from './keys';
import type { RecordKind } from './store';

type WriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface GuardedWrite {
  write: WriteItem;
  /** The error to raise when this item's condition fails; omitted for unconditional writes. */
  onConditionFailed?: () => Error;
  /**
   * For a Put that must not find an item at its key (a claim): where it is,
   * and whether the item found there fails its condition. When the
   * transaction is cancelled by a conflict, these keys are read before it is
   * retried, so a request that could only fail (a duplicate name, a replayed
   * Idempotency-Key) fails at once instead of contending again for the claim
   * it lost.
   */
  claim?: { table: string; pk: string; failsIfFound: (found: Record<string, unknown>) => boolean };
}

/** What a failed condition means when the read the write was built from is out of date: start again from a fresh read. */
export const staleRead = (cause?: unknown): Error =>
  new StaleReadError('The record changed while it was being updated.', cause === undefined ? undefined : { cause });

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

/** An actor as stored: the record, its claim's key and its case-folded gender. */
export interface ActorItem extends StoredRecord, ActorRecord {
  /** Case-folded gender, for the `gender` filter. */
  gender_key: string;
}

/** A movie as stored: the record and its claim's key. */
export interface MovieItem extends StoredRecord, MovieRecord {}

/** What a new record is born with besides its own fields: its id and time of creation. */
export interface CreatedRecord {
  id: string;
  created_at: string;
}

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
 * Idempotency-Key claim (key-claims.ts), which also takes over an expired one.
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


/** The Put of a new record (or of one restored): its key is free unless this very write was already made. */
export const recordPut = (kind: RecordKind, record: StoredRecord): GuardedWrite => ({
  write: { Put: { TableName: kind.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
  onConditionFailed: staleRead,
});

/** Writes that bring a new record into being with its uniqueness claim and search words. */
export const recordInserted = (kind: RecordKind, record: StoredRecord, identity: Identity): GuardedWrite[] => [
  recordPut(kind, record),
  ...identityCreated(kind, record.id, identity),
];

/**
 * Adds `linkedId` to the links of record `id` of `kind`. The record must
 * exist and have room for it (fewer than `max` links): both were checked on
 * the fresh read the transaction started from, so a failed condition means
 * it changed since.
 */
export const linkAdded = (kind: RecordKind, id: string, linkedId: string, now: string, max: number): GuardedWrite => ({
  write: {
    Update: {
      TableName: kind.table,
      Key: recordKey(kind, id),
      UpdateExpression: 'ADD #links :link, version :one SET updated_at = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#links) OR size(#links) < :max)',
      ExpressionAttributeNames: { '#links': kind.links },
      ExpressionAttributeValues: { ':link': new Set([linkedId]), ':one': 1, ':now': now, ':max': max },
    },
  },
  onConditionFailed: staleRead,
});

/** Takes `linkedId` out of the links of record `id` of `kind`, which must still exist. */
export const linkRemoved = (kind: RecordKind, id: string, linkedId: string, now: string): GuardedWrite => ({
  write: {
    Update: {
      TableName: kind.table,
      Key: recordKey(kind, id),
      UpdateExpression: 'DELETE #links :link ADD version :one SET updated_at = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#links': kind.links },
      ExpressionAttributeValues: { ':link': new Set([linkedId]), ':one': 1, ':now': now },
    },
  },
  onConditionFailed: staleRead,
});

/** How long a deleted record can be restored; DynamoDB's TTL removes it afterwards (within a few days). */
export const DELETED_TTL_SECONDS = 30 * 24 * 60 * 60;

/** The copy a delete keeps (deleted.ts reads and lists them). */
export interface DeletedItem<T extends StoredRecord> {
  record: T;
  deleted_at: string;
  /** The `sub` of the caller who deleted it; absent when the delete was not made through the API. */
  deleted_by?: string;
  pk: string;
  gsi1pk: string;
  gsi1sk: string;
  expires_at: number;
}

/**
 * The Put that keeps `record` (as read by the delete, links included) for
 * DELETED_TTL_SECONDS. One item of a few kilobytes at most (a name of 200
 * characters and 50 ids), far below DynamoDB's 400 KB. A record deleted,
 * restored and deleted again simply replaces its earlier (already removed) item.
 */
export const deletedPut = (kind: RecordKind, record: StoredRecord, deletedAt: string, deletedBy: string | undefined): GuardedWrite => ({
  write: {
    Put: {
      TableName: kind.table,
      Item: {
        ...deletedKey(kind, record.id),
        gsi1pk: deletedPartition(kind),
        gsi1sk: `${deletedAt}#${record.id}`,
        record,
        deleted_at: deletedAt,
        ...(deletedBy === undefined ? {} : { deleted_by: deletedBy }),
        expires_at: Math.floor(Date.parse(deletedAt) / 1000) + DELETED_TTL_SECONDS,
      } satisfies DeletedItem<StoredRecord>,
    },
  },
});

/**
 * The Delete of a kept copy by the restore that brings it back, on
 * condition that it is the copy the restore read: a copy restored (or
 * restored and deleted again) meanwhile fails it, and the fresh read says which.
 */
export const deletedTaken = (kind: RecordKind, id: string, deletedAt: string): GuardedWrite => ({
  write: {
    Delete: {
      TableName: kind.table,
      Key: deletedKey(kind, id),
      ConditionExpression: 'deleted_at = :deletedAt',
      ExpressionAttributeValues: { ':deletedAt': deletedAt },
    },
  },
  onConditionFailed: staleRead,
});

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
