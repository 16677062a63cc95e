/**
 * One page of a list, read from index gsi1 and never by scanning a table.
 *
 * A plain list walks the records' partition newest first. A search walks the
 * word partition from the first word that starts with the query's longest
 * word, and keeps each record once: at the entry for its alphabetically first
 * matching word. Either way the cursor is the position after the last record
 * returned, so paging yields every match exactly once.
 *
 * Every request reads at most READ_BUDGET_UNITS, as DynamoDB reports them
 * (ReturnConsumedCapacity on each call): each call is sized beforehand to
 * fit what is left, from the largest an item can be, so the budget is never
 * exceeded rather than found exceeded. What does not fit waits for the next
 * page, behind the cursor.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { READ_BUDGET_UNITS } from '../domain/limits';
import { ULID, type RecordPage } from '../domain/records';
import { MAX_WORD_BYTES, searchWords } from '../domain/text';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { MAX_WORD_ITEM_BYTES, type StoredRecord } from './items';
import { COUNTER_POSITION, listPartition, recordKey, wordKey, wordPartition } from './keys';
import { readRecords, readTotal, rememberTotal } from './records';
import { store, type RecordKind } from './store';

interface PageRequest<T> {
  kind: RecordKind;
  limit: number;
  cursor: string | undefined;
  /** The words of `q`, when searching. */
  search?: string[];
  /** Text of the record that `q` searches (name or title). */
  searchedText: (record: T) => string;
  /**
   * The filters other than `q`, checked on each record read; absent when
   * none applies. Applied here rather than as a DynamoDB FilterExpression:
   * that would save no read capacity (DynamoDB charges for what it reads,
   * not for what it returns), and this way one predicate serves the plain
   * list and the search alike.
   */
  matches?: (record: T) => boolean;
  /** Everything that selects records, so a cursor cannot be replayed against other filters. */
  queryKey: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** `total` as the counter on the index said, when this page's query met it (a plain list's first page). */
  counted?: number;
}

/** What selects a page of a list: the parameters every list has, and its filters. */
interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/**
 * One page of a list of `kind`, with its total: what GET /actors and GET
 * /movies answer. A first page reads `total` with its records (the counter
 * sits in the list partition, keys.ts); a later page reads the counter
 * itself, unless this instance read it less than a second ago.
 */
export const readList = async <T extends StoredRecord>(
  kind: RecordKind,
  query: ListQuery,
  { searchedText, matches }: Pick<PageRequest<T>, 'searchedText' | 'matches'>,
): Promise<RecordPage<T>> => {
  const search = query.q === undefined ? undefined : searchWords(query.q);
  const { limit, cursor, ...selection } = query;
  const wantsTotal = matches === undefined && search === undefined;
  const [page, laterPageTotal] = await Promise.all([
    readPage<T>({ kind, limit, cursor, search, searchedText, matches, queryKey: JSON.stringify(selection) }),
    wantsTotal && cursor !== undefined ? readTotal(kind) : undefined,
  ]);
  if (page.counted !== undefined) rememberTotal(kind, page.counted);
  // A first page whose query did not meet the counter: none yet, or one an earlier version wrote off the index.
  const total = wantsTotal ? (page.counted ?? laterPageTotal ?? (await readTotal(kind))) : null;
  return { items: page.items, nextCursor: page.nextCursor, total };
};

/** Queries per request at most: besides the read budget, a bound on a request's round trips. */
const MAX_QUERIES = 8;

/**
 * The largest a record can be, by DynamoDB's measure (names and values of
 * its attributes): an actor with a 200-character name (800 bytes of UTF-8),
 * a 50-character gender and its case-folded key (NFKC can make that 1,650
 * bytes), 50 movie ids (1,300 bytes) and its keys and dates, ~4.2 KB; a
 * movie is smaller.
 */
const MAX_RECORD_BYTES = 5120;

/** DynamoDB's unit of reading: an eventually consistent read of up to 4 KB costs half a read unit. */
const READ_BLOCK_BYTES = 4096;

/**
 * Items of up to `itemBytes` that one eventually consistent Query can read
 * for `units` besides `otherBytes` (the counter): it rounds their sum up to 4 KB.
 */
const queryItemsFor = (units: number, itemBytes: number, otherBytes = 0): number =>
  Math.max(0, Math.floor((Math.floor(units * 2) * READ_BLOCK_BYTES - otherBytes) / itemBytes));

/** The counter item on the index at most: its keys and `total`, well under 200 bytes. */
const MAX_COUNTER_BYTES = 200;

/** What an eventually consistent BatchGet charges per record at most: each item is rounded up to 4 KB on its own. */
const RECORD_GET_UNITS = Math.ceil(MAX_RECORD_BYTES / READ_BLOCK_BYTES) / 2;

