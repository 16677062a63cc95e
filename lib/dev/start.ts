/**
 * npm start [-- --in-memory] [-- --json] [-- --index-lag <ms>]
 *
 * The whole API on this machine: DynamoDB Local (data under .local/dynamodb,
 * or in memory), tables as serverless.yml declares them, demo data on first
 * run, a local signing key, and serverless-offline on PORT (default 3000).
 * Then a short banner, and a line per request: readable on a terminal, the
 * functions' JSON lines otherwise or with --json (LOG_FORMAT=json|pretty
 * chooses too). `--index-lag <ms>` puts the index-lag proxy (index-lag.ts)
 * between the API and DynamoDB Local, so a list shows a write only <ms>
 * later, as on AWS. Ctrl-C stops every process started here.
 */
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import { parseArgs } from 'node:util';
import { ROLE_SLUGS } from '../auth/permissions';
import { foldShards } from '../storage/count-repair';
import { store } from '../storage/store';
import { ensureLocalKeys } from '../auth/local-keys';
import { quietly } from '../log';
import { outputFormat, presentLine } from './console';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { startIndexLagProxy, type IndexLagProxy } from './index-lag';
import { startOffline, type OfflineStack } from './offline';
import { assertPortFree, PortInUseError } from './ports';
import { startReaper, stopAllStarted } from './processes';
import { seedDemoData } from './seed';
import { ensureTables, tableNamesFor } from './tables';
import { DEFAULT_KEYS_DIR, mintRoleToken } from './tokens';

const { values } = parseArgs({
  options: { 'in-memory': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, 'index-lag': { type: 'string' } },
});
const format = outputFormat({ json: values.json, logFormat: process.env.LOG_FORMAT, isTty: isatty(1) });
const indexLagSetting = values['index-lag'];
const indexLagMs = indexLagSetting === undefined ? 0 : Number(indexLagSetting);
if (!Number.isInteger(indexLagMs) || indexLagMs < 0) {
  console.error(`--index-lag takes a whole number of milliseconds, not "${indexLagSetting ?? ''}".`);
  process.exit(2);
}
const portSetting = process.env.PORT ?? '3000';
const port = Number(portSetting);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not "${portSetting}".`);
  process.exit(2);
}
const stage = 'dev';
const auth0Domain = process.env.AUTH0_DOMAIN ?? '';
const apiAudience = process.env.API_AUDIENCE ?? '';
const auth0Settings = [auth0Domain, apiAudience].filter((value) => value.trim() !== '');
if (auth0Settings.length === 1) {
  console.error('Set both AUTH0_DOMAIN and API_AUDIENCE to accept Auth0 tokens, or neither for local tokens.');
  process.exit(2);
}
const auth0 = auth0Settings.length === 2;
const keysDir = resolve(process.env.ENSEMBLE_KEYS_DIR || DEFAULT_KEYS_DIR);

let database: DynamoDbLocal | undefined;
let lag: IndexLagProxy | undefined;
let api: OfflineStack | undefined;
let stopped: Promise<void> | undefined;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Whatever phase start-up is in, every child goes (stopAllStarted also stops those still starting). */
const stopAll = async (exitCode: number): Promise<never> => {
  stopped ??= Promise.all([stopAllStarted(), lag?.close()]).then(() => undefined);
  await stopped;
  process.exit(exitCode);
};
// SIGHUP is a closed terminal; npm forwards only SIGINT and SIGTERM, hence the parent watch below.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
// If npm (or whatever ran us) dies, we are re-parented: stop rather than hold the port with nobody to press Ctrl-C.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stopAll(0);
}, 500).unref();

// DynamoDB Local on a laptop is far slower than DynamoDB; give it room before answering 503.
const LOCAL_DYNAMODB_TIMEOUT_MS = '5000';

/** Set once the banner is out: the requests before it are start-up's own readiness probes. */
let serving = false;

/** serverless-offline's output, through lib/dev/console.ts. */
const showServerLine = (line: string, stream: 'stdout' | 'stderr'): void => {
  const shown = presentLine(line, format, { requests: serving });
  if (shown === undefined) return;
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${shown}\n`);
};

