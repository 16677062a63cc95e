/**
 * Before each stack test file: the lane of the worker running it
 * (tests/setup/lanes.ts). A file run on its own runs in band, as worker 1.
 */
import { LANES_VARIABLE, type Lane } from './lanes';

const lanes = JSON.parse(process.env[LANES_VARIABLE] ?? '[]') as Lane[];
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
const lane = lanes[worker - 1];
if (lane === undefined) {
  throw new Error(`No test lane for jest worker ${String(worker)}: the global setup started ${String(lanes.length)} (one per worker, --maxWorkers).`);
}
Object.assign(process.env, lane);
