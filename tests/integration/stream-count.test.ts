/**
 * `total` counts each record insert and removal exactly once, whatever the
 * stream's at-least-once delivery does to a batch: the same batch again, an
 * event twice in one batch, overlapping and bisected batches, a redelivery
 * after a partial failure, and both copies at once. The consumer runs
 * in-process against DynamoDB Local (through the conflict emulation), on a
 * scratch table of its own; the expected counts are worked out by hand from
 * the events.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { countStreamRecords, SEEN_LIFETIME_SECONDS, type StreamRecord } from '../../lib/storage/record-count';
import { localDocuments, scratchTables } from '../helpers/local-db';

const documents = localDocuments();
const tables = scratchTables('count');
const createTable = (): Promise<string> => tables.create();

afterAll(async () => {
  await tables.dropAll();
  documents.destroy();
});

const arnOf = (table: string) => `arn:aws:dynamodb:ddblocal:000000000000:table/${table}/stream/2026-12-03T00:00:00.000`;

/** A KEYS_ONLY stream record as Lambda delivers it. */
const record = (table: string, eventID: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', pk: string): StreamRecord => ({
  eventID,
  eventName,
  eventSourceARN: arnOf(table),
  dynamodb: { Keys: { pk: { S: pk } } },
});

const counter = async (table: string, kind = 'ACTOR'): Promise<number | undefined> =>
  (await documents.send(new GetCommand({ TableName: table, Key: { pk: `${kind}_COUNT` }, ConsistentRead: true }))).Item?.total as number | undefined;

/** `inserts` creates and `removes` deletes of actors, in order, numbered from `from`. */
const batch = (table: string, inserts: number, removes = 0, from = 0): StreamRecord[] => [
  ...Array.from({ length: inserts }, (_, index) => record(table, `ins-${from + index}`, 'INSERT', `ACTOR#a${from + index}`)),
  ...Array.from({ length: removes }, (_, index) => record(table, `rem-${from + index}`, 'REMOVE', `ACTOR#a${from + index}`)),
];

it('counts a batch delivered twice once', async () => {
  const table = await createTable();
  const events = batch(table, 7, 2);
  await countStreamRecords(events);
  await countStreamRecords(events);
  expect(await counter(table)).toBe(5);
});

it('counts an event that comes twice in one batch once, and ignores what is not a record insert or removal', async () => {
  const table = await createTable();
  const [first, second] = batch(table, 2);
  await countStreamRecords([
    first!,
    second!,
    first!,
    record(table, 'mod-1', 'MODIFY', 'ACTOR#a0'),
    record(table, 'claim-1', 'INSERT', 'ACTOR_UNIQUE#someone'),
    record(table, 'word-1', 'INSERT', 'ACTOR_WORD#some#a0'),
    record(table, 'seen-1', 'REMOVE', 'SEEN#ins-0'),
  ]);
  expect(await counter(table)).toBe(2);
});

it('counts overlapping and bisected redeliveries of a batch once', async () => {
  const table = await createTable();
  const events = batch(table, 12, 4);
  // The first attempt, then Lambda's halves after a "failure", then quarters, then an overlapping redelivery.
  await countStreamRecords(events);
  await countStreamRecords(events.slice(0, 8));
  await countStreamRecords(events.slice(8));
  await countStreamRecords(events.slice(4, 8));
  await countStreamRecords(events.slice(5, 14));
  expect(await counter(table)).toBe(8);
});

it('counts the rest, and only the rest, when a batch that failed half-way comes again', async () => {
  const table = await createTable();
  // 150 inserts make two transactions (99 + 51); the movies of a table that does not exist yet make the batch fail after them.
  const missing = `ensemble-test-count-missing-${Date.now()}`;
  const events = [...batch(table, 150), record(missing, 'movie-1', 'INSERT', 'MOVIE#m1'), record(missing, 'movie-2', 'INSERT', 'MOVIE#m2')];
  await expect(countStreamRecords(events)).rejects.toThrow();
  expect(await counter(table)).toBe(150);
  // The retry: the table is there now.
  await tables.create(missing);
  await countStreamRecords(events);
  expect(await counter(table)).toBe(150);
  expect(await counter(missing, 'MOVIE')).toBe(2);
});

it('counts once when the same batch is delivered to two invocations at the same moment', async () => {
  const table = await createTable();
  const events = batch(table, 30, 10);
  await Promise.all([countStreamRecords(events), countStreamRecords(events), countStreamRecords(events.slice(10, 35))]);
  expect(await counter(table)).toBe(20);
});

it('marks each counted event with an item that expires after the stream keeps it (24 h)', async () => {
  const table = await createTable();
  const now = Date.now();
  await countStreamRecords(batch(table, 1), now);
  const seen = (await documents.send(new GetCommand({ TableName: table, Key: { pk: 'SEEN#ins-0' }, ConsistentRead: true }))).Item;
  expect(seen?.expires_at).toBe(Math.floor(now / 1000) + SEEN_LIFETIME_SECONDS);
  expect(SEEN_LIFETIME_SECONDS).toBeGreaterThan(24 * 60 * 60);
});
