/**
 * A stage deployed before `total` was sharded holds one `<KIND>_COUNT`
 * item. After deploying this version, with no migration step, its `total`
 * stays exact: the old counter is still read, and new writes move shards.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { handler as createActor } from '../../functions/actors/create';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as getActor } from '../../functions/actors/get';
import { comparableText, searchWords } from '../../lib/domain/text';
import { uniqueName } from '../helpers/api';
import { total } from '../helpers/fixtures';
import { integrityProblems } from '../helpers/integrity';
import { localDocuments } from '../helpers/local-db';
import { invoke } from '../helpers/invoke';
import { roleToken } from '../helpers/tokens';

const documents = localDocuments();

afterAll(() => documents.destroy());

/** An actor exactly as the version with the single counter wrote it, counter included. */
const writeOldLayoutActor = async (table: string, name: string): Promise<string> => {
  const id = ulid();
  const now = new Date().toISOString();
  await documents.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { pk: `ACTOR#${id}`, gsi1pk: 'ACTOR', gsi1sk: id, id, name, gender: 'female', gender_key: 'female', birth_date: '1970-01-01', created_at: now, updated_at: now, version: 1 },
          },
        },
        { Put: { TableName: table, Item: { pk: `ACTOR_UNIQUE#${comparableText(name)}`, record_id: id } } },
        { Update: { TableName: table, Key: { pk: 'ACTOR_COUNT' }, UpdateExpression: 'ADD #total :one', ExpressionAttributeNames: { '#total': 'total' }, ExpressionAttributeValues: { ':one': 1 } } },
        ...searchWords(name).map((word) => ({
          Put: { TableName: table, Item: { pk: `ACTOR_WORD#${word}#${id}`, gsi1pk: 'ACTOR_WORD', gsi1sk: `${word}#${id}`, record_id: id } },
        })),
      ],
    }),
  );
  return id;
};

it('keeps total exact across an upgrade from the single counter, with no migration step', async () => {
  const producer = await roleToken('executive-producer');
  const table = process.env.ACTORS_TABLE!;
  const before = await total('actors', producer);
  const oldIds = [];
  for (let i = 0; i < 3; i += 1) oldIds.push(await writeOldLayoutActor(table, uniqueName('Old Layout')));
  expect(await total('actors', producer)).toBe(before + 3);
  expect((await invoke(getActor, { pathParameters: { id: oldIds[0]! }, token: producer })).status).toBe(200);

  const created = await invoke(createActor, { method: 'POST', token: producer, body: { name: uniqueName('New Layout'), gender: 'male', birth_date: '1980-01-01' } });
  expect(created.status).toBe(201);
  expect(await total('actors', producer)).toBe(before + 4);

  for (const id of oldIds) {
    expect((await invoke(deleteActor, { method: 'DELETE', pathParameters: { id }, token: producer })).status).toBe(200);
  }
  expect(await total('actors', producer)).toBe(before + 1);
  expect(await integrityProblems()).toEqual([]);
});
