/**
 * DynamoDB Local's streams, consumed as Lambda's event source mappings do on
 * AWS, for npm start, `npx serverless offline` and the test suite (started by
 * the local plugin lib/dev/offline-streams.cjs inside serverless-offline).
 *
 * For each mapping serverless.yml declares it follows every shard of the
 * table's stream (shards close and new ones open: it keeps describing the
 * stream), keeps the records its filter patterns match, and hands them, at
 * most 100 at a time, to `deliver`: the real function, through
 * serverless-offline's Lambda invoke endpoint. A failed delivery is retried,
 * same records, until it succeeds, as a mapping retries a batch; so delivery
 * is at least once, like AWS's, and the function must count exactly once.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

export interface StreamSource {
  table: string;
  /** The event source mapping's FilterCriteria patterns; no pattern lets everything through. */
  filterPatterns: unknown[];
  /** Sends one batch (Lambda's DynamoDB stream event records) to the function; throws when it failed. */
  deliver: (records: LambdaStreamRecord[]) => Promise<void>;
}

export interface LambdaStreamRecord {
  eventID: string;
  eventName: string;
  eventVersion: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: Record<string, unknown>;
}

export interface StreamPoller {
  stop: () => Promise<void>;
}

const IDLE_MS = 200;
/** New shards follow a closed one (described at once then); this only catches any other. */
const DESCRIBE_EVERY_MS = 10_000;
const BATCH_SIZE = 100;

/**
 * Whether an event matches one EventBridge-style pattern, in the subset
 * Lambda's filter criteria use here: nested objects, lists of accepted
 * values, and `{ prefix }`. Any other matcher is refused rather than guessed.
 */
export const matchesPattern = (event: unknown, pattern: unknown): boolean => {
  if (Array.isArray(pattern)) {
    return pattern.some((accepted: unknown) => {
      if (accepted !== null && typeof accepted === 'object') {
        const { prefix, ...other } = accepted as { prefix?: unknown };
        if (typeof prefix !== 'string' || Object.keys(other).length > 0) throw new Error(`Unsupported filter matcher ${JSON.stringify(accepted)}.`);
        return typeof event === 'string' && event.startsWith(prefix);
      }
      return event === accepted;
    });
  }
  if (pattern === null || typeof pattern !== 'object') throw new Error(`Unsupported filter pattern ${JSON.stringify(pattern)}.`);
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([key, inner]) => matchesPattern((event as Record<string, unknown>)[key], inner));
};

export const matchesFilters = (event: unknown, patterns: readonly unknown[]): boolean =>
  patterns.length === 0 || patterns.some((pattern) => matchesPattern(event, pattern));

/** A stream record as Lambda hands it to a function (its creation time in epoch seconds). */
export const lambdaRecord = (record: StreamRecord, streamArn: string): LambdaStreamRecord => ({
  eventID: record.eventID ?? '',
  eventName: record.eventName ?? '',
  eventVersion: record.eventVersion ?? '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: record.awsRegion ?? 'us-east-1',
  eventSourceARN: streamArn,
  dynamodb: {
    ...record.dynamodb,
    ApproximateCreationDateTime: Math.floor((record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Date.now()) / 1000),
  },
});

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

interface ShardState {
  iterator?: string;
  lastSequence?: string;
  closed: boolean;
}

export const startStreamPoller = (
  options: { endpoint: string; region?: string; sources: StreamSource[]; onError?: (message: string) => void },
): StreamPoller => {
  const config = { endpoint: options.endpoint, region: options.region ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const tables = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const stopping = new AbortController();
  const stopped = (): boolean => stopping.signal.aborted;
  const report = options.onError ?? ((message: string) => process.stderr.write(`stream poller: ${message}\n`));

  const follow = async (source: StreamSource): Promise<void> => {
    const shards = new Map<string, ShardState>();
    let streamArn: string | undefined;
    let describedAt = 0;
    /** How many shards were closed at the last describe: one more closing means its children are to be found. */
    let closedAtDescribe = 0;
    const closedShards = () => [...shards.values()].filter((state) => state.closed).length;
    let failures = 0;
    while (!stopped()) {
      try {
        if (streamArn === undefined || closedShards() !== closedAtDescribe || Date.now() - describedAt >= DESCRIBE_EVERY_MS) {
          streamArn = (await tables.send(new DescribeTableCommand({ TableName: source.table }))).Table?.LatestStreamArn;
          if (streamArn !== undefined) {
            for (const { ShardId } of await allShards(streamArn)) if (ShardId !== undefined && !shards.has(ShardId)) shards.set(ShardId, { closed: false });
          }
          describedAt = Date.now();
          closedAtDescribe = closedShards();
        }
        let busy = false;
        if (streamArn !== undefined) {
          for (const [shardId, state] of shards) {
            if (state.closed) continue;
            busy = (await readShard(source, streamArn, shardId, state)) || busy;
          }
        }
        failures = 0;
        if (!busy) await sleep(IDLE_MS, stopping.signal);
      } catch (error) {
        failures += 1;
        // Refused connections are serverless-offline still bundling (plain `serverless offline` starts this first): quiet.
        const refused = (error as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED';
        if (failures > 5 && !refused && !stopped()) report(`${source.table}: ${(error as Error).message}`);
        await sleep(Math.min(2000, 100 * 2 ** Math.min(failures, 5)), stopping.signal);
      }
    }
  };

  const allShards = async (streamArn: string): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  };

  /** One GetRecords on a shard and the delivery of what it matched; true when it found records. */
  const readShard = async (source: StreamSource, streamArn: string, shardId: string, state: ShardState): Promise<boolean> => {
    state.iterator ??= (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(state.lastSequence === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.lastSequence }),
        }),
      )
    ).ShardIterator;
    if (state.iterator === undefined) {
      state.closed = true;
      return false;
    }
    let result;
    try {
      result = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: BATCH_SIZE }));
    } catch (error) {
      // An expired or trimmed iterator: start again after the last record delivered.
      state.iterator = undefined;
      throw error;
    }
    const records = result.Records ?? [];
    const batch = records.map((record) => lambdaRecord(record, streamArn)).filter((record) => matchesFilters(record, source.filterPatterns));
    // Not past these records until the function took them: a failure retries the same batch.
    if (batch.length > 0) await source.deliver(batch);
    state.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequence;
    state.iterator = result.NextShardIterator;
    // No next iterator: the shard is closed and read to its end; its children are found by the next describe.
    if (state.iterator === undefined) state.closed = true;
    return records.length > 0;
  };

  const running = Promise.all(options.sources.map((source) => follow(source)));
  return {
    stop: async () => {
      stopping.abort();
      await running;
      tables.destroy();
      streams.destroy();
    },
  };
};

/** Delivery through serverless-offline's Lambda invoke endpoint, so the bundled function runs as on AWS. */
export const invokeThroughOffline =
  (lambdaUrl: string, functionName: string) =>
  async (records: LambdaStreamRecord[]): Promise<void> => {
    const response = await fetch(`${lambdaUrl}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
      method: 'POST',
      body: JSON.stringify({ Records: records }),
    });
    const body = await response.text();
    if (!response.ok || response.headers.has('x-amz-function-error') || response.headers.has('x-amzn-errortype')) {
      throw new Error(`${functionName} failed (${response.status}): ${body.slice(0, 300)}`);
    }
  };
