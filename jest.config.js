/**
 * Three projects. `unit`: pure tests of lib/, with no Java, no bundling and no
 * server (`npm run test:unit`, seconds). `stack`: handlers in-process against
 * DynamoDB Local, HTTP tests and newman against serverless-offline, and the
 * packaged CloudFormation; its global setup starts (and the teardown stops)
 * those servers on free ports, and only when one of its tests runs. `start`:
 * `npm start` itself, each test starting (and stopping) its own.
 * `npm test` runs all three, as CI does. Test files run in parallel, three at
 * a time: each worker of the stack project has a lane of its own (tables,
 * proxies and serverless-offline stack, tests/setup/lanes.ts), in which its
 * files take turns, because some assert exact totals (docs/running-and-testing.md#testing-and-postman).
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
};

/** Unit-folder tests that package the service or run handlers against DynamoDB Local. */
const NEEDS_THE_STACK = ['cloudformation', 'deploy-guard'];

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      testPathIgnorePatterns: [`/tests/unit/(${NEEDS_THE_STACK.join('|')})\\.test\\.ts$`],
      setupFiles: ['<rootDir>/tests/setup/unit-env.ts'],
    },
    {
      ...shared,
      displayName: 'stack',
      testMatch: [
        '<rootDir>/tests/integration/**/*.test.ts',
        '<rootDir>/tests/http/**/*.test.ts',
        ...NEEDS_THE_STACK.map((name) => `<rootDir>/tests/unit/${name}.test.ts`),
      ],
      globalSetup: '<rootDir>/tests/setup/global-setup.ts',
      setupFiles: ['<rootDir>/tests/setup/lane-env.ts'],
      globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
    },
    {
      ...shared,
      // npm start itself: each test runs its own, on a free port, so the suite's stack is not needed.
      displayName: 'start',
      testMatch: ['<rootDir>/tests/dev/**/*.test.ts'],
    },
  ],
  // One lane (and serverless-offline stack) per worker. The fuzz file holds one lane for about half of the
  // run; the other two share the rest. On two cores the suite is CPU-bound, so lanes gain little there; what
  // three lanes cost and buy is measured in docs/running-and-testing.md#testing-and-postman.
  maxWorkers: 3,
  testSequencer: '<rootDir>/tests/setup/sequencer.cjs',
  testTimeout: 60_000,
};
