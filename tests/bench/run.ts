/**
 * `npm run bench`: measures every quality bar (BENCHMARKS.md) side by side in one
 * run and writes BENCHMARKS.md at the repository root.
 *
 *   1. bundle size of every function vs. the bare handler (esbuild, settings from serverless.yml)
 *   2. cold init: import time inside fresh node processes, medians vs. the bare bundle
 *   3. warm overhead per request, DynamoDB time excluded, next to one RS256 verification
 *   4. read capacity of one list page (plain and `q`) at 1,000 and 50,000 actors
 *   5. HTTP through serverless-offline with autocannon, vs. the bare handler
 *   6. write scaling with DynamoDB's transaction conflicts emulated, vs. a same-size transaction on unshared items
 *   then the cost of `npm start` itself (tests/bench/local-stack.ts, its own section)
 *
 * It starts (and stops) its own in-memory DynamoDB Local and serverless-offline
 * instances on free ports, so it can run beside `npm start` or the tests.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureLocalKeys } from '../../lib/auth/local-keys';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/dev/dynamodb-local';
import { ensureTables, tableNamesFor } from '../../lib/dev/tables';
import { mintRoleToken } from '../../lib/dev/tokens';
import { BARE, buildBundles } from './bundles';
import { sampleColdInit } from './cold-init';
import { measureHttp, stopLiveServers } from './http';
import { benchLocalStack } from './local-stack';
import { pageCost, seedActors, type PageCost } from './list-cost';
import { COMMON_QUERY, FIXED_COUNT, FIXED_QUERY, FIXED_SURNAME, NAME_LISTS } from './names';
import { renderReport, type BenchResults } from './report';
import { median, quantile } from './stats';
import { events, measureRs256, measureWarm } from './warm';
import type { WriteScalingResults } from './write-scaling';

const SETTINGS = {
  coldInitRounds: 25,
  warmup: 200,
  requests: 2000,
  smallTable: 1000,
  largeTable: 50_000,
  pageLimit: 20,
  httpConnections: 20,
  httpSeconds: 15,
  httpWarmupSeconds: 5,
  rs256Runs: 2000,
};

const STAGE = 'bench';
const started = Date.now();
const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const workDir = resolve('.bench');
const keysDir = mkdtempSync(join(tmpdir(), 'ensemble-bench-keys-'));
let database: DynamoDbLocal | undefined;
/** 1-minute load average as each part began: the machine should be otherwise idle. */
const load: Record<string, number> = {};