/** The read units a request has left; spent as DynamoDB reports them. */
interface Budget {
  left: number;
}

/** Takes a call's consumed capacity off the budget; the bound it was sized by when DynamoDB reports none. */
const spend = (budget: Budget, reported: number | undefined, bound: number): void => {
  budget.left -= reported ?? bound;
};

type Entry = { record: unknown; position: string };

const readPage = async <T extends StoredRecord>(request: PageRequest<T>): Promise<Page<T>> => {
  // A query of only punctuation has no words to look up, so nothing matches.
  if (request.search?.length === 0) return { items: [], nextCursor: null };
  const start = request.cursor === undefined ? undefined : startPosition(request, request.cursor);
  const entries: Entry[] = [];
  const budget: Budget = { left: READ_BUDGET_UNITS };
  let position = start;
  let exhausted = false;
  let counted: number | undefined;
  for (let queries = 0; queries < MAX_QUERIES && entries.length <= request.limit && !exhausted; queries += 1) {
    const wanted = request.limit + 1 - entries.length;
    const batch =
      request.search === undefined
        ? await listBatch(request, position, wanted, budget)
        : await searchBatch(request, request.search, position, wanted, budget);
    // Out of budget: the page ends here, and the cursor resumes where it stopped.
    if (batch === undefined) break;
    entries.push(...batch.entries);
    counted ??= batch.counted;
    position = batch.lastPosition ?? position;
    exhausted = batch.lastPosition === undefined;
  }
  const items = entries.slice(0, request.limit);
  const lastReturned = items.at(-1)?.position;
  const more = entries.length > request.limit || !exhausted;
  const resumeFrom = entries.length > request.limit ? lastReturned : position;
  return {
    items: items.map((entry) => entry.record as T),
    nextCursor: more && resumeFrom !== undefined ? encodeCursor(resumeFrom, request.queryKey, request.kind.key) : null,
    ...(counted === undefined ? {} : { counted }),
  };
};

/** The longest word narrows the index range the most; the others are checked on the records. */
const leadWord = (words: string[]): string => words.reduce((longest, word) => (word.length > longest.length ? word : longest));

/**
 * Where a cursor resumes. Only a position this very query could have
 * reached is accepted (a record id; or a word of the query's range and an
 * id), so even a cursor signed with a leaked key cannot make DynamoDB fail.
 */
const startPosition = <T extends StoredRecord>(request: PageRequest<T>, cursor: string): string => {
  const position = decodeCursor(cursor, request.queryKey, request.kind.key);
  if (request.search === undefined) {
    if (ULID.test(position)) return position;
    throw invalidCursor();
  }
  const at = position.lastIndexOf('#');
  const word = position.slice(0, at);
  const valid =
    ULID.test(position.slice(at + 1)) &&
    /^[\p{L}\p{N}]+$/u.test(word) &&
    word.startsWith(leadWord(request.search)) &&
    Buffer.byteLength(word, 'utf8') <= MAX_WORD_BYTES;
  if (valid) return position;
  throw invalidCursor();
};

interface Batch {
  entries: Entry[];
  /** Where the next query continues from; undefined once the index has no more. */
  lastPosition: string | undefined;
  /** The counter's `total`, when the query met it. */
  counted?: number;
}

/** Undefined when the budget cannot pay for one more record. */
const listBatch = async <T extends StoredRecord>(
  request: PageRequest<T>,
  after: string | undefined,
  wanted: number,
  budget: Budget,
): Promise<Batch | undefined> => {
  const { kind, matches } = request;
  // Newest first, the first query of a list meets the counter before any record: one more item, a few bytes.
  const first = after === undefined;
  const affordable = queryItemsFor(budget.left, MAX_RECORD_BYTES, first ? MAX_COUNTER_BYTES : 0);
  if (affordable < 1) return undefined;
  // One more than a page tells us whether another page exists; a filtered list reads in larger steps.
  const limit = Math.min(affordable, matches === undefined ? wanted : 100) + (first ? 1 : 0);
  const input: QueryCommandInput = {
    TableName: kind.table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :partition',
    ExpressionAttributeValues: { ':partition': listPartition(kind) },
    ScanIndexForward: false,
    Limit: limit,
    ReturnConsumedCapacity: 'TOTAL',
    ...(after === undefined ? {} : { ExclusiveStartKey: { ...recordKey(kind, after), gsi1pk: listPartition(kind), gsi1sk: after } }),
  };
  const result = await store().db.send(new QueryCommand(input));
  spend(budget, result.ConsumedCapacity?.CapacityUnits, Math.ceil((limit * MAX_RECORD_BYTES) / READ_BLOCK_BYTES) / 2);
  const items = (result.Items ?? []) as (T & { gsi1sk?: string; total?: number })[];
  const counter = items.find((item) => item.gsi1sk === COUNTER_POSITION);
  const records = items.filter((item) => item !== counter);
  const lastKey = result.LastEvaluatedKey as { gsi1sk?: string } | undefined;
  return {
    entries: records.filter((record) => matches?.(record) ?? true).map((record) => ({ record, position: record.id })),
    // Never the counter's: a first query asks for it and at least one record.
    lastPosition: lastKey?.gsi1sk,
    ...(counter === undefined ? {} : { counted: counter.total ?? 0 }),
  };
};

