/**
 * The restore runbook's last step (docs/deploying-and-operating.md#operating-a-stage): a live table made equal to
 * its point-in-time copy, against DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { replaceTableContents } from '../../lib/deploy/replace-table';
import { ensureTables, tableNamesFor } from '../../lib/dev/tables';

const raw = new DynamoDBClient({
  endpoint: process.env.DYNAMODB_ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const client = DynamoDBDocumentClient.from(raw);
const restored = tableNamesFor(`restored-${process.pid}`);
const live = tableNamesFor(`live-${process.pid}`);

const contents = async (table: string) =>
  ((await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).sort((a, b) => String(a.pk).localeCompare(String(b.pk)));

beforeAll(async () => {
  await ensureTables(raw, restored);
  await ensureTables(raw, live);
  // The restored copy: 60 items (more than one batch of 25), one with a set and a map.
  for (let index = 0; index < 60; index += 1) {
    await client.send(new PutCommand({ TableName: restored.actorsTable, Item: { pk: `ACTOR#${String(index).padStart(3, '0')}`, version: 1 } }));
  }
  await client.send(
    new PutCommand({ TableName: restored.actorsTable, Item: { pk: 'ACTOR#set', movie_ids: new Set(['m1', 'm2']), nested: { a: [1, 'two'] } } }),
  );
  // The live table after the damage: an item changed since, one deleted since, two created since.
  await client.send(new PutCommand({ TableName: live.actorsTable, Item: { pk: 'ACTOR#000', version: 7, name: 'changed' } }));
  await client.send(new PutCommand({ TableName: live.actorsTable, Item: { pk: 'ACTOR#new-1', version: 1 } }));
  await client.send(new PutCommand({ TableName: live.actorsTable, Item: { pk: 'ACTOR#new-2', version: 1 } }));
});

it('counts, without changing anything, unless told --yes', async () => {
  const before = await contents(live.actorsTable);
  expect(await replaceTableContents(client, restored.actorsTable, live.actorsTable, false)).toEqual({ written: 61, deleted: 2 });
  expect(await contents(live.actorsTable)).toEqual(before);
});

it('makes the live table hold exactly the restored items', async () => {
  expect(await replaceTableContents(client, restored.actorsTable, live.actorsTable, true)).toEqual({ written: 61, deleted: 2 });
  const result = await contents(live.actorsTable);
  expect(result).toEqual(await contents(restored.actorsTable));
  expect(result).toHaveLength(61);
  expect(result.find((item) => item.pk === 'ACTOR#000')).toEqual({ pk: 'ACTOR#000', version: 1 });
  expect(result.find((item) => item.pk === 'ACTOR#set')!.movie_ids).toEqual(new Set(['m1', 'm2']));
});

it('stops before writing anything when a table does not exist', async () => {
  await expect(replaceTableContents(client, restored.actorsTable, 'no-such-table', false)).rejects.toThrow();
});
