/**
 * What a function's bundle holds of the project's own code, against the
 * bundle-size bar (BENCHMARKS.md):
 *
 * - none of the OpenAPI document's prose: it is written once into
 *   openapi.json, and only the functions that serve that file (openapi, docs)
 *   hold it;
 * - only the request schemas its route uses (lib/validation/schemas.ts builds
 *   them without side effects, so esbuild leaves the others out).
 *
 * Each function of serverless.yml is bundled with the esbuild options
 * serverless-esbuild uses (tests/bench/esbuild-options.ts), its packages left
 * out (`packages: 'external'`): what is checked is the project's own code, and
 * that keeps all 23 builds to a few seconds, in memory.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { serviceBuild } from '../bench/esbuild-options';

const { options, entries } = serviceBuild();

const bundle = async (entry: string) => {
  const result = await build({ ...options, entryPoints: [entry], packages: 'external', write: false, metafile: true, logLevel: 'silent', outdir: 'out' });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
};

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
  it('are checked against the document’s prose', () => {
    expect(PROSE).toEqual(expect.arrayContaining([expect.stringContaining('Replaces the whole cast')]));
    expect(PROSE.length).toBeGreaterThan(100);
  });

  it.each(Object.entries(entries))('%s (%s) carries no prose of the OpenAPI document unless it serves it', async (_name, entry) => {
    const { code, inputs } = await bundle(entry);
    const servesTheDocument = inputs.includes('openapi.json');
    expect(servesTheDocument ? [] : PROSE.filter((phrase) => code.includes(phrase))).toEqual([]);
  });

  // A message of the cast schema, and one of the list queries'.
  const CAST = 'must not repeat an actor';
  const LIST = 'must contain a letter or digit';

  it('hold only the request schemas their route uses', async () => {
    const holds = async (entry: string) => {
      const { code } = await bundle(entry);
      return { cast: code.includes(CAST), list: code.includes(LIST) };
    };
    expect(await holds(entries.health!)).toEqual({ cast: false, list: false });
    expect(await holds(entries.getActor!)).toEqual({ cast: false, list: false });
    expect(await holds(entries.updateMovie!)).toEqual({ cast: true, list: false });
    expect(await holds(entries.listActors!)).toEqual({ cast: false, list: true });
  });
});
