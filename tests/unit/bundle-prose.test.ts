/**
 * No function bundle carries the prose of the OpenAPI document: it is written
 * once into openapi.json, and only the functions that serve that file
 * (openapi, docs) hold it. Every byte counts against the bundle-size bar
 * (BENCHMARKS.md).
 *
 * Each function of serverless.yml is bundled with the esbuild options
 * serverless-esbuild uses (tests/bench/esbuild-options.ts), its packages left
 * out (`packages: 'external'`): the prose is the project's own, and that keeps
 * all 23 builds to a few seconds, in memory.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { serviceBuild } from '../bench/esbuild-options';

/** Every `description` in openapi.json. */
const descriptions = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(descriptions);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'description' && typeof value === 'string' ? [value] : descriptions(value)));
};

/**
 * The runs of plain words in a description, long enough to be its own: as a
 * bundle would spell them whatever esbuild does to numbers (folded in from
 * constants), quotes and non-ASCII characters (escaped).
 */
const phrases = (description: string) => description.split(/[^A-Za-z ,.;:()-]+/).filter((run) => run.trim().length >= 24);

const PROSE = [...new Set(descriptions(JSON.parse(readFileSync('openapi.json', 'utf8'))).flatMap(phrases))];

describe('function bundles', () => {
  const { options, entries } = serviceBuild();

  it('are checked against the document’s prose', () => {
    expect(PROSE).toEqual(expect.arrayContaining([expect.stringContaining('Replaces the whole cast')]));
    expect(PROSE.length).toBeGreaterThan(100);
  });

  it.each(Object.entries(entries))('%s (%s) carries no prose of the OpenAPI document unless it serves it', async (_name, entry) => {
    const result = await build({ ...options, entryPoints: [entry], packages: 'external', write: false, metafile: true, logLevel: 'silent', outdir: 'out' });
    const servesTheDocument = Object.keys(result.metafile.inputs).includes('openapi.json');
    const code = result.outputFiles[0]!.text;
    expect(servesTheDocument ? [] : PROSE.filter((phrase) => code.includes(phrase))).toEqual([]);
  });
});
