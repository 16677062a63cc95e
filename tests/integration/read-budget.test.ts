/**
 * The read budget of a list (docs/endpoints.md#lists-search-and-filters): whatever
 * its query, one request reads at most 25 read units, as DynamoDB counts
 * them (ReturnConsumedCapacity on every call this process sends), and a
 * request that reaches the budget answers a short page with a cursor that
 * goes on, so paging still yields every match exactly once.
 */
import { UpdateCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { handler as listActors } from '../../functions/actors/list';
import { handler as updateActor } from '../../functions/actors/update';
import { readDataConfig } from '../../lib/config';
import { openStore, useStore, type Store } from '../../lib/storage/store';
import { newActor } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';
import { invoke } from '../helpers/invoke';
import { localDocuments } from '../helpers/local-db';
import { roleToken } from '../helpers/tokens';
import { ulid } from 'ulid';
import { withIndexLag } from '../helpers/index-lag';

// Lists read an index, which DynamoDB updates a moment after the table: this file meets that lag (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
withIndexLag();

/** The documented budget, written out: the test must not take it from the code it checks. */
const BUDGET = 25;

let producer: string;
let suiteStore: Store | undefined;
/** Read units DynamoDB reported for the calls of the request being measured. */
let units = 0;
let calls = 0;

beforeAll(async () => {
  producer = await roleToken('executive-producer');
  const measured = openStore(readDataConfig());
  // Asks DynamoDB's own accounting for every call, whatever the data layer asks for itself.
  measured.db.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]) units += entry.CapacityUnits ?? 0;
      calls += 1;
      return result;
    },
    { step: 'initialize', name: 'countReadUnits' },
  );
  suiteStore = useStore(measured);
});

afterAll(() => {
  useStore(suiteStore);
});

/** A word no other test uses, longer than the query's other words so that it leads the search. */
const tag = () => `seed${ulid().slice(-10).toLowerCase()}`;

/** Read units and DynamoDB calls of one list request. */
const measure = async (query: Record<string, string>) => {
  units = 0;
  calls = 0;
  const result = await invoke(listActors, { token: producer, query });
  expect(result.status).toBe(200);
  return { body: result.body, units, calls };
};

/** Every page of a list; each request within the budget. */
const pageThrough = async (query: Record<string, string>) => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let requests = 0;
  do {
    const { body, units: spent } = await measure({ ...query, ...(cursor === null ? {} : { cursor }) });
    expect(spent).toBeLessThanOrEqual(BUDGET);
    seen.push(...body.actors.map((actor: { id: string }) => actor.id));
    cursor = body.next_cursor;
    requests += 1;
  } while (cursor !== null && requests < 200);
  expect(cursor).toBeNull();
  return { seen, requests };
};

const createMany = async (count: number, name: (i: number) => string, gender = 'female') => {
  const created: { id: string }[] = [];
  for (let start = 0; start < count; start += 8) {
    const group = Array.from({ length: Math.min(8, count - start) }, (_, i) => newActor(producer, { name: name(start + i), gender }));
    created.push(...(await Promise.all(group)));
  }
  return created.map((actor) => actor.id);
};

describe('a search whose lead word matches many records', () => {
  const word = tag();
  let marked: string[];
  beforeAll(async () => {
    await createMany(100, (i) => `${word} Plain ${i}`);
    marked = await createMany(12, (i) => `${word} Markov ${i}`);
    // The index shows writes a moment later, as on DynamoDB.
    await eventually(() => pageThrough({ q: word, limit: '100' }), ({ seen }) => seen.length === 112);
  }, 300_000);

  it('reads within the budget even when no record matches every word', async () => {
    const { body, units: spent } = await measure({ q: `ma ${word} zzz`, limit: '100' });
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(BUDGET);
    expect(body.actors).toEqual([]);
    // Paging the rest finds nothing either, each request within the budget.
    if (body.next_cursor !== null) expect((await pageThrough({ q: `ma ${word} zzz`, limit: '100', cursor: body.next_cursor })).seen).toEqual([]);
  });

  it('pages through the records matching every word exactly once, each request within the budget', async () => {
    const { seen } = await pageThrough({ q: `ma ${word}`, limit: '5' });
    expect([...seen].sort()).toEqual([...marked].sort());
  });

  it('stays within the budget for a page of 100 of a single word', async () => {
    const { seen } = await pageThrough({ q: word, limit: '100' });
    expect(seen).toHaveLength(112);
    expect(new Set(seen).size).toBe(112);
  });
});

