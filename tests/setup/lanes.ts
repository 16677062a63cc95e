/**
 * Lanes: the stack project's test files run in parallel, one jest worker per
 * lane, and each lane has servers and tables of its own (docs/running-and-testing.md#testing-and-postman):
 * its two tables (stage `test-<n>`), its index-lag proxy, its conflict
 * emulation and its serverless-offline stack, all in front of the one DynamoDB
 * Local. A worker runs one file at a time, so within a lane the files take
 * turns, as the whole suite once did; across lanes they share nothing but
 * DynamoDB Local's process (and the repository's .serverless/ folder, which
 * only tests/unit/cloudformation.test.ts packages into).
 *
 * The global setup starts the lanes and hands them over in one environment
 * variable; tests/setup/lane-env.ts, run before each test file, gives the file
 * its worker's lane under the usual names.
 */

/** What a test file sees of its lane, under these environment variables. */
export interface Lane {
  ACTORS_TABLE: string;
  MOVIES_TABLE: string;
  /** The lane's conflict emulation, in front of its index-lag proxy, in front of DynamoDB Local. */
  DYNAMODB_ENDPOINT: string;
  /** The lane's index-lag proxy, whose lag the lane's files set for themselves (tests/helpers/index-lag.ts). */
  ENSEMBLE_INDEX_LAG_URL: string;
  ENSEMBLE_API_URL: string;
  ENSEMBLE_API_PID: string;
}

export const LANES_VARIABLE = 'ENSEMBLE_TEST_LANES';

/** The stage, and so the table names, of lane `n` (1-based, as JEST_WORKER_ID). */
export const laneStage = (n: number): string => `test-${String(n)}`;
