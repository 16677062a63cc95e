/**
 * `total`, kept from the tables' DynamoDB Streams (docs/design-and-limits.md#what-total-is). Creates and deletes write no counter: the stream consumer
 * (functions/streams/count-records.ts on AWS, lib/dev/stream-poller.ts
 * locally) sees each record's INSERT and REMOVE and moves the kind's counter
 * item `<KIND>_COUNT` by their net sum.
 *
 * Streams deliver at least once: a batch can come again whole, duplicated,
 * split in halves (BisectBatchOnFunctionError) or after a partial failure.
 * Each event is counted exactly once all the same: the counter's ADD is
 * written in one transaction with a `SEEN#<eventID>` item per event, each on
 * the condition that it does not exist yet. When one does, the transaction is
 * cancelled as a whole; the events already seen are dropped and the rest
 * retried. SEEN items expire (TTL) a day after the stream's retention, when
 * no redelivery can bring their event back.
 */
import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StoreBusyError } from '../domain/errors';
import { logger } from '../log';
import { counterUpdate } from './items';
import { store, type RecordKind } from './store';
import { MAX_ATTEMPTS, pause } from './transact';

/** What the consumer reads of a stream record: Lambda's DynamoDB stream record, KEYS_ONLY, wire format. */
export interface StreamRecord {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventSourceARN?: string;
  dynamodb?: { Keys?: Record<string, { S?: string } | undefined> };
}

/** One insert or removal of a record: what moves a count. */
interface CountedEvent {
  eventID: string;
  table: string;
  kind: RecordKind['key'];
  delta: 1 | -1;
}

/** A record's key, as opposed to the claims, words, counters and SEEN items sharing its table. */
const RECORD_KEY = /^(ACTOR|MOVIE)#/;

/** DynamoDB streams stay readable for 24 hours; SEEN items outlive them by an hour. */
export const SEEN_LIFETIME_SECONDS = 25 * 60 * 60;

/** One transaction holds at most 100 items: the counter and up to 99 SEEN items. */
const EVENTS_PER_TRANSACTION = 99;

const tableOf = (arn: string | undefined): string => {
  const table = /:table\/([^/]+)\/stream\//.exec(arn ?? '')?.[1];
  if (table === undefined) throw new Error(`A stream record without a table's stream ARN: ${String(arn)}.`);
  return table;
};

/**
 * The events of a batch that move a count, each once (a batch may carry one
 * twice), in batch order. The event source mapping's filter already lets
 * only these through; checked again so that a wider filter could not count
 * a claim or a word.
 */
export const countedEvents = (records: readonly StreamRecord[]): CountedEvent[] => {
  const events = new Map<string, CountedEvent>();
  for (const record of records) {
    const kind = RECORD_KEY.exec(record.dynamodb?.Keys?.pk?.S ?? '')?.[1] as RecordKind['key'] | undefined;
    if (kind === undefined || (record.eventName !== 'INSERT' && record.eventName !== 'REMOVE')) continue;
    if (record.eventID === undefined || record.eventID === '') throw new Error('A stream record without an eventID.');
    if (events.has(record.eventID)) continue;
    events.set(record.eventID, { eventID: record.eventID, table: tableOf(record.eventSourceARN), kind, delta: record.eventName === 'INSERT' ? 1 : -1 });
  }
  return [...events.values()];
};

/** The events in groups that share one counter (table and kind), each at most `size` long. */
export const counterChunks = (events: readonly CountedEvent[], size = EVENTS_PER_TRANSACTION): CountedEvent[][] => {
  const groups = new Map<string, CountedEvent[]>();
  for (const event of events) {
    const key = `${event.table}|${event.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const chunks: CountedEvent[][] = [];
  for (const group of groups.values()) for (let start = 0; start < group.length; start += size) chunks.push(group.slice(start, start + size));
  return chunks;
};

export const netDelta = (events: readonly CountedEvent[]): number => events.reduce((sum, event) => sum + event.delta, 0);

const seenKey = (eventID: string) => ({ pk: `SEEN#${eventID}` });

/** Counts a batch of stream records, each insert and removal exactly once however often it is delivered. */
export const countStreamRecords = async (records: readonly StreamRecord[], now = Date.now()): Promise<void> => {
  const events = countedEvents(records);
  for (const chunk of counterChunks(events)) await countOnce(chunk, now);
};

/** One counter's events (one table, one kind): their net delta and their SEEN items, in one transaction. */
const countOnce = async (chunk: CountedEvent[], now: number): Promise<void> => {
  const [first] = chunk;
  if (first === undefined) return;
  const { table, kind } = first;
  const expiresAt = Math.floor(now / 1000) + SEEN_LIFETIME_SECONDS;
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > MAX_ATTEMPTS) throw new StoreBusyError(`The ${kind} counter kept conflicting; the batch will be retried.`, 1);
    try {
      await store().db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: counterUpdate(table, { key: kind }, netDelta(pending)) },
            ...pending.map((event) => ({
              Put: {
                TableName: table,
                Item: { ...seenKey(event.eventID), expires_at: expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          ],
        }),
      );
      logger.info('stream events counted', { table, kind, events: pending.length, delta: netDelta(pending), skipped: chunk.length - pending.length });
      return;
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (reasons === undefined) throw error;
      if (reasons.includes('ConditionalCheckFailed')) {
        // Some of these events were counted before (a redelivery): leave them out. No pause: nothing contends.
        const seen = await seenAlready(table, pending);
        pending = pending.filter((event) => !seen.has(event.eventID));
        continue;
      }
      if (!reasons.includes('TransactionConflict')) throw error;
      await pause(attempt);
    }
  }
};

/**
 * The cancellation reason codes of a cancelled transaction, or undefined for
 * any other error. A TransactionConflictException (a plain write meeting a
 * transaction) counts as a conflict.
 */
const cancellationCodes = (error: unknown): string[] | undefined => {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TransactionConflictException') return ['TransactionConflict'];
  if (name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
};

/** The eventIDs among these whose SEEN item exists (strongly consistent, so a just-committed one counts). */
const seenAlready = async (table: string, events: readonly CountedEvent[]): Promise<Set<string>> => {
  const seen = new Set<string>();
  let pending: Record<string, unknown>[] = events.map((event) => seenKey(event.eventID));
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt >= MAX_ATTEMPTS) throw new StoreBusyError('The database is busy; the batch will be retried.', 1);
    if (attempt > 0) await pause(attempt);
    const result = await store().db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'pk' } } }));
    for (const item of result.Responses?.[table] ?? []) seen.add(String(item.pk).slice('SEEN#'.length));
    pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return seen;
};
