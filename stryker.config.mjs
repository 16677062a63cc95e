/**
 * Mutation testing of the pure core (`npm run test:mutation`, docs/running-and-testing.md#testing-and-postman):
 * StrykerJS changes one operator, condition or literal at a time in the
 * files below and reruns the unit tests that cover it; a change no test
 * notices ("survived") points at a rule the tests do not pin down.
 * Reports go to reports/mutation/ (git-ignored).
 */

/** The files whose mutants count: the pure core. Add a file (or a glob) here once its unit tests exist. */
const MUTATED = [
  'lib/domain/**/*.ts',
  'lib/validation/**/*.ts',
  // Like lib/http/openapi.ts and route-docs.ts, which build the document: tests/unit/openapi.test.ts pins what it writes.
  '!lib/validation/schema-docs.ts',
  'lib/auth/permissions.ts',
  'lib/auth/verified-tokens.ts',
  'lib/storage/cursor.ts',
  'lib/storage/keys.ts',
  'lib/storage/items.ts',
  'lib/http/error-mapping.ts',
  'lib/http/error-responder.ts',
  'lib/http/parse.ts',
  'lib/http/present.ts',
  'lib/config.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: MUTATED,
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner', './tests/mutation/ignore-documentation.mjs'],
  ignorers: ['documentation'],
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  // The unit tests are ES modules, as `npm run test:unit` runs them.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  coverageAnalysis: 'perTest',
  // A static mutant changes a value computed once at import (a module-level constant, a schema built at load),
  // so per-test coverage cannot pick the tests that see it and Stryker reruns the whole unit project for each:
  // ~280 of them took the run from ~30 minutes to an estimated 5–11 hours on 2 cores. They are left out and
  // reported as ignored; the module-level values that matter are pinned by unit tests of their own
  // (docs/running-and-testing.md#mutation-testing).
  ignoreStatic: true,
  // A mutant counts as a timeout (detected) only when its tests run this much longer than unmutated:
  // generous, so that a busy machine does not turn survivors into "timeouts". Endless loops are caught
  // sooner anyway, by Stryker's hit counter.
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  // `npm run test:mutation -- --incremental` retests only the mutants whose code or tests changed since the last run.
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
