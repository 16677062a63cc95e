/**
 * A stage upgraded from the version that kept `total` in counter shards
 * (`<KIND>_COUNT#0000` … `#2047`, on top of the single `<KIND>_COUNT` of
 * versions before that) keeps its count: `npm run total:fold` moves the
 * shards' sum into `<KIND>_COUNT`, which the stream consumer then moves, and
 * deletes them; run twice it changes nothing. `npm run total:recount` sets the
 * count from the records. On a scratch table with the old layout written by
 * hand, as that version left it.
 */
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { foldShards, recount } from '../../lib/storage/count-repair';
import { readList } from '../../lib/storage/pages';
import { countStreamRecords } from '../../lib/storage/record-count';
import { store } from '../../lib/storage/store';
import { localDocuments, scratchTables } from '../helpers/local-db';

const documents = localDocuments();
const tables = scratchTables('upgrade');
const createTable = (): Promise<string> => tables.create();

afterAll(async () => {
  await tables.dropAll();
  documents.destroy();
});

const put = (table: string, item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: table, Item: item }));
const counter = async (table: string): Promise<unknown> =>
  (await documents.send(new GetCommand({ TableName: table, Key: { pk: 'ACTOR_COUNT' }, ConsistentRead: true }))).Item?.total;
const keys = async (table: string): Promise<string[]> =>
  ((await documents.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).map((item) => String(item.pk)).sort();

/** The shard layout: some shards up, one at zero, one down (a delete on a shard no create picked). */
const writeShards = async (table: string): Promise<void> => {
  const shard = (number: string, total: number) => put(table, { pk: `ACTOR_COUNT#${number}`, gsi1pk: 'ACTOR_COUNT', gsi1sk: number, total });
  await Promise.all([shard('0000', 3), shard('0098', 1), shard('0099', 4), shard('1500', 0), shard('2047', -1)]);
};

it('folds the shards into the counter, on top of the counter of the versions before them, and deletes them', async () => {
  const table = await createTable();
  const kind = { ...store().actors, table };
  await put(table, { pk: 'ACTOR_COUNT', total: 10 });
  await writeShards(table);
  await put(table, { pk: 'ACTOR_UNIQUE#someone', record_id: 'x' });

  expect(await foldShards(kind)).toBe(7);
  expect(await counter(table)).toBe(17);
  expect(await keys(table)).toEqual(['ACTOR_COUNT', 'ACTOR_UNIQUE#someone']);

  // Idempotent: a second run (a retried runbook, npm start on every start) finds nothing to fold.
  expect(await foldShards(kind)).toBe(0);
  expect(await counter(table)).toBe(17);
});

it('folds a stage that never had the single counter, and the stream consumer counts on from there', async () => {
  const table = await createTable();
  const kind = { ...store().actors, table };
  await writeShards(table);
  await foldShards(kind);
  const arn = `arn:aws:dynamodb:ddblocal:000000000000:table/${table}/stream/2026-12-03T00:00:00.000`;
  await countStreamRecords([
    { eventID: 'e1', eventName: 'INSERT', eventSourceARN: arn, dynamodb: { Keys: { pk: { S: 'ACTOR#new' } } } },
    { eventID: 'e2', eventName: 'REMOVE', eventSourceARN: arn, dynamodb: { Keys: { pk: { S: 'ACTOR#old' } } } },
    { eventID: 'e3', eventName: 'REMOVE', eventSourceARN: arn, dynamodb: { Keys: { pk: { S: 'ACTOR#older' } } } },
  ]);
  expect(await counter(table)).toBe(6);
});

it('recounts from the records: shards gone, the counter set to the number of records, whatever it said', async () => {
  const table = await createTable();
  const kind = { ...store().actors, table };
  await put(table, { pk: 'ACTOR_COUNT', total: 999 });
  await writeShards(table);
  for (const id of ['a', 'b', 'c']) await put(table, { pk: `ACTOR#${id}`, gsi1pk: 'ACTOR', gsi1sk: id, id });
  await put(table, { pk: 'ACTOR_UNIQUE#a', record_id: 'a' });
  await put(table, { pk: 'ACTOR_WORD#a#a', record_id: 'a' });

  expect(await recount(kind)).toBe(3);
  expect(await counter(table)).toBe(3);
  expect((await keys(table)).filter((key) => key.startsWith('ACTOR_COUNT#'))).toEqual([]);
});

/** What a newest-first query of the list partition meets first: where a first page finds `total`. */
const firstOnTheList = async (table: string): Promise<Record<string, unknown> | undefined> =>
  (
    await documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :partition',
        ExpressionAttributeValues: { ':partition': 'ACTOR' },
        ScanIndexForward: false,
        Limit: 1,
      }),
    )
  ).Items?.[0];

it('puts a counter written off the index onto it: lists show its total before the fold and read it with the page after', async () => {
  const table = await tables.createIndexed();
  const kind = { ...store().actors, table };
  await put(table, { pk: 'ACTOR_COUNT', total: 2 });
  for (const id of ['01J0000000000000000000000A', '01J0000000000000000000000B']) await put(table, { pk: `ACTOR#${id}`, gsi1pk: 'ACTOR', gsi1sk: id, id });
  const list = () => readList(kind, { limit: 20 }, { searchedText: () => '' });

  expect((await firstOnTheList(table))?.pk).toBe('ACTOR#01J0000000000000000000000B');
  expect(await list()).toMatchObject({ total: 2, nextCursor: null });
  expect((await list()).items).toHaveLength(2);

  await foldShards(kind);
  expect(await firstOnTheList(table)).toMatchObject({ pk: 'ACTOR_COUNT', total: 2 });
  expect(await list()).toMatchObject({ total: 2, nextCursor: null });
  expect((await list()).items.map((record) => record.id)).toEqual(['01J0000000000000000000000B', '01J0000000000000000000000A']);
  // Run again, it adds nothing.
  await foldShards(kind);
  expect(await counter(table)).toBe(2);
});

it('keeps the counter on the index through the stream consumer and a recount', async () => {
  const table = await tables.createIndexed();
  const kind = { ...store().actors, table };
  const arn = `arn:aws:dynamodb:ddblocal:000000000000:table/${table}/stream/2026-12-03T00:00:00.000`;
  await countStreamRecords([{ eventID: 'i1', eventName: 'INSERT', eventSourceARN: arn, dynamodb: { Keys: { pk: { S: 'ACTOR#one' } } } }]);
  expect(await firstOnTheList(table)).toMatchObject({ pk: 'ACTOR_COUNT', total: 1 });
  await recount(kind);
  expect(await firstOnTheList(table)).toMatchObject({ pk: 'ACTOR_COUNT', total: 0 });
});
