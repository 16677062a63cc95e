/**
 * npm run bench:list-cost [-- <actors>]
 *
 * Part 4 of `npm run bench` alone, at one table size (default 1,000 actors):
 * the read units of a plain page with and without `total`, and of the
 * costliest searches and filters we could craft, against the read budget.
 * Prints the rows; BENCHMARKS.md is written by the whole bench only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalKeys } from '../../lib/auth/local-keys';
import { startDynamoDbLocal } from '../../lib/dev/dynamodb-local';
import { ensureTables, tableNamesFor } from '../../lib/dev/tables';
import { mintRoleToken } from '../../lib/dev/tokens';
import { pageCost, seedActors } from './list-cost';
import { COMMON_QUERY } from './names';

const actors = Number(process.argv[2] ?? '1000');
const keysDir = mkdtempSync(join(tmpdir(), 'ensemble-bench-keys-'));
ensureLocalKeys(keysDir);
const database = await startDynamoDbLocal();
try {
  const tables = tableNamesFor('bench');
  await ensureTables(database.client, tables);
  const { inProcessEnvironment, loadInstrumented } = await import('./instrument');
  Object.assign(process.env, inProcessEnvironment({ endpoint: database.endpoint, keysDir, ...tables }));
  const instrumented = await loadInstrumented();
  const token = await mintRoleToken('executive-producer', { keysDir });
  await seedActors(instrumented, database.client, tables.actorsTable, 0, actors);
  const requests: [string, Record<string, string>][] = [
    ['plain list, limit=20', { limit: '20' }],
    ['plain list, limit=100', { limit: '100' }],
    [`q=${COMMON_QUERY} zq`, { limit: '100', q: `${COMMON_QUERY} zq` }],
    [`q=zq ${COMMON_QUERY} l`, { limit: '100', q: `zq ${COMMON_QUERY} l` }],
    ['q=a', { limit: '100', q: 'a' }],
    ['min_age=199', { limit: '100', min_age: '199' }],
    ['gender=nobody', { limit: '100', gender: 'nobody' }],
  ];
  console.log(`${actors} actors\n| request | RCU | page alone | total | calls (items, RCU) | returned / next |`);
  for (const [label, query] of requests) {
    const page = await pageCost(instrumented, token, label, query);
    const calls = page.calls.map((call) => `${call.command.replace(/Command$/, '')} ${call.items} ${call.capacity}`).join(' + ');
    console.log(`| ${label} | ${page.capacity} | ${page.pageCapacity} | ${page.totalCapacity} | ${calls} | ${page.returned}/${page.hasNext ? 'yes' : 'no'} |`);
  }
} finally {
  await database.stop();
  rmSync(keysDir, { recursive: true, force: true });
}
