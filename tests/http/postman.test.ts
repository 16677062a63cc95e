/**
 * Runs the Postman collection with newman against the local stack, twice in a
 * row against the same database: the collection must pass on any run without
 * hand edits, so the second run proves it leaves nothing behind that could
 * collide (names are per-run, and it deletes what it creates).
 */
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// @ts-expect-error -- newman ships no type declarations (and @types/newman is not a dependency)
import newman from 'newman';
import { apiUrl } from '../helpers/api';
import { roleToken } from '../helpers/tokens';
import { withIndexLag } from '../helpers/index-lag';

// Lists read an index, which DynamoDB updates a moment after the table: this file meets that lag (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
withIndexLag();

const COLLECTION = fileURLToPath(new URL('../postman/Ensemble.postman_collection.json', import.meta.url));

/** The part of newman's run summary this test reads. */
interface NewmanFailure {
  error: { name?: string; test?: string; message: string };
  source?: { name?: string };
  parent?: { name?: string };
  cursor?: { iteration?: number; position?: number };
}

interface NewmanSummary {
  run: {
    failures: NewmanFailure[];
    error?: Error;
    stats: {
      requests: { total: number; failed: number };
      assertions: { total: number; failed: number };
      testScripts: { total: number; failed: number };
      prerequestScripts: { total: number; failed: number };
    };
    executions: unknown[];
  };
}

type NewmanRun = (options: Record<string, unknown>) => Promise<NewmanSummary>;

const runCollection: NewmanRun = promisify<Record<string, unknown>, NewmanSummary>(
  (newman as { run: (options: Record<string, unknown>, done: (error: Error | null, summary: NewmanSummary) => void) => void }).run,
);

/** One line per failure: which request, which test, what went wrong. */
const describeFailures = (summary: NewmanSummary): string[] =>
  summary.run.failures.map(
    (failure) =>
      `${failure.source?.name ?? '(collection)'} — ${failure.error.test ?? failure.error.name ?? 'error'}: ${failure.error.message}`,
  );

describe('the Postman collection (newman)', () => {
  it('passes twice in a row against the same stack, with no failures', async () => {
    const [assistant, director, producer] = await Promise.all([
      roleToken('casting-assistant'),
      roleToken('casting-director'),
      roleToken('executive-producer'),
    ]);
    const envVar = [
      { key: 'host', value: apiUrl().replace(/\/+$/, '') },
      { key: 'casting_assistant_token', value: assistant },
      { key: 'casting_director_token', value: director },
      { key: 'executive_producer_token', value: producer },
    ];

    for (const run of [1, 2]) {
      const summary = await runCollection({
        collection: COLLECTION,
        envVar,
        reporters: [],
        timeoutRequest: 30_000,
        bail: false,
      });
      const failures = describeFailures(summary);
      expect({ run, error: summary.run.error?.message, failures }).toEqual({ run, error: undefined, failures: [] });
      expect(summary.run.stats.requests.total).toBeGreaterThanOrEqual(100);
      expect(summary.run.stats.requests.failed).toBe(0);
      expect(summary.run.stats.assertions.failed).toBe(0);
      expect(summary.run.stats.assertions.total).toBeGreaterThan(300);
    }
  }, 300_000);
});
