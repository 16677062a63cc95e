import type { DynamoDBStreamEvent } from 'aws-lambda';
import { countStreamRecords } from '../../lib/storage/record-count';

/**
 * Keeps `total` from the tables' streams (docs/design-and-limits.md#what-total-is). A throw makes Lambda
 * retry the batch (bisected, a bounded number of times, then to the dead-letter
 * queue); counting is exactly once however often a batch comes.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  await countStreamRecords(event.Records);
};
