/**
 * One page of a list, read from index gsi1 and never by scanning a table.
 *
 * A plain list walks the records' partition newest first. A search walks the
 * word partition from the first word that starts with the query's longest
 * word, and keeps each record once: at the entry for its alphabetically first
 * matching word. Either way the cursor is the position after the last record
 * returned, so paging yields every match exactly once.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { MAX_WORD_BYTES, searchWords } from '../domain/text';
import { ULID } from '../validation/schemas';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { listPartition, readRecords, readTotal, recordKey, wordKey, wordPartition, type StoredRecord } from './records';
import { store, type RecordKind } from './store';

export interface PageRequest<T> {
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
}

/** What selects a page of a list: the parameters every list has, and its filters. */
export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

export interface ListPage<T> {
  items: T[];
  /** All records of the kind, for a plain list; null as soon as a filter or `q` applies. */
  total: number | null;
  nextCursor: string | null;
}

/** One page of a list of `kind`, with its total: what GET /actors and GET /movies answer. */
export const readList = async <T extends StoredRecord>(
  kind: RecordKind,
  query: ListQuery,
  { searchedText, matches }: Pick<PageRequest<T>, 'searchedText' | 'matches'>,
): Promise<ListPage<T>> => {
  const search = query.q === undefined ? undefined : searchWords(query.q);
  const { limit, cursor, ...selection } = query;
  const [page, total] = await Promise.all([
    readPage<T>({ kind, limit, cursor, search, searchedText, matches, queryKey: JSON.stringify(selection) }),
    matches === undefined && search === undefined ? readTotal(kind) : Promise.resolve(null),
  ]);
  return { ...page, total };
};

/** Queries per request at most, so a sparse filter costs bounded reads and returns a cursor to go on. */
const MAX_QUERIES = 8;

type Entry = { record: unknown; position: string };

const readPage = async <T extends StoredRecord>(request: PageRequest<T>): Promise<Page<T>> => {
  // A query of only punctuation has no words to look up, so nothing matches.
  if (request.search?.length === 0) return { items: [], nextCursor: null };
  const start = request.cursor === undefined ? undefined : startPosition(request, request.cursor);
  const entries: Entry[] = [];
  let position = start;
  let exhausted = false;
  for (let queries = 0; queries < MAX_QUERIES && entries.length <= request.limit && !exhausted; queries += 1) {
    const batch =
      request.search === undefined
        ? await listBatch(request, position)
        : await searchBatch(request, request.search, position);
    entries.push(...batch.entries);
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
}

const listBatch = async <T extends StoredRecord>(request: PageRequest<T>, after: string | undefined): Promise<Batch> => {
  const { kind, matches } = request;
  const input: QueryCommandInput = {
    TableName: kind.table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :partition',
    ExpressionAttributeValues: { ':partition': listPartition(kind) },
    ScanIndexForward: false,
    // One more than a page tells us whether another page exists; a filtered list reads in larger steps.
    Limit: matches === undefined ? request.limit + 1 : 100,
    ...(after === undefined ? {} : { ExclusiveStartKey: { ...recordKey(kind, after), gsi1pk: listPartition(kind), gsi1sk: after } }),
  };
  const result = await store().db.send(new QueryCommand(input));
  const records = (result.Items ?? []) as T[];
  const lastKey = result.LastEvaluatedKey as { gsi1sk?: string } | undefined;
  return {
    entries: records.filter((record) => matches?.(record) ?? true).map((record) => ({ record, position: record.id })),
    lastPosition: lastKey?.gsi1sk,
  };
};

const searchBatch = async <T extends StoredRecord>(
  request: PageRequest<T>,
  words: string[],
  after: string | undefined,
): Promise<Batch> => {
  const { kind } = request;
  const lead = leadWord(words);
  const result = await store().db.send(
    new QueryCommand({
      TableName: kind.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :partition AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':partition': wordPartition(kind), ':prefix': lead },
      Limit: Math.min(100, request.limit + 1),
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
  const hits = (result.Items ?? []) as { gsi1sk: string; record_id: string }[];
  const records = await readRecords<T>(
    kind,
    hits.map((hit) => hit.record_id),
    false,
  );
  const byId = new Map(records.map((record) => [record.id, record]));
  const entries: Entry[] = [];
  for (const hit of hits) {
    const record = byId.get(hit.record_id);
    if (record === undefined) continue;
    const recordWords = searchWords(request.searchedText(record));
    const hitWord = hit.gsi1sk.slice(0, hit.gsi1sk.lastIndexOf('#'));
    const firstMatch = recordWords.filter((word) => word.startsWith(lead)).sort()[0];
    const allWordsMatch = words.every((word) => recordWords.some((recordWord) => recordWord.startsWith(word)));
    if (hitWord === firstMatch && allWordsMatch && (request.matches?.(record) ?? true)) {
      entries.push({ record, position: hit.gsi1sk });
    }
  }
  return { entries, lastPosition: (result.LastEvaluatedKey as { gsi1sk?: string } | undefined)?.gsi1sk };
};