const printWelcome = async (url: string): Promise<void> => {
  const api = `${url}/api/v1`;
  const lines = ['', `Ensemble is running at ${api}`, `API reference: ${api}/docs`, ''];
  if (auth0) {
    lines.push(`Auth0 mode: send access tokens issued by ${auth0Domain} for ${apiAudience}.`);
  } else {
    lines.push('Tokens, valid 24 h (`npm run --silent token -- <role>` makes fresh ones):');
    for (const role of ROLE_SLUGS) lines.push(`  ${role.padEnd(20)}${await mintRoleToken(role, { keysDir })}`);
    lines.push(
      '',
      'Try:',
      '  TOKEN=$(npm run --silent token -- executive-producer)',
      `  curl -H "Authorization: Bearer $TOKEN" ${api}/actors`,
      `  curl -H "Authorization: Bearer $TOKEN" "${api}/movies?q=phil"`,
    );
  }
  lines.push(
    '',
    format === 'pretty' ? 'Requests show below, one line each (`npm start -- --json` for the JSON log lines).' : 'Requests show below as JSON log lines.',
    'Press Ctrl-C to stop.',
    '',
  );
  console.log(lines.join('\n'));
};

try {
  // Before anything starts: a taken port would otherwise surface after the banner, or as a raw stack.
  await assertPortFree(port);
  startReaper();
  if (!auth0) ensureLocalKeys(keysDir);
  database = await startDynamoDbLocal(values['in-memory'] ? {} : { dataDir: '.local/dynamodb' });
  const tables = tableNamesFor(stage);
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: database.endpoint,
    ACTORS_TABLE: tables.actorsTable,
    MOVIES_TABLE: tables.moviesTable,
    // The seeding below writes through lib/storage too: the same room as the functions get.
    DYNAMODB_TIMEOUT_MS: LOCAL_DYNAMODB_TIMEOUT_MS,
  });
  if (await ensureTables(database.client, tables)) {
    const seeded = await quietly(seedDemoData);
    console.log(`New database: added ${seeded.actors} demo actors and ${seeded.movies} demo movies.`);
  } else {
    // A database from a version with counter shards keeps its count (docs/deploying-and-operating.md#upgrading-from-the-counter-shards).
    for (const kind of [store().actors, store().movies]) await foldShards(kind);
  }
  console.log(`DynamoDB Local: ${database.endpoint} (${values['in-memory'] ? 'in memory' : 'data in .local/dynamodb'})`);
  if (indexLagMs > 0) {
    lag = await startIndexLagProxy(database.endpoint, { lagMs: indexLagMs });
    console.log(`Index lag: lists and searches show a write ${indexLagMs} ms later, as DynamoDB's indexes do (${lag.url}).`);
  }
  console.log('Starting serverless-offline (bundling the functions first)…');
  api = await startOffline({
    httpPort: port,
    stage,
    output: showServerLine,
    env: { DYNAMODB_ENDPOINT: lag?.url ?? database.endpoint, ENSEMBLE_KEYS_DIR: keysDir, DYNAMODB_TIMEOUT_MS: LOCAL_DYNAMODB_TIMEOUT_MS },
  });
  void api.ended.catch((error: unknown) => {
    if (stopped === undefined) {
      console.error(`serverless-offline stopped (${messageOf(error)}).`);
      void stopAll(1);
    }
  });
  void database.ended.catch((error: unknown) => {
    if (stopped === undefined) {
      console.error(`DynamoDB Local stopped (${messageOf(error)}).`);
      void stopAll(1);
    }
  });
  await printWelcome(`http://localhost:${port}`);
  serving = true;
} catch (error) {
  // A failure caused by our own shutdown (a child killed mid-start) is no failure to report.
  if (stopped === undefined) {
    const message = error instanceof PortInUseError
      ? `${error.message}: stop whatever listens there (an earlier npm start?), or choose another port, e.g. PORT=${port + 1} npm start.`
      : (error as Error).message;
    console.error(`npm start failed: ${message}`);
  }
  await stopAll(1);
}
