/**
 * What a settled `total` must equal: `total` follows writes through the
 * tables' streams (docs/design-and-limits.md#what-total-is), so a test that wrote waits for it
 * (eventually.ts) rather than reading it at once.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDocuments } from './local-db';

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
