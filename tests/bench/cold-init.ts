/**
 * §7 cold init: the time to import a bundle, measured inside fresh `node`
 * processes (tests/bench/import-probe.mjs).
 *
 * Each round visits every function in a shuffled order and samples the bare
 * bundle right next to it (before or after, at random), so drift in the
 * machine's speed over the run touches both sides of every ratio alike, and
 * the bare median rests on many samples.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { seededRandom, shuffle } from './stats';
import type { Bundle } from './bundles';

const run = promisify(execFile);

/** Node 22 from node_modules (npm scripts put node_modules/.bin first on PATH; this is that node). */
const nodeBinary = process.execPath;

export interface ColdInitSamples {
  /** bundle name → import times, ms */
  samples: Map<string, number[]>;
  /** function name → function sample / the bare sample taken next to it */
  pairedRatios: Map<string, number[]>;
}

export const sampleColdInit = async (
  bundles: Bundle[],
  bare: Bundle,
  rounds: number,
  env: Record<string, string>,
  onRound?: (round: number) => void,
): Promise<ColdInitSamples> => {
  const functions = bundles.filter((bundle) => bundle !== bare);
  const samples = new Map([bare, ...functions].map((bundle) => [bundle.name, [] as number[]]));
  const pairedRatios = new Map(functions.map((bundle) => [bundle.name, [] as number[]]));
  const random = seededRandom(7);
  // One throw-away pass warms the OS file cache, as a Lambda's disk would be.
  for (const bundle of [bare, ...functions]) await probe(bundle, env);
  for (let round = 0; round < rounds; round += 1) {
    for (const bundle of shuffle(functions, random)) {
      const bareFirst = random() < 0.5;
      const first = await probe(bareFirst ? bare : bundle, env);
      const second = await probe(bareFirst ? bundle : bare, env);
      const [bareMs, functionMs] = bareFirst ? [first, second] : [second, first];
      samples.get(bare.name)!.push(bareMs);
      samples.get(bundle.name)!.push(functionMs);
      pairedRatios.get(bundle.name)!.push(functionMs / bareMs);
    }
    onRound?.(round + 1);
  }
  return { samples, pairedRatios };
};


const probe = async (bundle: Bundle, env: Record<string, string>): Promise<number> => {
  const { stdout } = await run(nodeBinary, ['tests/bench/import-probe.mjs', pathToFileURL(bundle.file).href], { env });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`${bundle.name}: the import probe printed ${JSON.stringify(stdout)}.`);
  return ms;
};
