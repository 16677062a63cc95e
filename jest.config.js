/**
 * One jest run covers everything: unit tests of lib/, handlers invoked
 * in-process against DynamoDB Local, HTTP tests and newman against
 * serverless-offline. The global setup starts (and the teardown stops) those
 * servers on free ports. Test files run one at a time because they share the
 * database, and some assert exact totals.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 60_000,
};
