/**
 * Write scaling under DynamoDB's transaction conflicts, which DynamoDB Local
 * lacks: the real handlers, in this process, talk to DynamoDB Local through
 * the contention emulation of tests/helpers/fault-proxy.ts. For 1, 8 and 32
 * concurrent writers it measures operations per second and conflicts per
 * operation for creates, deletes and cast changes on distinct movies, each
 * next to a baseline: a transaction of the same number of items, at the same
 * concurrency and through the same proxy, that touches no item another
 * writer touches. Its ratio to the baseline is what sharing costs.
 *
 * Run by tests/bench/run.ts as a child process (the handlers read the
 * endpoint at import, and the parent has already imported them against
 * DynamoDB Local directly). Reads DYNAMODB_LOCAL_ENDPOINT, ENSEMBLE_KEYS_DIR;
 * prints one JSON line, `WRITE_SCALING <json>`.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables, tableNamesFor } from '../../lib/dev/tables';
import { mintRoleToken } from '../../lib/dev/tokens';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { httpEvent, inProcessEnvironment, lambdaContext } from './instrument';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }>;
/** What a create answers: the new actor or movie, of which these scenarios need only the id. */
type CreatedBody = { actor?: { id: string }; movie?: { id: string } };

const WRITERS = [1, 8, 32] as const;
/** Operations per writer in each measured run. */
const OPS_PER_WRITER: Record<number, number> = { 1: 80, 8: 40, 32: 16 };

export interface ScalingRun {
  writers: number;
  operations: number;
  seconds: number;
  perSecond: number;
  /** Transactions the emulation cancelled, and plain writes it refused, during the run. */
  conflicts: number;
  conflictsPerOperation: number;
  /** Responses other than the operation's success status, by status. */
  failures: Record<string, number>;
}

export interface ScalingScenario {
  name: string;
  /** Consistent reads before the transaction (the baseline makes as many). */
  reads: number;
  /** Items in one transaction of the operation (and of its baseline). */
  items: number;
  runs: { writers: number; operation: ScalingRun; baseline: ScalingRun }[];
}

export interface WriteScalingResults {
  commitLatencyMs: number;
  scenarios: ScalingScenario[];
}

const COMMIT_LATENCY_MS = 15;

/** Runs `operation(i)` for i in [0, total) with `writers` in flight at once. */
const concurrently = async (writers: number, total: number, operation: (index: number) => Promise<number | undefined>) => {
  const failures: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < total) {
        const failure = await operation(next++);
        if (failure !== undefined) failures[failure] = (failures[failure] ?? 0) + 1;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, failures };
};

/** Rounds per measurement: the operation and its baseline take turns, so a busy moment of the machine hits both. */
const ROUNDS = 4;

/** The operation on indices [0, total) and as many baseline transactions, in alternating rounds, at `writers` in flight. */
const sideBySide = async (
  proxy: FaultProxy,
  writers: number,
  total: number,
  operation: (index: number) => Promise<number | undefined>,
  baseline: () => Promise<number | undefined>,
): Promise<{ writers: number; operation: ScalingRun; baseline: ScalingRun }> => {
  const empty = (): ScalingRun => ({ writers, operations: 0, seconds: 0, perSecond: 0, conflicts: 0, conflictsPerOperation: 0, failures: {} });
  const sides = { operation: empty(), baseline: empty() };
  const run = async (side: ScalingRun, count: number, work: (index: number) => Promise<number | undefined>) => {
    const before = proxy.contention;
    const { seconds, failures } = await concurrently(writers, count, work);
    const after = proxy.contention;
    side.operations += count;
    side.seconds += seconds;
    side.conflicts += after.cancelledTransactions - before.cancelledTransactions + (after.conflictedWrites - before.conflictedWrites);
    for (const [status, count] of Object.entries(failures)) side.failures[status] = (side.failures[status] ?? 0) + count;
  };
  const perRound = Math.ceil(total / ROUNDS);
  for (let start = 0; start < total; start += perRound) {
    const count = Math.min(perRound, total - start);
    await run(sides.operation, count, (index) => operation(start + index));
    await run(sides.baseline, count, baseline);
  }
  for (const side of [sides.operation, sides.baseline]) {
    side.perSecond = side.operations / side.seconds;
    side.conflictsPerOperation = side.conflicts / side.operations;
  }
  return { writers, ...sides };
};

