/**
 * What moves `total`: the event source mappings' filters in serverless.yml
 * (which the local poller applies the same way) and the consumer's own
 * reading of a batch (lib/storage/record-count.ts).
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { counterChunks, countedEvents, netDelta, type StreamRecord } from '../../lib/storage/record-count';
import { lambdaRecord, matchesFilters } from '../../lib/dev/stream-poller';

const config = parseDocument(readFileSync('serverless.yml', 'utf8'), {
  customTags: ['GetAtt', 'Join', 'Ref', 'Sub'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value })),
}).toJS() as { functions: Record<string, { events: { stream?: { arn: string; filterPatterns: unknown[] } }[] }> };

const streams = config.functions.countRecords!.events.map((event) => event.stream!);
const filterOf = (table: 'ActorsTable' | 'MoviesTable') => streams.find((stream) => stream.arn === `${table}.StreamArn`)!.filterPatterns;

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/ensemble-prod-actors/stream/2026-12-01T00:00:00.000';
const record = (eventName: string, pk: string, eventID = `${eventName}-${pk}`): StreamRecord =>
  ({ eventID, eventName, eventSourceARN: ARN, dynamodb: { Keys: { pk: { S: pk } } } }) as StreamRecord;

describe('the event source mappings of countRecords', () => {
  it('read both tables, from the oldest record, with a dead-letter queue, bisection and bounded retries', () => {
    expect(streams.map((stream) => stream.arn).sort()).toEqual(['ActorsTable.StreamArn', 'MoviesTable.StreamArn']);
    for (const stream of streams) {
      expect(stream).toMatchObject({
        type: 'dynamodb',
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 10,
        destinations: { onFailure: { arn: 'CountRecordsDeadLetterQueue.Arn', type: 'sqs' } },
      });
    }
  });

  it.each([
    ['INSERT', 'ACTOR#01J0000000000000000000000', true],
    ['REMOVE', 'ACTOR#01J0000000000000000000000', true],
    ['MODIFY', 'ACTOR#01J0000000000000000000000', false],
    ['INSERT', 'ACTOR_UNIQUE#cate blanchett', false],
    ['REMOVE', 'ACTOR_UNIQUE_SHA256#abc', false],
    ['INSERT', 'ACTOR_WORD#cate#01J0000000000000000000000', false],
    ['INSERT', 'ACTOR_COUNT', false],
    ['INSERT', 'ACTOR_COUNT#0042', false],
    ['INSERT', 'IDEMPOTENCY#key', false],
    ['REMOVE', 'SEEN#abc', false],
    ['INSERT', 'MOVIE#01J0000000000000000000000', false],
    ['INSERT', 'ACTOR', false],
    ['INSERT', 'actor#01J0000000000000000000000', false],
  ])('actors table: %s of %s passes the filter: %s', (eventName, pk, passes) => {
    expect(matchesFilters(record(eventName, pk), filterOf('ActorsTable'))).toBe(passes);
  });

  it.each([
    ['INSERT', 'MOVIE#01J0000000000000000000000', true],
    ['REMOVE', 'MOVIE#01J0000000000000000000000', true],
    ['MODIFY', 'MOVIE#01J0000000000000000000000', false],
    ['INSERT', 'MOVIE_UNIQUE#heat|1995-12-15', false],
    ['INSERT', 'MOVIE_WORD#heat#01J0000000000000000000000', false],
    ['INSERT', 'ACTOR#01J0000000000000000000000', false],
  ])('movies table: %s of %s passes the filter: %s', (eventName, pk, passes) => {
    expect(matchesFilters(record(eventName, pk), filterOf('MoviesTable'))).toBe(passes);
  });

  it('locally, sees a DynamoDB Local stream record as Lambda hands it over, so the same filter and consumer apply', () => {
    const local = lambdaRecord(
      {
        eventID: 'e1',
        eventName: 'INSERT',
        awsRegion: 'ddblocal',
        dynamodb: { ApproximateCreationDateTime: new Date('2026-12-03T10:00:00.900Z'), Keys: { pk: { S: 'ACTOR#x' } }, SequenceNumber: '1', StreamViewType: 'KEYS_ONLY' },
      },
      ARN,
    );
    expect(local).toMatchObject({ eventSource: 'aws:dynamodb', eventSourceARN: ARN, dynamodb: { ApproximateCreationDateTime: 1796292000 } });
    expect(matchesFilters(local, filterOf('ActorsTable'))).toBe(true);
    expect(countedEvents([local as StreamRecord])).toEqual([{ eventID: 'e1', table: 'ensemble-prod-actors', kind: 'ACTOR', delta: 1 }]);
  });

  it('refuses a matcher it does not implement rather than guess', () => {
    expect(() => matchesFilters(record('INSERT', 'ACTOR#1'), [{ eventName: [{ 'anything-but': 'MODIFY' }] }])).toThrow('Unsupported filter matcher');
  });
});

describe('the consumer reading a batch', () => {
  it('counts record inserts as +1 and removals as −1, each eventID once, and nothing else', () => {
    const events = countedEvents([
      record('INSERT', 'ACTOR#a', 'e1'),
      record('INSERT', 'ACTOR#b', 'e2'),
      record('INSERT', 'ACTOR#b', 'e2'),
      record('REMOVE', 'ACTOR#c', 'e3'),
      record('MODIFY', 'ACTOR#a', 'e4'),
      record('INSERT', 'ACTOR_WORD#x#a', 'e5'),
      record('REMOVE', 'SEEN#e1', 'e6'),
    ]);
    expect(events).toEqual([
      { eventID: 'e1', table: 'ensemble-prod-actors', kind: 'ACTOR', delta: 1 },
      { eventID: 'e2', table: 'ensemble-prod-actors', kind: 'ACTOR', delta: 1 },
      { eventID: 'e3', table: 'ensemble-prod-actors', kind: 'ACTOR', delta: -1 },
    ]);
    expect(netDelta(events)).toBe(1);
  });

  it('splits into transactions of at most 99 events (100 items with the counter), one counter each', () => {
    const records = Array.from({ length: 250 }, (_, index) => record('INSERT', `ACTOR#${index}`, `a${index}`));
    records.push(record('INSERT', 'MOVIE#m', 'm1'));
    const chunks = counterChunks(countedEvents(records));
    expect(chunks.map((chunk) => chunk.length)).toEqual([99, 99, 52, 1]);
    expect(chunks.map((chunk) => new Set(chunk.map((event) => event.kind)).size)).toEqual([1, 1, 1, 1]);
  });

  it('refuses a record with no table stream ARN or no eventID, rather than count it somewhere', () => {
    expect(() => countedEvents([{ ...record('INSERT', 'ACTOR#a'), eventSourceARN: 'arn:aws:sqs:x' }])).toThrow('stream ARN');
    expect(() => countedEvents([{ ...record('INSERT', 'ACTOR#a'), eventID: '' }])).toThrow('eventID');
  });
});
