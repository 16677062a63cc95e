/** §7 bundle size: every function, and the bare handler, built exactly as serverless-esbuild builds them. */
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { serviceBuild } from './esbuild-options';

export const BARE = 'bare';
const BARE_ENTRY = 'tests/bench/bare-handler.ts';

export interface Bundle {
  name: string;
  entry: string;
  file: string;
  bytes: number;
}

export interface BundleResults {
  bundles: Bundle[];
  declared: Record<string, unknown>;
}

export const buildBundles = async (outDir: string): Promise<BundleResults> => {
  const { options, declared, entries } = serviceBuild();
  const bundles: Bundle[] = [];
  for (const [name, entry] of [...Object.entries(entries), [BARE, BARE_ENTRY] as const]) {
    const result = await build({ ...options, entryPoints: [entry], outdir: resolve(outDir, name), metafile: true, logLevel: 'warning' });
    const outputs = Object.entries(result.metafile.outputs);
    if (outputs.length !== 1) throw new Error(`${name}: expected one output file, got ${outputs.length}.`);
    const [file, output] = outputs[0]!;
    bundles.push({ name, entry, file: resolve(file), bytes: output.bytes });
  }
  return { bundles, declared };
};
