/**
 * §7 list page cost: the read capacity DynamoDB reports for one page of
 * GET /actors (plain, and with `q`) at 1,000 and at 50,000 actors.
 *
 * Seeding goes around transactions (too slow for 50,000) but not around the
 * data layer: the real createActor runs in capture mode, which stops each
 * transaction before it leaves and keeps its items; the Puts are then written
 * with BatchWriteItem and the counter (which the stream consumer keeps on a
 * stage) moved once by their number, with the consumer's own update.
 */
import { DynamoDBDocumentClient, BatchWriteCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { actorInput } from './names';
import { httpEvent, lambdaContext, type DbCall, type Instrumented } from './instrument';

type Item = Record<string, unknown>;

export interface SeedResult {
  actors: number;
  items: number;
  /** Ids of the seeded actors, oldest first. */
  ids: string[];
  ms: number;
}

/** Seeds actors [from, to) as the data layer would write them; returns what was written. */
export const seedActors = async (
  instrumented: Instrumented,
  client: DynamoDBClient,
  table: string,
  from: number,
  to: number,
): Promise<SeedResult> => {
  const started = performance.now();
  instrumented.reset();
  instrumented.mode.capture = true;
  try {
    for (let index = from; index < to; index += 1) await instrumented.createActor(actorInput(index));
  } finally {
    instrumented.mode.capture = false;
  }
  const { counterUpdate } = await import('../../lib/storage/items');
  const { store } = await import('../../lib/storage/store');
  const puts: Item[] = [];
  for (const input of instrumented.seen.captured) {
    const writes = (input.TransactItems ?? []) as { Put?: { TableName: string; Item: Item }; Update?: UpdateCommandInput }[];
    if (writes.length === 0) throw new Error(`capture: expected a TransactWrite, got ${Object.keys(input).join(', ')}`);
    for (const write of writes) {
      if (write.Put !== undefined && write.Put.TableName === table) puts.push(write.Put.Item);
      else throw new Error(`capture: unexpected write ${JSON.stringify(write).slice(0, 200)}`);
    }
  }
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await batchWrite(documents, table, puts);
  await documents.send(new UpdateCommand(counterUpdate(table, store().actors, to - from)));
  instrumented.reset();
  const ids = puts.filter((item) => String(item.pk).startsWith('ACTOR#')).map((item) => String(item.id));
  if (ids.length !== to - from) throw new Error(`capture: ${ids.length} records for ${to - from} actors`);
  return { actors: to - from, items: puts.length, ids, ms: performance.now() - started };
};

const batchWrite = async (documents: DynamoDBDocumentClient, table: string, items: Item[], concurrency = 6): Promise<void> => {
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 10) throw new Error('BatchWriteItem kept returning unprocessed items.');
        const result = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

export interface PageCost {
  label: string;
  query: Record<string, string>;
  capacity: number;
  /**
   * What the page itself costs: for a plain list, a Query of the same records
   * (newest first, one more than the page) with the counter left out, sent
   * separately; otherwise the request's Queries and BatchGets (the read
   * budget's reads).
   */
  pageCapacity: number;
  /** The rest: what `total` added to the request. */
  totalCapacity: number;
  calls: DbCall[];
  returned: number;
  hasNext: boolean;
  total: number | null;
  names: string[];
}

/** One page of GET /api/v1/actors through the real handler, with ReturnConsumedCapacity on every call it makes. */
export const pageCost = async (instrumented: Instrumented, token: string, label: string, query: Record<string, string>): Promise<PageCost> => {
  instrumented.reset();
  instrumented.mode.capacity = true;
  let response: { statusCode: number; body: string };
  try {
    response = await instrumented.handlers.listActors(httpEvent({ method: 'GET', path: '/api/v1/actors', token, query }), lambdaContext());
  } finally {
    instrumented.mode.capacity = false;
  }
  if (response.statusCode !== 200) throw new Error(`${label}: GET /actors answered ${response.statusCode}: ${response.body}`);
  const body = JSON.parse(response.body) as { actors: { name: string }[]; next_cursor: string | null; total: number | null };
  const calls = [...instrumented.seen.calls];
  const unreported = calls.filter((call) => !call.reported);
  if (calls.length === 0 || unreported.length > 0) {
    // Then the page cost would have to be computed from item sizes by DynamoDB's rules instead; not needed with DynamoDB Local 2.x.
    throw new Error(`${label}: DynamoDB did not report ConsumedCapacity for ${unreported.map((call) => call.command).join(', ') || 'any call'}.`);
  }
  const plain = Object.keys(query).every((name) => name === 'limit');
  const pageCalls = calls.filter((call) => call.command.startsWith('BatchGet') || call.partition === 'ACTOR' || call.partition === 'ACTOR_WORD');
  const pageCapacity = plain ? await recordsAloneCapacity(Number(query.limit)) : pageCalls.reduce((sum, call) => sum + call.capacity, 0);
  const capacity = calls.reduce((sum, call) => sum + call.capacity, 0);
  return {
    label,
    query,
    capacity,
    pageCapacity,
    totalCapacity: capacity - pageCapacity,
    calls,
    returned: body.actors.length,
    hasNext: body.next_cursor !== null,
    total: body.total,
    names: body.actors.map((actor) => actor.name),
  };
};

/**
 * The read units of a plain first page without `total`: the newest `limit` + 1
 * records (one more tells whether a next page exists) by the same index, the
 * counter kept out by the key condition ('~' sorts after every record id).
 */
const recordsAloneCapacity = async (limit: number): Promise<number> => {
  const { store } = await import('../../lib/storage/store');
  const result = await store().db.send(
    new QueryCommand({
      TableName: store().actors.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk < :afterRecords',
      ExpressionAttributeValues: { ':partition': 'ACTOR', ':afterRecords': '~' },
      ScanIndexForward: false,
      Limit: limit + 1,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const units = result.ConsumedCapacity?.CapacityUnits;
  if (units === undefined) throw new Error('DynamoDB did not report ConsumedCapacity for the page-alone Query.');
  return units;
};
