/**
 * The benchmark's own helpers (tests/bench): that it builds with exactly the
 * settings serverless-esbuild uses, and that its statistics and seed data are
 * what the report says. No timings here: `npm run bench` measures those.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { searchWords } from '../../lib/domain/text';
import { serviceBuild } from '../bench/esbuild-options';
import { actorName, COMMON_QUERY, FIXED_COUNT, FIXED_QUERY } from '../bench/names';
import { median, quantile, unionLength } from '../bench/stats';

describe('bench: esbuild options from serverless.yml', () => {
  const build = serviceBuild();

  it('passes custom.esbuild through as serverless-esbuild does', () => {
    expect(build.options).toMatchObject({
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      external: [],
      outExtension: { '.js': '.mjs' },
    });
    for (const pluginOnly of ['exclude', 'outputFileExtension', 'outputWorkFolder']) expect(build.options).not.toHaveProperty(pluginOnly);
  });

  it('bundles every function of serverless.yml from its handler file', () => {
    const service = parseDocument(readFileSync('serverless.yml', 'utf8'), {
      customTags: ['GetAtt', 'Join', 'Ref', 'Sub'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value })),
    }).toJS() as { functions: Record<string, unknown> };
    expect(Object.keys(build.entries).sort()).toEqual(Object.keys(service.functions).sort());
    for (const entry of Object.values(build.entries)) expect(existsSync(entry)).toBe(true);
  });
});

describe('bench: statistics', () => {
  it('interpolates quantiles between ranks', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(quantile([0, 10], 0.99)).toBeCloseTo(9.9);
  });

  it('measures the wall-clock time covered by overlapping intervals once', () => {
    expect(unionLength([])).toBe(0);
    expect(unionLength([[0, 2], [1, 3], [5, 6]])).toBe(4);
    expect(unionLength([[5, 6], [0, 10]])).toBe(10);
  });
});

describe('bench: seed names', () => {
  const names = Array.from({ length: 50_000 }, (_, index) => actorName(index));
  const matching = (query: string, size: number) =>
    names.slice(0, size).filter((name) => searchWords(name).some((word) => word.startsWith(query))).length;

  it('are unique', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it('give the fixed search the same matches at 1,000 and 50,000, and fill a page of 20 with both searches', () => {
    expect(matching(FIXED_QUERY, 1000)).toBe(FIXED_COUNT);
    expect(matching(FIXED_QUERY, 50_000)).toBe(FIXED_COUNT);
    expect(matching(COMMON_QUERY, 1000)).toBeGreaterThan(20);
  });
});
