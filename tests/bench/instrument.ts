/**
 * The real handlers and data layer, loaded in this process (as the tests do)
 * with two middlewares added to the one document client `db` of
 * lib/storage/store.ts. Production code is unchanged; the middlewares only
 * observe, except in capture mode (seeding), where they stop a write before
 * it leaves and hand over exactly the items the data layer would have written.
 *
 * Import this only after the environment (tables, endpoint, keys) is set:
 * lib/ reads it at import, as a Lambda does at cold start.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }>;

export interface DbCall {
  command: string;
  /** Read (or write) capacity units DynamoDB reported for the call. */
  capacity: number;
  /** Items the call returned. */
  items: number;
  /** DynamoDB returned ConsumedCapacity for the call. */
  reported: boolean;
  /** The index partition a Query read (its `:partition` value), if any. */
  partition?: string;
}

export interface Instrumented {
  handlers: { getActor: Handler; listActors: Handler; createActor: Handler };
  /** The data layer's createActor, for capture mode. */
  createActor: (input: { name: string; gender: string; birth_date: string }) => Promise<{ id: string }>;
  /** Everything the middlewares saw since the last reset. */
  seen: {
    /** [start, end] of each send as the outermost middleware sees it (marshalling, signing, HTTP, parsing). */
    sends: [number, number][];
    /** [start, end] of each `db.send(…)` as its caller sees it: also the SDK resolving its middleware stack first. */
    sendCalls: [number, number][];
    /** [start, end] of each HTTP exchange with DynamoDB inside a send (retries included). */
    wire: [number, number][];
    calls: DbCall[];
    captured: Record<string, unknown>[];
  };
  reset: () => void;
  mode: { capacity: boolean; capture: boolean };
}

type ConsumedCapacity = { CapacityUnits?: number };
const capacityOf = (consumed: unknown): number => {
  const list = (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]) as ConsumedCapacity[];
  return list.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
};

const itemsOf = (output: Record<string, unknown>): number => {
  if (Array.isArray(output.Items)) return output.Items.length;
  if (output.Item !== undefined) return 1;
  if (output.Responses !== undefined && typeof output.Responses === 'object') {
    return Object.values(output.Responses as Record<string, unknown[]>).reduce((sum, items) => sum + items.length, 0);
  }
  return 0;
};

/** A Query's `:partition` value, from the document client's input or a plain client's ({ S: … }). */
const partitionOf = (input: Record<string, unknown>): string | undefined => {
  const value = (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':partition'];
  return typeof value === 'string' ? value : ((value as { S?: string } | undefined)?.S ?? undefined);
};

export const loadInstrumented = async (): Promise<Instrumented> => {
  const { db } = (await import('../../lib/storage/store')).store();
  const { createActor } = await import('../../lib/services/actors');
  const handlers = {
    getActor: (await import('../../functions/actors/get')).handler as unknown as Handler,
    listActors: (await import('../../functions/actors/list')).handler as unknown as Handler,
    createActor: (await import('../../functions/actors/create')).handler as unknown as Handler,
  };
  const seen: Instrumented['seen'] = { sendCalls: [], sends: [], wire: [], calls: [], captured: [] };
  const mode = { capacity: false, capture: false };

  // Outermost: around the whole send, before the document client marshals anything.
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (mode.capture) {
        seen.captured.push(structuredClone(input));
        return { output: { $metadata: {} }, response: {} };
      }
      if (mode.capacity) input.ReturnConsumedCapacity = 'TOTAL';
      const start = performance.now();
      try {
        const result = await next(args);
        if (mode.capacity) {
          const output = result.output as Record<string, unknown>;
          seen.calls.push({
            command: context.commandName ?? '?',
            capacity: capacityOf(output.ConsumedCapacity),
            items: itemsOf(output),
            reported: output.ConsumedCapacity !== undefined,
            partition: partitionOf(input),
          });
        }
        return result;
      } finally {
        seen.sends.push([start, performance.now()]);
      }
    },
    { step: 'initialize', priority: 'high', name: 'benchSendTimer' },
  );
  // Innermost: around the HTTP request handler alone (inside the deserializer).
  db.middlewareStack.add(
    (next) => async (args) => {
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        seen.wire.push([start, performance.now()]);
      }
    },
    { step: 'deserialize', priority: 'low', name: 'benchWireTimer' },
  );

  // Around each db.send call itself: a wrapper on this process's instance only, for a second, wider view of DB time.
  const send = db.send.bind(db) as (...args: unknown[]) => Promise<unknown>;
  (db as { send: unknown }).send = (...args: unknown[]) => {
    const start = performance.now();
    return send(...args).finally(() => seen.sendCalls.push([start, performance.now()]));
  };

  return {
    handlers,
    createActor: (input) => createActor(input),
    seen,
    mode,
    reset: () => {
      seen.sendCalls.length = 0;
      seen.sends.length = 0;
      seen.wire.length = 0;
      seen.calls.length = 0;
      seen.captured.length = 0;
    },
  };
};

/**
 * The environment the real handlers read at import, to run them in this
 * process (local tokens, DynamoDB at `endpoint`). Silent: request and audit
 * lines would flood the benchmark's console, so the warm figures leave out
 * writing them (about 10 µs a request at INFO).
 */
export const inProcessEnvironment = (options: { endpoint: string; keysDir: string; actorsTable: string; moviesTable: string }) => ({
  ACTORS_TABLE: options.actorsTable,
  MOVIES_TABLE: options.moviesTable,
  DYNAMODB_ENDPOINT: options.endpoint,
  IS_OFFLINE: 'true',
  ENSEMBLE_KEYS_DIR: options.keysDir,
  AUTH0_DOMAIN: '',
  API_AUDIENCE: '',
  AWS_REGION: 'us-east-1',
  LOG_LEVEL: 'SILENT',
});

/** An HTTP API (payload 2.0) event, as tests/helpers/invoke.ts builds them. */
export const httpEvent = (request: {
  method: string;
  path: string;
  token: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = { authorization: `Bearer ${request.token}`, 'user-agent': 'bench' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: new URLSearchParams(request.query).toString(),
    headers,
    queryStringParameters: request.query,
    pathParameters: request.pathParameters,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    },
  } as unknown as APIGatewayProxyEventV2;
};

export const lambdaContext = (): Context =>
  ({ awsRequestId: randomUUID(), functionName: 'bench', getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;
