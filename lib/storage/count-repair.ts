/**
 * Setting `total` right by hand (docs/deploying-and-operating.md#upgrading-from-the-counter-shards
 * and docs/deploying-and-operating.md#recounting-total): the one-off fold of the counter shards that
 * versions before the stream consumer wrote, and a recount from the records.
 */
import { BatchGetCommand, PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterItem, counterUpdate } from './items';
import { store, type RecordKind } from './store';
import { MAX_ATTEMPTS, pause } from './transact';

/** The shards of the version before the stream consumer: `<KIND>_COUNT#0000` … `#2047`. */
const SHARD_COUNT = 2048;
const shardKey = (kind: RecordKind, shard: number) => ({ pk: `${kind.key}_COUNT#${String(shard).padStart(4, '0')}` });

/** A transaction holds at most 100 items: the counter's ADD and up to 99 shard deletes. */
const SHARDS_PER_TRANSACTION = 99;

/**
 * Adds the counter shards of a stage upgraded from them to the counter item
 * and deletes them, 99 at a time, each in one transaction with the ADD of its
 * values and each delete conditioned on the value read: a shard that changed
 * meanwhile (an old function still running) is read again, so nothing is
 * counted twice or lost. Idempotent: a second run finds no shard. Then puts
 * the counter on the index. Returns the sum it moved.
 */
export const foldShards = async (kind: RecordKind): Promise<number> => {
  let folded = 0;
  for (let first = 0; first < SHARD_COUNT; first += SHARDS_PER_TRANSACTION) {
    const keys = Array.from({ length: Math.min(SHARDS_PER_TRANSACTION, SHARD_COUNT - first) }, (_, index) => shardKey(kind, first + index));
    for (let attempt = 1; ; attempt += 1) {
      const shards = await readShards(kind, keys);
      if (shards.length === 0) break;
      const sum = shards.reduce((total, shard) => total + shard.total, 0);
      try {
        await store().db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: counterUpdate(kind.table, kind, sum) },
              ...shards.map((shard) => ({
                Delete: {
                  TableName: kind.table,
                  Key: { pk: shard.pk },
                  ConditionExpression: '#total = :seen',
                  ExpressionAttributeNames: { '#total': 'total' },
                  ExpressionAttributeValues: { ':seen': shard.total },
                },
              })),
            ],
          }),
        );
        folded += sum;
        break;
      } catch (error) {
        const name = (error as { name?: unknown }).name;
        if ((name !== 'TransactionCanceledException' && name !== 'TransactionConflictException') || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }
  await indexCounter(kind);
  return folded;
};

/**
 * Puts the counter on gsi1 (keys.ts, items.ts) now rather than at the stream's next
 * event: a stage upgraded from a version whose counter was off the index
 * otherwise pays a GetItem on each first page until its next create or
 * delete. Adds nothing; idempotent.
 */
const indexCounter = async (kind: RecordKind): Promise<void> => {
  // The stream consumer's transactions hold the counter while they commit; a plain write meanwhile is refused, not queued.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store().db.send(new UpdateCommand(counterUpdate(kind.table, kind, 0)));
      return;
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'TransactionConflictException' || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
};

const readShards = async (kind: RecordKind, keys: { pk: string }[]): Promise<{ pk: string; total: number }[]> => {
  const found: { pk: string; total: number }[] = [];
  let pending: Record<string, unknown>[] = keys;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) await pause(attempt);
    const result = await store().db.send(new BatchGetCommand({ RequestItems: { [kind.table]: { Keys: pending, ConsistentRead: true } } }));
    for (const item of result.Responses?.[kind.table] ?? []) found.push({ pk: String(item.pk), total: Number(item.total ?? 0) });
    pending = result.UnprocessedKeys?.[kind.table]?.Keys ?? [];
  }
  return found;
};

/** How many records of a kind the table holds, by a strongly consistent Scan of the whole table. */
export const countRecords = async (kind: RecordKind): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store().db.send(
      new ScanCommand({
        TableName: kind.table,
        ConsistentRead: true,
        FilterExpression: 'begins_with(pk, :record)',
        ExpressionAttributeValues: { ':record': `${kind.key}#` },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
};

/**
 * Sets `total` to the number of records the table holds, folding away any
 * shards first (their sum is then part of the count being replaced). A
 * create or delete made while the Scan runs may be counted twice or not at
 * all (by the Scan and again by the stream consumer, or by neither): run it
 * when writes are quiet, or run it again. Returns the count it set.
 */
export const recount = async (kind: RecordKind): Promise<number> => {
  await foldShards(kind);
  const count = await countRecords(kind);
  // The stream consumer's transactions hold the counter while they commit; a plain write meanwhile is refused, not queued.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store().db.send(new PutCommand({ TableName: kind.table, Item: counterItem(kind, count) }));
      return count;
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'TransactionConflictException' || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
};