const cleanUp = async () => {
  await stopLiveServers();
  await database?.stop();
  database = undefined;
  rmSync(keysDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

const main = async (): Promise<void> => {
  mkdirSync(workDir, { recursive: true });
  ensureLocalKeys(keysDir);
  const tables = tableNamesFor(STAGE);

  // 1. Bundles
  load.bundles = loadavg()[0]!;
  log('1/6 bundling every function and the bare handler with the esbuild settings of serverless.yml…');
  const { bundles, declared } = await buildBundles(join(workDir, 'bundles'));

  // 2. Cold init, before any server runs, so nothing else competes for the CPU.
  load.coldInit = loadavg()[0]!;
  log(`2/6 cold init: ${SETTINGS.coldInitRounds} rounds × ${bundles.length - 1} functions, each next to a bare sample, every import in a fresh node process…`);
  const functionEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ACTORS_TABLE: tables.actorsTable,
    MOVIES_TABLE: tables.moviesTable,
    // Nothing connects at import; the address only has to be well formed.
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    IS_OFFLINE: 'true',
    ENSEMBLE_KEYS_DIR: keysDir,
    AWS_REGION: 'us-east-1',
  };
  const bareBundle = bundles.find((bundle) => bundle.name === BARE)!;
  const cold = await sampleColdInit(bundles, bareBundle, SETTINGS.coldInitRounds, functionEnv, (round) => {
    if (round % 5 === 0) log(`    round ${round}/${SETTINGS.coldInitRounds}`);
  });

  // 3–4 need DynamoDB Local; everything runs in this process against the real handlers.
  log('    starting DynamoDB Local (in memory)…');
  database = await startDynamoDbLocal();
  // No streams: nothing consumes them here, and DynamoDB Local kept the backlog of the 245,000 seeded items
  // (write scaling, on the same instance, then crawled: 8 writers took 244 s where the whole run used to take 6 min).
  await ensureTables(database.client, tables, { streams: false });
  const { inProcessEnvironment, loadInstrumented } = await import('./instrument');
  Object.assign(process.env, inProcessEnvironment({ endpoint: database.endpoint, keysDir, ...tables }));
  const instrumented = await loadInstrumented();
  const token = await mintRoleToken('executive-producer', { keysDir });

  load.listCost = loadavg()[0]!;
  log(`3/6 list page cost: seeding ${SETTINGS.smallTable} actors…`);
  const seedSmall = await seedActors(instrumented, database.client, tables.actorsTable, 0, SETTINGS.smallTable);
  const pages = async (): Promise<PageCost[]> => [
    await pageCost(instrumented, token, 'plain list', { limit: String(SETTINGS.pageLimit) }),
    await pageCost(instrumented, token, `q=${FIXED_QUERY}`, { limit: String(SETTINGS.pageLimit), q: FIXED_QUERY }),
    await pageCost(instrumented, token, `q=${COMMON_QUERY}`, { limit: String(SETTINGS.pageLimit), q: COMMON_QUERY }),
  ];
  const small = await pages();
  log(`    seeding up to ${SETTINGS.largeTable} actors…`);
  const seedLarge = await seedActors(instrumented, database.client, tables.actorsTable, SETTINGS.smallTable, SETTINGS.largeTable);
  log(`    seeded ${seedLarge.actors} actors (${seedLarge.items} items) in ${(seedLarge.ms / 1000).toFixed(0)} s`);
  const large = await pages();
  // The most one request can be made to read: searches whose lead word matches thousands of records and whose
  // other words match none, the widest search, and filters that match nothing, each at the largest page.
  const crafted = [
    await pageCost(instrumented, token, `q=${COMMON_QUERY} zq`, { limit: '100', q: `${COMMON_QUERY} zq` }),
    await pageCost(instrumented, token, `q=zq ${COMMON_QUERY} l`, { limit: '100', q: `zq ${COMMON_QUERY} l` }),
    await pageCost(instrumented, token, 'q=a', { limit: '100', q: 'a' }),
    await pageCost(instrumented, token, 'min_age=199', { limit: '100', min_age: '199' }),
    await pageCost(instrumented, token, 'gender=nobody', { limit: '100', gender: 'nobody' }),
    await pageCost(instrumented, token, 'plain list, limit=100', { limit: '100' }),
  ];
  const matchCounts = await countMatches([SETTINGS.smallTable, SETTINGS.largeTable]);

  load.warm = loadavg()[0]!;
  log(`4/6 warm overhead: ${SETTINGS.requests} requests per handler after ${SETTINGS.warmup} warm-up…`);
  const rs256 = measureRs256(token, keysDir, 200, SETTINGS.rs256Runs);
  const ids = [...seedSmall.ids, ...seedLarge.ids];
  const sampleIds = Array.from({ length: 2000 }, (_, index) => ids[(index * 24_989) % ids.length]!);
  const warm = [
    await measureWarm(instrumented, 'getActor', events.getActor(token, sampleIds), 200, SETTINGS.warmup, SETTINGS.requests),
    await measureWarm(
      instrumented,
      'getActor',
      events.getActorNewTokens(
        await Promise.all(
          Array.from({ length: SETTINGS.warmup + SETTINGS.requests }, (_, index) =>
            mintRoleToken('executive-producer', { keysDir, claims: { jti: `bench-${index}` } }),
          ),
        ),
        sampleIds,
      ),
      200,
      SETTINGS.warmup,
      SETTINGS.requests,
      'getActor, a new token every request',
    ),
    await measureWarm(instrumented, 'listActors', events.listActors(token), 200, SETTINGS.warmup, SETTINGS.requests),
    await measureWarm(instrumented, 'createActor', events.createActor(token), 201, SETTINGS.warmup, SETTINGS.requests),
  ];
  const rs256After = measureRs256(token, keysDir, 200, SETTINGS.rs256Runs);

  load.http = loadavg()[0]!;
  log(`5/6 HTTP via serverless-offline: ${SETTINGS.httpConnections} connections, ${SETTINGS.httpSeconds} s each…`);
  const http: BenchResults['http'] = await measureHttp({
    bundles: bundles.filter((bundle) => bundle !== bareBundle),
    bare: { ...bareBundle, entry: 'bare-handler.ts' },
    env: { DYNAMODB_ENDPOINT: database.endpoint, ENSEMBLE_KEYS_DIR: keysDir, ACTORS_TABLE: tables.actorsTable, AUTH0_DOMAIN: '', API_AUDIENCE: '' },
    token,
    actorId: ids[ids.length - 1]!,
    connections: SETTINGS.httpConnections,
    seconds: SETTINGS.httpSeconds,
    warmupSeconds: SETTINGS.httpWarmupSeconds,
    log,
  }).catch((error: unknown) => {
    // The other figures still deserve a report; this part says why it has none, and the run fails.
    log(`    HTTP measurement failed: ${String(error)}`);
    process.exitCode = 1;
    return { error: error instanceof Error ? error.message : String(error) };
  });

  load.writeScaling = loadavg()[0]!;
  log('6/6 write scaling through the contention emulation: 1, 8 and 32 writers, each beside its baseline…');
  const writeScaling = await measureWriteScalingApart(database.endpoint).catch((error: unknown) => {
    log(`    write scaling failed: ${String(error)}`);
    process.exitCode = 1;
    return { error: error instanceof Error ? error.message : String(error) };
  });

  await cleanUp();
  load.end = loadavg()[0]!;
  const results: BenchResults = {
    date: new Date(),
    durationSeconds: (Date.now() - started) / 1000,
    settings: SETTINGS,
    declaredEsbuild: declared,
    bundles: bundles.map((bundle) => ({ name: bundle.name, entry: bundle.entry, bytes: bundle.bytes })),
    bareName: BARE,
    coldInit: bundles.map((bundle) => {
      const samples = cold.samples.get(bundle.name)!;
      const paired = cold.pairedRatios.get(bundle.name);
      return {
        name: bundle.name,
        samples: samples.length,
        median: median(samples),
        p25: quantile(samples, 0.25),
        p75: quantile(samples, 0.75),
        pairedRatio: paired === undefined ? undefined : median(paired),
      };
    }),
    load,
    listCost: {
      small: { actors: SETTINGS.smallTable, pages: small },
      large: { actors: SETTINGS.largeTable, pages: large },
      crafted,
      seeded: { smallItems: seedSmall.items, largeItems: seedSmall.items + seedLarge.items, seconds: (seedSmall.ms + seedLarge.ms) / 1000 },
      queries: { fixed: FIXED_QUERY, fixedSurname: FIXED_SURNAME, fixedCount: FIXED_COUNT, common: COMMON_QUERY, matchCounts },
      names: NAME_LISTS,
    },
    warm,
    rs256: [rs256, rs256After],
    http,
    writeScaling,
  };
  writeFileSync('BENCHMARKS.md', withOtherSections(renderReport(results)));
  log(`wrote BENCHMARKS.md in ${results.durationSeconds.toFixed(0)} s`);
  await benchLocalStack(log);
};

/**
 * Part 6 runs in a child process: its handlers must reach DynamoDB through the
 * contention emulation, and lib/ reads the endpoint once, at import, which in
 * this process already happened (against DynamoDB Local directly).
 */
const measureWriteScalingApart = (localEndpoint: string): Promise<WriteScalingResults> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/write-scaling.ts'], {
      env: { ...process.env, DYNAMODB_LOCAL_ENDPOINT: localEndpoint, ENSEMBLE_KEYS_DIR: keysDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter((text) => text.startsWith('    '))) log(line);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('WRITE_SCALING '));
      if (code !== 0 || line === undefined) reject(new Error(`the write-scaling process exited with ${String(code)} and no figures`));
      else resolve(JSON.parse(line.slice('WRITE_SCALING '.length)) as WriteScalingResults);
    });
  });

