/**
 * The index-lag proxy (lib/dev/index-lag.ts) itself: an index query shows an
 * item as it was before a recent write (missing when new, the earlier
 * version when changed, still there when deleted), respecting the query's
 * partition, prefix and projection, and then converges. The base table stays
 * strongly consistent.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { readDataConfig } from '../../lib/config';
import { startIndexLagProxy, type IndexLagProxy } from '../../lib/dev/index-lag';
import { eventually } from '../helpers/eventually';

// Long enough that the reads right after a write happen well inside it, even on a loaded machine.
const LAG_MS = 4000;

let proxy: IndexLagProxy;
let db: DynamoDBDocumentClient;
const { actorsTable: table } = readDataConfig();

beforeAll(async () => {
  proxy = await startIndexLagProxy(process.env.DYNAMODB_LOCAL_ENDPOINT!, { lagMs: LAG_MS });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: proxy.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
});

afterAll(async () => {
  db.destroy();
  await proxy.close();
});

const partitionOf = () => `LAGTEST#${ulid()}`;

const indexed = async (partition: string, extra: { prefix?: string; projection?: string } = {}) =>
  (
    await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: `gsi1pk = :partition${extra.prefix === undefined ? '' : ' AND begins_with(gsi1sk, :prefix)'}`,
        ExpressionAttributeValues: { ':partition': partition, ...(extra.prefix === undefined ? {} : { ':prefix': extra.prefix }) },
        ...(extra.projection === undefined ? {} : { ProjectionExpression: extra.projection }),
      }),
    )
  ).Items ?? [];

const labels = (items: Record<string, unknown>[]) => items.map((item) => item.label);

it('hides a new item from the index, not from the table, until it converges', async () => {
  const partition = partitionOf();
  const pk = `LAGTEST#${ulid()}`;
  await db.send(new PutCommand({ TableName: table, Item: { pk, gsi1pk: partition, gsi1sk: 'b', label: 'new' } }));
  expect(await indexed(partition)).toEqual([]);
  expect((await db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item?.label).toBe('new');
  expect(labels(await eventually(() => indexed(partition), (items) => items.length > 0))).toEqual(['new']);
});

it('shows a changed item as it was, in its old place, projected as asked, then the new version', async () => {
  const partition = partitionOf();
  const pk = `LAGTEST#${ulid()}`;
  const other = `LAGTEST#${ulid()}`;
  await db.send(new PutCommand({ TableName: table, Item: { pk, gsi1pk: partition, gsi1sk: 'a', label: 'old' } }));
  await db.send(new PutCommand({ TableName: table, Item: { pk: other, gsi1pk: partition, gsi1sk: 'm', label: 'other' } }));
  await eventually(() => indexed(partition), (items) => items.length === 2);
  await db.send(new PutCommand({ TableName: table, Item: { pk, gsi1pk: partition, gsi1sk: 'z', label: 'changed' } }));
  expect(labels(await indexed(partition))).toEqual(['old', 'other']);
  expect(labels(await indexed(partition, { prefix: 'a' }))).toEqual(['old']);
  expect(labels(await indexed(partition, { prefix: 'z' }))).toEqual([]);
  expect(await indexed(partition, { prefix: 'a', projection: 'label' })).toEqual([{ label: 'old' }]);
  expect(labels(await eventually(() => indexed(partition), (items) => labels(items).includes('changed')))).toEqual(['other', 'changed']);
});

it('keeps a deleted item (also one deleted in a transaction) in the index for a while, then drops it', async () => {
  const partition = partitionOf();
  const [first, second] = [`LAGTEST#${ulid()}`, `LAGTEST#${ulid()}`];
  await db.send(new PutCommand({ TableName: table, Item: { pk: first, gsi1pk: partition, gsi1sk: '1', label: 'first' } }));
  await db.send(new PutCommand({ TableName: table, Item: { pk: second, gsi1pk: partition, gsi1sk: '2', label: 'second' } }));
  await eventually(() => indexed(partition), (items) => items.length === 2);
  await db.send(new DeleteCommand({ TableName: table, Key: { pk: first } }));
  await db.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: table, Key: { pk: second } } }] }));
  expect(labels(await indexed(partition))).toEqual(['first', 'second']);
  expect((await db.send(new GetCommand({ TableName: table, Key: { pk: first }, ConsistentRead: true }))).Item).toBeUndefined();
  expect(await eventually(() => indexed(partition), (items) => items.length === 0)).toEqual([]);
});
