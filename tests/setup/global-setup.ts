/**
 * Starts the servers the suite talks to, each on a free port, and hands
 * their addresses to the tests through the environment:
 *   DYNAMODB_ENDPOINT, ACTORS_TABLE, MOVIES_TABLE  DynamoDB Local, in memory, behind a
 *                                                  proxy with real DynamoDB's write contention,
 *                                                  behind one whose indexes lag INDEX_LAG_MS
 *   DYNAMODB_LOCAL_ENDPOINT                        DynamoDB Local itself
 *   ENSEMBLE_API_URL                               serverless-offline, which also consumes the
 *                                                  tables' streams (`total`, lib/dev/stream-poller.ts)
 *   ENSEMBLE_KEYS_DIR                              a fresh local key pair
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalKeys } from '../../lib/auth/local-keys';
import { startDynamoDbLocal } from '../../lib/dev/dynamodb-local';
import { startOffline } from '../../lib/dev/offline';
import { freePort } from '../../lib/dev/ports';
import { ensureTables, tableNamesFor } from '../../lib/dev/tables';
import { startIndexLagProxy } from '../../lib/dev/index-lag';
import { startFaultProxy } from '../helpers/fault-proxy';

/**
 * How long an index shows a write late, as DynamoDB's global secondary
 * indexes do, for the test files that do not choose for themselves
 * (tests/helpers/index-lag.ts): none unless ENSEMBLE_TEST_INDEX_LAG_MS says
 * (docs/running-and-testing.md#testing-and-postman).
 */
const INDEX_LAG_MS = Number(process.env.ENSEMBLE_TEST_INDEX_LAG_MS ?? '0');

const TEST_STAGE = 'test';

/** Jest skips the teardown when the setup fails, so a failed setup stops what it had started itself. */
export default async function globalSetup(): Promise<void> {
  try {
    await startServers();
  } catch (error) {
    const globalTeardown = (await import('./global-teardown')).default;
    await globalTeardown();
    throw error;
  }
}

async function startServers(): Promise<void> {
  const keysDir = mkdtempSync(join(tmpdir(), 'ensemble-keys-'));
  ensureLocalKeys(keysDir);
  const database = await startDynamoDbLocal();
  const servers: { stop: () => Promise<void> }[] = [database];
  globalThis.__ensembleServers = servers;
  const tables = tableNamesFor(TEST_STAGE);
  await ensureTables(database.client, tables);
  // Every test, in process or over HTTP, meets the transaction conflicts and, where a file asks, the index lag DynamoDB Local never shows.
  const lagging = await startIndexLagProxy(database.endpoint, { lagMs: INDEX_LAG_MS });
  servers.push({ stop: () => lagging.close() });
  const contended = await startFaultProxy(lagging.url, { contention: {} });
  servers.push({
    stop: async () => {
      const { transactions, cancelledTransactions, conflictedWrites } = contended.contention;
      process.stdout.write(
        `\nDynamoDB conflict emulation: ${transactions} transactions committed, ${cancelledTransactions} cancelled with TransactionConflict, ` +
          `${conflictedWrites} plain writes refused (the data layer retried each from a fresh read).\n`,
      );
      await contended.close();
    },
  });
  Object.assign(process.env, {
    ENSEMBLE_TEST: 'true',
    // Tests exercise local mode whatever the developer's shell says.
    AUTH0_DOMAIN: '',
    API_AUDIENCE: '',
    ENSEMBLE_KEYS_DIR: keysDir,
    DYNAMODB_ENDPOINT: contended.url,
    DYNAMODB_LOCAL_ENDPOINT: database.endpoint,
    ENSEMBLE_INDEX_LAG_URL: lagging.url,
    ENSEMBLE_INDEX_LAG_BASELINE_MS: String(INDEX_LAG_MS),
    ACTORS_TABLE: tables.actorsTable,
    MOVIES_TABLE: tables.moviesTable,
    LOG_LEVEL: 'SILENT',
    // DynamoDB Local shares two cores with everything else the suite runs.
    DYNAMODB_TIMEOUT_MS: '8000',
    AWS_REGION: 'us-east-1',
  });
  const api = await startOffline({
    httpPort: await freePort(),
    stage: TEST_STAGE,
    // The stream poller (lib/dev/offline-streams.cjs) reads DynamoDB Local's streams directly; the function it invokes writes through the proxy.
    env: { DYNAMODB_ENDPOINT: contended.url, DYNAMODB_STREAMS_ENDPOINT: database.endpoint, ENSEMBLE_KEYS_DIR: keysDir, DYNAMODB_TIMEOUT_MS: '8000' },
    output: 'ignore',
    buildFolder: `.esbuild-test-${process.pid}`,
  });
  servers.push(api);
  process.env.ENSEMBLE_API_URL = api.url;
  process.env.ENSEMBLE_API_PID = String(api.process.pid);
}