/**
 * Sections other tools keep in BENCHMARKS.md between `<!-- name:begin -->` and
 * `<!-- name:end -->` (npm run test:load, for one) survive a new bench report.
 */
const withOtherSections = (report: string): string => {
  let existing: string;
  try {
    existing = readFileSync('BENCHMARKS.md', 'utf8');
  } catch {
    return report;
  }
  const sections = [...existing.matchAll(/<!-- ([\w-]+):begin -->[\s\S]*?<!-- \1:end -->/g)].map((match) => match[0]);
  return sections.length === 0 ? report : `${report.trimEnd()}\n\n${sections.join('\n\n')}\n`;
};

/** How many of the first N seeded actors each search matches (computed from the names, as the index would). */
const countMatches = async (sizes: number[]): Promise<Record<string, Record<number, number>>> => {
  const { searchWords } = await import('../../lib/domain/text');
  const { actorName } = await import('./names');
  const counts: Record<string, Record<number, number>> = { [FIXED_QUERY]: {}, [COMMON_QUERY]: {} };
  for (const query of [FIXED_QUERY, COMMON_QUERY]) {
    for (const size of sizes) {
      let count = 0;
      for (let index = 0; index < size; index += 1) if (searchWords(actorName(index)).some((word) => word.startsWith(query))) count += 1;
      counts[query]![size] = count;
    }
  }
  return counts;
};

try {
  await main();
} catch (error) {
  console.error(error);
  await cleanUp();
  process.exitCode = 1;
}
