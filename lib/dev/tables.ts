/**
 * Creates the tables declared in serverless.yml on DynamoDB Local, so that
 * development and tests use exactly the keys and indexes production has.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

export interface TableNames {
  actorsTable: string;
  moviesTable: string;
}

export const tableNamesFor = (stage: string): TableNames => ({
  actorsTable: `ensemble-${stage}-actors`,
  moviesTable: `ensemble-${stage}-movies`,
});

type TableResource = {
  Properties: Omit<CreateTableCommandInput, 'TableName' | 'StreamSpecification'> & { StreamSpecification?: { StreamViewType: 'KEYS_ONLY' } } & Record<string, unknown>;
};

const declaredTables = (): Record<'ActorsTable' | 'MoviesTable', TableResource> => {
  // CloudFormation tags (!GetAtt …) are irrelevant here; keep them as plain strings.
  const document = parseDocument(readFileSync('serverless.yml', 'utf8'), {
    customTags: ['GetAtt', 'Join', 'Ref', 'Sub'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value })),
  });
  const resources = (document.toJS() as { resources: { Resources: Record<string, TableResource> } }).resources.Resources;
  const { ActorsTable, MoviesTable } = resources;
  if (ActorsTable === undefined || MoviesTable === undefined) throw new Error('serverless.yml declares no ActorsTable or no MoviesTable.');
  return { ActorsTable, MoviesTable };
};

/**
 * Creates any missing table, and turns on the declared stream of a table made
 * before it had one (its records are counted by `npm run total:fold`, which
 * npm start runs); returns true when it created one (a first run).
 */
export const ensureTables = async (
  client: DynamoDBClient,
  names: TableNames,
  {
    streams = true,
  }: {
    /** The declared streams; off for a benchmark that seeds many items no consumer will ever read. */
    streams?: boolean;
  } = {},
): Promise<boolean> => {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const declared = declaredTables();
  let created = false;
  for (const [logicalId, tableName] of [
    ['ActorsTable', names.actorsTable],
    ['MoviesTable', names.moviesTable],
  ] as const) {
    const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode, StreamSpecification: stream } = declared[logicalId].Properties;
    const StreamSpecification = stream === undefined || !streams ? undefined : { StreamEnabled: true, StreamViewType: stream.StreamViewType };
    if (existing.has(tableName)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (StreamSpecification !== undefined && Table?.StreamSpecification?.StreamEnabled !== true) {
        await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification }));
      }
      continue;
    }
    await client.send(
      new CreateTableCommand({ TableName: tableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode, StreamSpecification }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    created = true;
  }
  return created;
};
