/**
 * Reading records: one by id, many by id, the ones linked to a record, and
 * `total`. The items they are stored as are described in items.ts.
 */
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { RecordNotFoundError, StoreBusyError } from '../domain/errors';
import { sortedIds } from '../domain/records';
import type { StoredRecord } from './items';
import { counterKey, recordKey } from './keys';
import { store, type RecordKind } from './store';
import { MAX_ATTEMPTS, pause } from './transact';

/** The record with this id, or undefined. */
const findRecord = async <T extends StoredRecord>(kind: RecordKind, id: string): Promise<T | undefined> => {
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

type LinkedRecord = StoredRecord & Partial<Record<RecordKind['links'], Set<string>>>;

/**
 * The records linked to record `id` of `owner` (a movie's cast, an actor's
 * movies), as full records of the other kind, sorted by id. A missing owner
 * is a RecordNotFoundError.
 */
export const readLinked = async <T extends StoredRecord>(owner: RecordKind, id: string, other: RecordKind): Promise<T[]> => {
  const record = await readRecord<LinkedRecord>(owner, id);
  const ids = sortedIds(record[owner.links]);
  if (ids.length === 0) return [];
  const found = new Map((await readRecords<T>(other, ids)).map((linked) => [linked.id, linked]));
  return ids.flatMap((linkedId) => found.get(linkedId) ?? []);
};