const measureWriteScaling = async (localEndpoint: string, keysDir: string, log: (line: string) => void): Promise<WriteScalingResults> => {
  const proxy = await startFaultProxy(localEndpoint, { contention: { commitLatencyMs: COMMIT_LATENCY_MS } });
  const tables = tableNamesFor('bench-writes');
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const direct = new DynamoDBClient({ ...local, endpoint: localEndpoint });
  await ensureTables(direct, tables);
  direct.destroy();
  Object.assign(process.env, inProcessEnvironment({ endpoint: proxy.url, keysDir, ...tables }));
  const load = async (path: string) => ((await import(path)) as { handler: Handler }).handler;
  const handlers = {
    createActor: await load('../../functions/actors/create'),
    deleteActor: await load('../../functions/actors/delete'),
    createMovie: await load('../../functions/movies/create'),
    addMovieActor: await load('../../functions/movies/add-actor'),
  };
  const baselineClient = DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: proxy.url, maxAttempts: 1 }));
  const token = await mintRoleToken('executive-producer', { keysDir });

  let serial = 0;
  /** Three-word names, so a create is always the same number of items. */
  const name = (prefix: string) => `${prefix} Writer ${(serial++).toString(36)}`;
  const call = async (handler: Handler, expected: number, request: Parameters<typeof httpEvent>[0]) => {
    const response = await handler(httpEvent(request), lambdaContext());
    return response.statusCode === expected ? { ok: true as const, body: JSON.parse(response.body) as CreatedBody } : { ok: false as const, status: response.statusCode };
  };
  const createActor = async (prefix: string) =>
    call(handlers.createActor, 201, { method: 'POST', path: '/api/v1/actors', token, body: { name: name(prefix), gender: 'f', birth_date: '1990-01-01' } });

  /**
   * The baseline: the operation's consistent reads, then a transaction
   * shaped like its own (conditional Puts, one of them record-sized), all
   * on keys nobody else touches.
   */
  const baselineTransaction = (items: number, reads = 0) => async (): Promise<number | undefined> => {
    const id = `${process.hrtime.bigint()}-${serial++}`;
    const key = (item: number) => ({ pk: `BASELINE#${id}#${item}` });
    // Indexed like the operation's items, so the baseline pays for index upkeep too.
    const indexed = (item: number) => ({ gsi1pk: 'BASELINE', gsi1sk: `${id}#${item}` });
    for (let read = 0; read < reads; read += 1) {
      await baselineClient.send(new GetCommand({ TableName: tables.actorsTable, Key: key(read), ConsistentRead: true }));
    }
    const record = { name: 'Baseline Writer Record', gender: 'f', gender_key: 'f', birth_date: '1990-01-01', created_at: new Date().toISOString(), version: 1 };
    try {
      await baselineClient.send(
        new TransactWriteCommand({
          TransactItems: Array.from({ length: items }, (_, item) => ({
            Put: { TableName: tables.actorsTable, Item: { ...key(item), ...indexed(item), ...(item === 0 ? record : {}) }, ConditionExpression: 'attribute_not_exists(pk)' },
          })),
        }),
      );
      return undefined;
    } catch {
      return 0;
    }
  };

  // Warm up both paths (module init, token verification, connections) before anything is timed.
  await concurrently(8, 40, async () => {
    const result = await createActor('Warm');
    return result.ok ? undefined : result.status;
  });
  await concurrently(8, 40, baselineTransaction(5));

  const scenarios: ScalingScenario[] = [];
  // A create: record, name claim and one item per word of a three-word name (the count follows from the stream).
  const createItems = 5;
  const creates: ScalingScenario = { name: 'create actor', reads: 0, items: createItems, runs: [] };
  for (const writers of WRITERS) {
    const total = writers * OPS_PER_WRITER[writers]!;
    log(`    create actor, ${writers} writer${writers === 1 ? '' : 's'}: ${total} creates and ${total} baseline transactions…`);
    creates.runs.push(
      await sideBySide(
        proxy,
        writers,
        total,
        async () => {
          const result = await createActor('Create');
          return result.ok ? undefined : result.status;
        },
        baselineTransaction(createItems),
      ),
    );
  }
  scenarios.push(creates);

  const deletes: ScalingScenario = { name: 'delete actor', reads: 1, items: createItems, runs: [] };
  for (const writers of WRITERS) {
    const total = writers * OPS_PER_WRITER[writers]!;
    log(`    delete actor, ${writers} writer${writers === 1 ? '' : 's'}: ${total} deletes…`);
    const ids: string[] = [];
    for (let index = 0; index < total; index += 1) {
      const created = await createActor('Delete');
      if (!created.ok) throw new Error(`setting up deletes: create answered ${created.status}`);
      ids.push(created.body.actor!.id);
    }
    deletes.runs.push(
      await sideBySide(
        proxy,
        writers,
        total,
        async (index) => {
          const id = ids[index]!;
          const result = await call(handlers.deleteActor, 200, { method: 'DELETE', path: `/api/v1/actors/${id}`, token, pathParameters: { id } });
          return result.ok ? undefined : result.status;
        },
        baselineTransaction(createItems, 1),
      ),
    );
  }
  scenarios.push(deletes);

  // Adding an actor to a cast reads the movie, then the actor, then writes both.
  const casts: ScalingScenario = { name: 'cast change on distinct movies', reads: 2, items: 2, runs: [] };
  for (const writers of WRITERS) {
    const total = writers * OPS_PER_WRITER[writers]!;
    log(`    cast change, ${writers} writer${writers === 1 ? '' : 's'}: ${total} actors added to ${total} movies…`);
    const pairs: { movie: string; actor: string }[] = [];
    for (let index = 0; index < total; index += 1) {
      const movie = await call(handlers.createMovie, 201, { method: 'POST', path: '/api/v1/movies', token, body: { title: name('Cast'), release_date: '2000-01-01' } });
      const actor = await createActor('Cast');
      if (!movie.ok || !actor.ok) throw new Error('setting up cast changes: a create failed');
      pairs.push({ movie: movie.body.movie!.id, actor: actor.body.actor!.id });
    }
    casts.runs.push(
      await sideBySide(
        proxy,
        writers,
        total,
        async (index) => {
          const { movie, actor } = pairs[index]!;
          const result = await call(handlers.addMovieActor, 200, {
            method: 'PUT',
            path: `/api/v1/movies/${movie}/actors/${actor}`,
            token,
            pathParameters: { id: movie, actor_id: actor },
          });
          return result.ok ? undefined : result.status;
        },
        baselineTransaction(2, 2),
      ),
    );
  }
  scenarios.push(casts);

  baselineClient.destroy();
  await proxy.close();
  return { commitLatencyMs: COMMIT_LATENCY_MS, scenarios };
};

if (process.argv[1]?.endsWith('write-scaling.ts')) {
  const results = await measureWriteScaling(process.env.DYNAMODB_LOCAL_ENDPOINT!, process.env.ENSEMBLE_KEYS_DIR!, (line) =>
    process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`WRITE_SCALING ${JSON.stringify(results)}\n`);
  process.exit(0);
}