/**
 * Whether a record with `recordWords` is a match of the search `words` found
 * at its word `hitWord`: every word of the query starts one of the record's,
 * and `hitWord` is the record's first word (alphabetically) that starts with
 * the lead word, so a record is found once however many of its words match.
 */
const matchedAt = (recordWords: string[], hitWord: string, words: string[]): boolean => {
  const lead = leadWord(words);
  const firstMatch = recordWords.filter((word) => word.startsWith(lead)).sort()[0];
  return hitWord === firstMatch && words.every((word) => recordWords.some((recordWord) => recordWord.startsWith(word)));
};

interface Hit {
  gsi1sk: string;
  record_id: string;
  /** The record's folded words, space-separated; absent on items of earlier versions. */
  words?: string;
}

const hitWordOf = (hit: Hit): string => hit.gsi1sk.slice(0, hit.gsi1sk.lastIndexOf('#'));

/**
 * One query of the word index, and the records of its hits that can match.
 * A hit whose item carries the record's words is decided without reading the
 * record; only matches (and hits of earlier versions' items) are read, as
 * many as the budget left pays for. Undefined when it cannot pay for a query
 * and one record.
 */
const searchBatch = async <T extends StoredRecord>(
  request: PageRequest<T>,
  words: string[],
  after: string | undefined,
  wanted: number,
  budget: Budget,
): Promise<Batch | undefined> => {
  const { kind } = request;
  const lead = leadWord(words);
  // Keeps back enough to read at least one record, so each batch moves on.
  const affordable = queryItemsFor(budget.left - RECORD_GET_UNITS, MAX_WORD_ITEM_BYTES);
  if (affordable < 1) return undefined;
  const limit = Math.min(100, wanted, affordable);
  const result = await store().db.send(
    new QueryCommand({
      TableName: kind.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :partition AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':partition': wordPartition(kind), ':prefix': lead },
      Limit: limit,
      ReturnConsumedCapacity: 'TOTAL',
      ...(after === undefined
        ? {}
        : {
            ExclusiveStartKey: {
              ...wordKey(kind, after.slice(0, after.lastIndexOf('#')), after.slice(after.lastIndexOf('#') + 1)),
              gsi1pk: wordPartition(kind),
              gsi1sk: after,
            },
          }),
    }),
  );
  spend(budget, result.ConsumedCapacity?.CapacityUnits, Math.ceil((limit * MAX_WORD_ITEM_BYTES) / READ_BLOCK_BYTES) / 2);
  const hits = (result.Items ?? []) as Hit[];
  const readable = Math.floor(budget.left / RECORD_GET_UNITS);
  const toRead: Hit[] = [];
  let decided = 0;
  for (const hit of hits) {
    const matches = hit.words === undefined || matchedAt(hit.words.split(' '), hitWordOf(hit), words);
    if (matches) {
      if (toRead.length === readable) break;
      toRead.push(hit);
    }
    decided += 1;
  }
  const records = toRead.length === 0
    ? []
    : await readRecords<T>(
        kind,
        toRead.map((hit) => hit.record_id),
        false,
        (units) => spend(budget, units, toRead.length * RECORD_GET_UNITS),
      );
  const byId = new Map(records.map((record) => [record.id, record]));
  const entries: Entry[] = [];
  for (const hit of toRead) {
    const record = byId.get(hit.record_id);
    // The record itself decides: its item's words may be of a rename that has not reached the index yet.
    if (record === undefined || !matchedAt(searchWords(request.searchedText(record)), hitWordOf(hit), words)) continue;
    if (request.matches?.(record) ?? true) entries.push({ record, position: hit.gsi1sk });
  }
  // Hits left undecided for want of budget are the next batch's (or page's) first.
  if (decided === hits.length) return { entries, lastPosition: (result.LastEvaluatedKey as { gsi1sk?: string } | undefined)?.gsi1sk };
  // Not even one hit paid for (DynamoDB charged above the bound): the next page starts where this batch did.
  if (decided === 0) return undefined;
  return { entries, lastPosition: hits[decided - 1]?.gsi1sk };
};
