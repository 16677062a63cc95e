/**
 * Waiting, with a bound, for what is eventually consistent: `total` follows
 * writes through the tables' streams (README §6a), so a test that wrote
 * reads it until it shows what it must, rather than at once.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDocuments } from './local-db';

/** Long enough for the local stream poller on a loaded machine; a count that never comes fails the test, not hangs it. */
export const SETTLE_TIMEOUT_MS = 20_000;

/** Reads until `read` gives `expected` or the bound passes; returns the last value read (for the caller's expect). */
export const eventually = async <T>(read: () => Promise<T>, expected: T, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value === expected || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

let documents: ReturnType<typeof localDocuments> | undefined;

/** How many records of a kind DynamoDB Local holds right now: what a settled `total` equals. */
export const recordCount = async (kind: 'actors' | 'movies'): Promise<number> => {
  documents ??= localDocuments();
  const table = kind === 'actors' ? process.env.ACTORS_TABLE! : process.env.MOVIES_TABLE!;
  const prefix = kind === 'actors' ? 'ACTOR#' : 'MOVIE#';
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: { ':prefix': prefix }, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
};
