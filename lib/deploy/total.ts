/**
 * `npm run total:fold -- --stage <stage>` and `npm run total:recount -- --stage <stage>`
 * (docs/deploying-and-operating.md#operating-a-stage): set a stage's `total` right by hand, on the stage's tables
 * (`ensemble-<stage>-actors`, `-movies`) in AWS_REGION with the shell's AWS
 * credentials, or on DynamoDB Local with DYNAMODB_ENDPOINT.
 *
 *   fold     once, after deploying this version over one with counter shards:
 *            moves their sum into the counter item and deletes them. Idempotent.
 *   recount  sets the count from the records themselves (a Scan): after a
 *            point-in-time restore, or a consumer outage longer than the stream's
 *            24 h. Exact only if no record is created or deleted while it runs.
 */
import { parseArgs } from 'node:util';
import { foldShards, recount } from '../storage/count-repair';
import { openStore, useStore } from '../storage/store';
import { tableNamesFor } from '../dev/tables';

const { values, positionals } = parseArgs({ options: { stage: { type: 'string' } }, allowPositionals: true });
const [action] = positionals;
if ((action !== 'fold' && action !== 'recount') || values.stage === undefined || values.stage.trim() === '') {
  console.error('Usage: npm run total:fold -- --stage <stage>   or   npm run total:recount -- --stage <stage>');
  process.exit(2);
}
const tables = tableNamesFor(values.stage);
const store = openStore({
  ...tables,
  region: process.env.AWS_REGION ?? 'us-east-1',
  endpoint: process.env.DYNAMODB_ENDPOINT,
  requestTimeoutMs: 10_000,
});
useStore(store);
for (const kind of [store.actors, store.movies]) {
  if (action === 'fold') console.log(`${kind.table}: folded ${await foldShards(kind)} from the counter shards into ${kind.key}_COUNT.`);
  else console.log(`${kind.table}: total set to ${await recount(kind)} records.`);
}
