/**
 * A document client straight to DynamoDB Local, past the conflict emulation,
 * for what a test sets up or inspects by hand (the data layer's own writes go
 * through the emulation). One per test file, destroyed by the caller.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const localDocuments = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: process.env.DYNAMODB_LOCAL_ENDPOINT,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );

/**
 * Tables of a test's own on DynamoDB Local (keyed by `pk` alone, as ours
 * are), for tests that must not touch the suite's tables; `dropAll` deletes
 * every one it made. `create(name)` takes a chosen name, for a table a test
 * refers to before it exists; `createIndexed()` adds index gsi1 as
 * serverless.yml declares it, for what lists read.
 */
export const scratchTables = (prefix: string) => {
  const admin = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_LOCAL_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const made: string[] = [];
  const create = async (name = `ensemble-test-${prefix}-${Date.now()}-${made.length}`): Promise<string> => {
    await admin.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    made.push(name);
    await waitUntilTableExists({ client: admin, maxWaitTime: 30 }, { TableName: name });
    return name;
  };
  const createIndexed = async (): Promise<string> => {
    const name = `ensemble-test-${prefix}-${Date.now()}-${made.length}`;
    await admin.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: ['pk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    made.push(name);
    await waitUntilTableExists({ client: admin, maxWaitTime: 30 }, { TableName: name });
    return name;
  };
  const dropAll = async (): Promise<void> => {
    for (const table of made) await admin.send(new DeleteTableCommand({ TableName: table }));
    admin.destroy();
  };
  return { create, createIndexed, dropAll };
};
