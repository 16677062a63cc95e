/**
 * Starts the servers the suite talks to, each on a free port, and hands
 * their addresses to the tests through the environment. One DynamoDB Local,
 * in memory (DYNAMODB_LOCAL_ENDPOINT), and for each jest worker a lane of its
 * own (tests/setup/lanes.ts), which tests/setup/lane-env.ts hands to each test
 * file under these names:
 *   ACTORS_TABLE, MOVIES_TABLE     the lane's tables (stage test-<n>)
 *   DYNAMODB_ENDPOINT              a proxy with real DynamoDB's write contention, in front of one
 *                                  whose indexes lag as the file asks (ENSEMBLE_INDEX_LAG_URL)
 *   ENSEMBLE_API_URL               serverless-offline for the lane's tables, which also consumes
 *                                  their streams (`total`, lib/dev/stream-poller.ts)
 *   ENSEMBLE_KEYS_DIR              a fresh local key pair (the same for every lane)
 */
import type { Config } from '@jest/types';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalKeys } from '../../lib/auth/local-keys';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/dev/dynamodb-local';
import { startOffline } from '../../lib/dev/offline';
import { freePort } from '../../lib/dev/ports';
import { ensureTables, tableNamesFor } from '../../lib/dev/tables';
import { startIndexLagProxy } from '../../lib/dev/index-lag';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { LANES_VARIABLE, laneStage, type Lane } from './lanes';

/**
 * How long an index shows a write late, as DynamoDB's global secondary
 * indexes do, for the test files that do not choose for themselves
 * (tests/helpers/index-lag.ts): none unless ENSEMBLE_TEST_INDEX_LAG_MS says
 * (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
 */
const INDEX_LAG_MS = Number(process.env.ENSEMBLE_TEST_INDEX_LAG_MS ?? '0');

/** Jest skips the teardown when the setup fails, so a failed setup stops what it had started itself. */
export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  try {
    // One lane per worker; one in all when jest runs in band (-i).
    await startServers(globalConfig.runInBand ? 1 : Math.max(1, globalConfig.maxWorkers));
  } catch (error) {
    const globalTeardown = (await import('./global-teardown')).default;
    await globalTeardown();
    throw error;
  }
}

/** The conflict emulation of every lane, for the teardown's summary. */
const contended: FaultProxy[] = [];

async function startServers(laneCount: number): Promise<void> {
  const keysDir = mkdtempSync(join(tmpdir(), 'ensemble-keys-'));
  ensureLocalKeys(keysDir);
  const database = await startDynamoDbLocal();
  const servers: { stop: () => Promise<void> }[] = [database];
  globalThis.__ensembleServers = servers;
  servers.push({
    stop: () => {
      const sum = (field: 'transactions' | 'cancelledTransactions' | 'conflictedWrites') =>
        contended.reduce((total, proxy) => total + proxy.contention[field], 0);
      process.stdout.write(
        `\nDynamoDB conflict emulation: ${sum('transactions')} transactions committed, ${sum('cancelledTransactions')} cancelled with TransactionConflict, ` +
          `${sum('conflictedWrites')} plain writes refused (the data layer retried each from a fresh read).\n`,
      );
      return Promise.resolve();
    },
  });
  Object.assign(process.env, {
    ENSEMBLE_TEST: 'true',
    // Tests exercise local mode whatever the developer's shell says.
    AUTH0_DOMAIN: '',
    API_AUDIENCE: '',
    ENSEMBLE_KEYS_DIR: keysDir,
    DYNAMODB_LOCAL_ENDPOINT: database.endpoint,
    ENSEMBLE_INDEX_LAG_BASELINE_MS: String(INDEX_LAG_MS),
    LOG_LEVEL: 'SILENT',
    // DynamoDB Local shares two cores with everything else the suite runs.
    DYNAMODB_TIMEOUT_MS: '8000',
    AWS_REGION: 'us-east-1',
  });
  // The lanes' stacks bundle at the same time: most of a start is waiting on esbuild and serverless's own start-up.
  const lanes = await Promise.all(Array.from({ length: laneCount }, (_, index) => startLane(index + 1, database, keysDir, servers)));
  process.env[LANES_VARIABLE] = JSON.stringify(lanes);
}

async function startLane(n: number, database: DynamoDbLocal, keysDir: string, servers: { stop: () => Promise<void> }[]): Promise<Lane> {
  const stage = laneStage(n);
  const tables = tableNamesFor(stage);
  await ensureTables(database.client, tables);
  // Every test, in process or over HTTP, meets the transaction conflicts and, where a file asks, the index lag DynamoDB Local never shows.
  const lagging = await startIndexLagProxy(database.endpoint, { lagMs: INDEX_LAG_MS });
  servers.push({ stop: () => lagging.close() });
  const proxy = await startFaultProxy(lagging.url, { contention: {} });
  contended.push(proxy);
  servers.push({ stop: () => proxy.close() });
  const api = await startOffline({
    httpPort: await freePort(),
    stage,
    // The stream poller (lib/dev/offline-streams.cjs) reads DynamoDB Local's streams directly; the function it invokes writes through the proxy.
    env: {
      ACTORS_TABLE: tables.actorsTable,
      MOVIES_TABLE: tables.moviesTable,
      DYNAMODB_ENDPOINT: proxy.url,
      DYNAMODB_STREAMS_ENDPOINT: database.endpoint,
      ENSEMBLE_KEYS_DIR: keysDir,
      DYNAMODB_TIMEOUT_MS: '8000',
    },
    output: 'ignore',
    buildFolder: `.esbuild-test-${String(process.pid)}-${String(n)}`,
  });
  servers.push(api);
  return {
    ACTORS_TABLE: tables.actorsTable,
    MOVIES_TABLE: tables.moviesTable,
    DYNAMODB_ENDPOINT: proxy.url,
    ENSEMBLE_INDEX_LAG_URL: lagging.url,
    ENSEMBLE_API_URL: api.url,
    ENSEMBLE_API_PID: String(api.process.pid),
  };
}
