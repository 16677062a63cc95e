/**
 * DynamoDB's index lag for one test file. Each lane of the suite
 * (tests/setup/lanes.ts) reaches DynamoDB Local through an index-lag proxy of
 * its own (lib/dev/index-lag.ts, started by the global setup); a file that
 * describes what a client sees on AWS (lists, search, races, the fuzz model,
 * Postman) turns the lag on for its own tests, and back to the suite's
 * baseline after them. A lane runs one file at a time, so the lag never
 * reaches a file in another lane, and the lane's in-process handlers and its
 * serverless-offline share the proxy, so the lag holds for both.
 */
import { INDEX_LAG_CONTROL_PATH } from '../../lib/dev/index-lag';

/** How late an index shows a write in these files: DynamoDB's GSIs typically lag well under a second. */
export const AWS_LIKE_INDEX_LAG_MS = 600;

const setIndexLag = async (lagMs: number): Promise<void> => {
  const response = await fetch(new URL(INDEX_LAG_CONTROL_PATH, process.env.ENSEMBLE_INDEX_LAG_URL), {
    method: 'POST',
    body: JSON.stringify({ lagMs }),
  });
  if (response.status !== 204) throw new Error(`The index-lag proxy refused a lag of ${String(lagMs)} ms.`);
};

/** Lag on for every test of the calling file (jest's beforeAll/afterAll). */
export const withIndexLag = (lagMs = AWS_LIKE_INDEX_LAG_MS): void => {
  beforeAll(() => setIndexLag(lagMs));
  afterAll(() => setIndexLag(Number(process.env.ENSEMBLE_INDEX_LAG_BASELINE_MS ?? '0')));
};
