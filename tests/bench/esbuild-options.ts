/**
 * The esbuild options serverless-esbuild uses for this service, read from
 * serverless.yml so the benchmark can never drift from what is deployed.
 *
 * This mirrors serverless-esbuild 1.x (dist/index.js buildOptions, dist/bundle.js):
 * its defaults, the target implied by provider.runtime, then custom.esbuild
 * merged over them; plugin-only options removed; `exclude` turned into
 * `external`; `outputFileExtension` into `outExtension`.
 */
import type { BuildOptions } from 'esbuild';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

interface ServiceFile {
  provider: { runtime: string };
  custom: { esbuild: Record<string, unknown> };
  functions: Record<string, { handler: string }>;
}

const readService = (path: string): ServiceFile =>
  parseDocument(readFileSync(path, 'utf8'), {
    // CloudFormation tags and ${…} variables are irrelevant to the build; keep them as plain strings.
    customTags: ['GetAtt', 'Join', 'Ref', 'Sub'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value })),
  }).toJS() as ServiceFile;

/** Options of serverless-esbuild itself, which it deletes before calling esbuild. */
const PLUGIN_ONLY = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/** serverless-esbuild's defaults that reach esbuild (the rest are plugin-only). */
const DEFAULTS = { bundle: true, target: 'node18', external: [] as string[], exclude: ['aws-sdk'], platform: 'node', outputFileExtension: '.js' };

export interface ServiceBuild {
  /** Exactly what esbuild gets for every function, less entryPoints and outdir. */
  options: BuildOptions;
  /** custom.esbuild as written in serverless.yml, for the report. */
  declared: Record<string, unknown>;
  /** Function name → its handler's source file. */
  entries: Record<string, string>;
}

export const serviceBuild = (path = 'serverless.yml'): ServiceBuild => {
  const service = readService(path);
  const declared = service.custom.esbuild;
  const runtimeTarget = /^nodejs(\d+)\.x$/.exec(service.provider.runtime)?.[1];
  // ramda mergeDeepRight: objects merge, everything else (arrays too) is replaced.
  const merged: Record<string, unknown> = { ...DEFAULTS, ...(runtimeTarget ? { target: `node${runtimeTarget}` } : {}), ...declared };
  if (typeof merged.plugins === 'string' || (Array.isArray(merged.plugins) && merged.plugins.length > 0)) {
    throw new Error('custom.esbuild.plugins is set: teach tests/bench/esbuild-options.ts to load them.');
  }
  const exclude = (merged.exclude as string[] | undefined) ?? [];
  const options: Record<string, unknown> = Object.fromEntries(Object.entries(merged).filter(([key]) => !PLUGIN_ONLY.includes(key)));
  options.external = [...((merged.external as string[] | undefined) ?? []), ...(exclude.includes('*') ? [] : exclude)];
  options.plugins = [];
  const extension = merged.outputFileExtension as string;
  if (extension !== '.js') options.outExtension = { '.js': extension };
  const entries = Object.fromEntries(
    Object.entries(service.functions).map(([name, fn]) => [name, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`]),
  );
  return { options, declared, entries };
};