describe('total on a plain list', () => {
  const db = localDocuments();
  afterAll(() => db.destroy());
  const { actorsTable } = readDataConfig();

  /** Read units of the first page's records alone: the same newest-first query, the counter left out (written out here, not taken from the code). */
  const pageAloneUnits = async (limit: number) => {
    const result = await db.send(
      new QueryCommand({
        TableName: actorsTable,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk < :afterUlids',
        ExpressionAttributeValues: { ':partition': 'ACTOR', ':afterUlids': '~' },
        ScanIndexForward: false,
        Limit: limit + 1,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return result.ConsumedCapacity?.CapacityUnits ?? Number.NaN;
  };

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('costs a first page at most 1.2 times the page alone, however long since this instance last read it', async () => {
    await createMany(25, (i) => `Counted ${tag()} ${i}`);
    // A function instance reuses a total for a second: wait that out, so the request pays whatever `total` costs.
    const first = await eventually(
      async () => {
        await pause(1100);
        return measure({});
      },
      ({ body, calls: made }) => made === 1 && body.total !== null && body.total >= 25,
    );
    expect(first.body.actors).toHaveLength(20);
    expect(first.body.total).toBeGreaterThanOrEqual(25);
    expect(first.calls).toBe(1);
    expect(first.units).toBeLessThanOrEqual(1.2 * (await pageAloneUnits(20)));
  }, 60_000);

  it('gives a later page the same total, each request within the budget', async () => {
    await pause(1100);
    const first = await measure({ limit: '5' });
    await pause(1100);
    const second = await measure({ limit: '5', cursor: first.body.next_cursor });
    expect(second.body.total).toBe(first.body.total);
    expect(second.units).toBeLessThanOrEqual(BUDGET);
  });
});

describe('sparse filters', () => {
  it.each<Record<string, string>>([{ min_age: '199' }, { gender: 'nobody' }, { max_age: '0', gender: 'x' }, { q: 'zz', min_age: '150' }])(
    'read within the budget for %j',
    async (filter) => {
      const { body, units: spent } = await measure({ ...filter, limit: '100' });
      expect(spent).toBeLessThanOrEqual(BUDGET);
      expect(body.actors).toEqual([]);
    },
  );

  it('still yield every match exactly once across pages', async () => {
    const gender = tag();
    const ids = await createMany(7, (i) => `Filtered ${gender} ${i}`, gender);
    const { seen } = await eventually(() => pageThrough({ gender, limit: '3' }), (found) => found.seen.length === ids.length);
    expect([...seen].sort()).toEqual([...ids].sort());
  });
});

describe('word items', () => {
  const db = localDocuments();
  afterAll(() => db.destroy());
  const { actorsTable } = readDataConfig();

  const wordItemsOf = async (id: string) =>
    (
      await db.send(
        new QueryCommand({
          TableName: actorsTable,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :partition',
          FilterExpression: 'record_id = :id',
          ExpressionAttributeValues: { ':partition': 'ACTOR_WORD', ':id': id },
        }),
      )
    ).Items ?? [];

  it('follow a rename in every word, also the words it keeps', async () => {
    const word = tag();
    const [id] = await createMany(1, () => `${word} Alpha`);
    const renamed = await invoke(updateActor, { method: 'PATCH', token: producer, pathParameters: { id: id! }, body: { name: `${word} Beta` } });
    expect(renamed.status).toBe(200);
    const found = async (q: string) => (await measure({ q })).body.actors.map((actor: { id: string }) => actor.id) as string[];
    expect(await eventually(() => found(`${word} beta`), (hits) => hits.length > 0)).toEqual([id]);
    expect(await eventually(() => found(`${word} alpha`), (hits) => hits.length === 0)).toEqual([]);
  });

  it('written by earlier versions, without the words, still find their records', async () => {
    const word = tag();
    const [id] = await createMany(1, () => `${word} Legacy`);
    const items = await eventually(() => wordItemsOf(id!), (found) => found.length === 2);
    expect(items.length).toBe(2);
    for (const item of items) {
      await db.send(new UpdateCommand({ TableName: actorsTable, Key: { pk: item.pk as string }, UpdateExpression: 'REMOVE #words', ExpressionAttributeNames: { '#words': 'words' } }));
    }
    const found = async (q: string) => (await measure({ q })).body.actors.map((actor: { id: string }) => actor.id) as string[];
    // The creation reaches the index a moment later; then the index holds the items just stripped of their words.
    expect(await eventually(() => found(`${word} leg`), (hits) => hits.length > 0)).toEqual([id]);
    expect(await found(`${word} other`)).toEqual([]);
  });
});
