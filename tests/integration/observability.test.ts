/**
 * What a deployed function writes to its log: one line per request, one audit
 * line per committed write, and the embedded-metric-format members that turn
 * lines into CloudWatch metrics. Handlers run in-process against DynamoDB
 * Local, with stdout captured, at a deployed stage's level (INFO).
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { invoke, type InvokeRequest } from '../helpers/invoke';
import { uniqueName } from '../helpers/api';
import { customToken, roleToken } from '../helpers/tokens';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
const handlers: Record<string, Handler> = {};
let db: import('../../lib/storage/store').Store['db'];

const NAMESPACE = 'ensemble-observability-test';
const saved = { level: process.env.LOG_LEVEL, namespace: process.env.METRICS_NAMESPACE };
let producer: string;

beforeAll(async () => {
  // The suite runs SILENT; the logger reads its level and namespace once, when first imported.
  process.env.LOG_LEVEL = 'INFO';
  process.env.METRICS_NAMESPACE = NAMESPACE;
  // One at a time: jest's ESM loader fails on parallel imports of modules sharing dependencies.
  const modules = {
    createActor: () => import('../../functions/actors/create'),
    updateActor: () => import('../../functions/actors/update'),
    deleteActor: () => import('../../functions/actors/delete'),
    createMovie: () => import('../../functions/movies/create'),
    updateMovie: () => import('../../functions/movies/update'),
    addMovieActor: () => import('../../functions/movies/add-actor'),
    removeMovieActor: () => import('../../functions/movies/remove-actor'),
    deleteMovie: () => import('../../functions/movies/delete'),
    health: () => import('../../functions/health'),
  };
  for (const [name, load] of Object.entries(modules)) handlers[name] = (await load()).handler;
  db = (await import('../../lib/storage/store')).store().db;
  producer = await roleToken('executive-producer');
});

afterAll(() => {
  process.env.LOG_LEVEL = saved.level;
  if (saved.namespace === undefined) delete process.env.METRICS_NAMESPACE;
  else process.env.METRICS_NAMESPACE = saved.namespace;
});

/** Runs one request, returning its result and the parsed log lines it wrote. */
const run = async (name: string, request: InvokeRequest) => {
  const text: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => text.push(String(chunk)) > 0;
  try {
    const result = await invoke(handlers[name]!, request);
    return { result, text: text.join(''), lines: text.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
  } finally {
    process.stdout.write = write;
  }
};

const byMessage = (lines: any[], message: string) => lines.filter((line) => line.message === message);

/**
 * The embedded metric format as CloudWatch documents it: `_aws` with a
 * millisecond Timestamp and directives; each directive's dimension keys and
 * metric names are top-level members of the line, metric values are numbers.
 */
const expectMetricLine = (line: any, metric: string, dimensions: Record<string, string>) => {
  expect(line._aws).toEqual({
    Timestamp: expect.any(Number),
    CloudWatchMetrics: [
      {
        Namespace: NAMESPACE,
        Dimensions: Object.keys(dimensions).length === 0 ? [[]] : [[], Object.keys(dimensions)],
        Metrics: [{ Name: metric, Unit: 'Count' }],
      },
    ],
  });
  expect(Math.abs(line._aws.Timestamp - Date.now())).toBeLessThan(60_000);
  expect(line[metric]).toBe(1);
  for (const [key, value] of Object.entries(dimensions)) expect(line[key]).toBe(value);
};

describe('the request line', () => {
  it('is one INFO line per request, after the response: request id, route, method, status, latency and caller; no header, token or body', async () => {
    const name = uniqueName('Logline Marker');
    const created = await run('createActor', {
      method: 'POST',
      path: '/api/v1/actors',
      token: producer,
      body: { name, gender: 'female', birth_date: '1970-05-06' },
    });
    expect(created.result.status).toBe(201);
    const [line, ...others] = byMessage(created.lines, 'Request');
    expect(others).toEqual([]);
    expect(line).toEqual({
      level: 'INFO',
      message: 'Request',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'ensemble',
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      route: 'POST /api/v1/actors',
      method: 'POST',
      status: 201,
      latency_ms: expect.any(Number),
      sub: 'local|executive-producer',
    });
    expect(created.lines.at(-1)).toBe(line);
    expect(created.text).not.toContain(producer);
    expect(created.text).not.toContain(producer.split('.')[2]);
    expect(created.text).not.toContain(name);
    expect(created.text.toLowerCase()).not.toContain('bearer');
  });

  it('names no caller on public operations', async () => {
    const { lines } = await run('health', { path: '/api/v1/health' });
    expect(byMessage(lines, 'Request')).toEqual([expect.objectContaining({ route: 'GET /api/v1/health', status: 200 })]);
    expect(byMessage(lines, 'Request')[0]).not.toHaveProperty('sub');
  });

  it('carries the error responses too, and counts every 401 and 403 by reason (AuthRejections)', async () => {
    const cases: [InvokeRequest, number, string][] = [
      [{}, 401, 'missing_token'],
      [{ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 401, 'malformed_header'],
      [{ token: await customToken({ permissions: ['get:actors'], expiresIn: -60 }) }, 401, 'expired'],
      [{ token: await customToken({ permissions: ['delete:actors'], claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }) }, 401, 'not_yet_valid'],
      [{ token: `${producer.slice(0, -4)}AAAA` }, 401, 'invalid_token'],
      [{ token: await roleToken('casting-assistant') }, 403, 'missing_permission'],
    ];
    for (const [request, status, reason] of cases) {
      const { result, lines, text } = await run('deleteActor', { ...request, method: 'DELETE', path: '/api/v1/actors/{id}', pathParameters: { id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' } });
      expect(result.status).toBe(status);
      const [line] = byMessage(lines, 'Request');
      expect(line).toMatchObject({ route: 'DELETE /api/v1/actors/{id}', status, reason });
      // A 403 names the caller its verified token proves; a 401 names nobody (an unverified `sub` is whatever the sender wrote).
      if (status === 403) expect(line.sub).toBe('local|casting-assistant');
      else expect(line).not.toHaveProperty('sub');
      expectMetricLine(line, 'AuthRejections', { Reason: reason });
      if (request.token !== undefined) expect(text).not.toContain(request.token);
      expect(byMessage(lines, 'Audit')).toEqual([]);
    }
  });
});

describe('the line of a refused token', () => {
  it.each([
    ['issuer', { iss: `https://${'i'.repeat(5000)}.example/` }],
    ['audience', { aud: `urn:${'a'.repeat(5000)}` }],
  ])('cuts the verifier\'s message, which quotes the token\'s own %s, to a few hundred characters; the request line keeps its reason', async (_claim, claims) => {
    const token = await customToken({ permissions: ['get:actors'], claims });
    const { result, lines, text } = await run('deleteActor', { token, method: 'DELETE', path: '/api/v1/actors/{id}', pathParameters: { id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' } });
    expect(result.status).toBe(401);
    const [warning, ...others] = byMessage(lines, 'Access token rejected');
    expect(others).toEqual([]);
    expect(warning.cause.name).toMatch(/^JwtInvalid(Issuer|Audience)Error$/);
    expect(warning.cause.message.length).toBeLessThanOrEqual(201);
    expect(warning.cause.message).toMatch(/not allowed/);
    expect(text.length).toBeLessThan(3000);
    const [line] = byMessage(lines, 'Request');
    expect(line).toMatchObject({ status: 401, reason: 'invalid_token' });
    expectMetricLine(line, 'AuthRejections', { Reason: 'invalid_token' });
  });
});

describe('the audit line', () => {
  const audits = (lines: any[]) =>
    byMessage(lines, 'Audit').map(({ operation, record_id, version_before, version_after, linked_ids, sub }) => ({
      operation,
      record_id,
      version_before,
      version_after,
      linked_ids,
      sub,
    }));

  it('is written once per committed write: who, what, which record, version before and after; counted as Writes per operation', async () => {
    const director = await roleToken('casting-director');
    const a = await run('createActor', { method: 'POST', token: director, body: { name: uniqueName('Audit Actor'), gender: 'male', birth_date: '1981-02-03' } });
    const actorId = a.result.body.actor.id;
    expect(audits(a.lines)).toEqual([
      { operation: 'actor.create', record_id: actorId, version_before: null, version_after: 1, linked_ids: [], sub: 'local|casting-director' },
    ]);
    const [line] = byMessage(a.lines, 'Audit');
    expect(line.request_id).toBe(byMessage(a.lines, 'Request')[0].request_id);
    expectMetricLine(line, 'Writes', { Operation: 'actor.create' });

    const u = await run('updateActor', { method: 'PATCH', token: director, pathParameters: { id: actorId }, body: { gender: 'non-binary' } });
    expect(audits(u.lines)).toEqual([
      { operation: 'actor.update', record_id: actorId, version_before: 1, version_after: 2, linked_ids: [], sub: 'local|casting-director' },
    ]);

    const m = await run('createMovie', { method: 'POST', token: producer, body: { title: uniqueName('Audit Movie'), release_date: '2010-10-10' } });
    const movieId = m.result.body.movie.id;
    const steps: [string, InvokeRequest, object][] = [
      ['addMovieActor', { method: 'PUT', pathParameters: { id: movieId, actor_id: actorId } }, { operation: 'movie.cast.add', version_before: 1, version_after: 2, linked_ids: [actorId] }],
      ['removeMovieActor', { method: 'DELETE', pathParameters: { id: movieId, actor_id: actorId } }, { operation: 'movie.cast.remove', version_before: 2, version_after: 3, linked_ids: [actorId] }],
      ['updateMovie', { method: 'PATCH', pathParameters: { id: movieId }, body: { actor_ids: [actorId] } }, { operation: 'movie.update', version_before: 3, version_after: 4, linked_ids: [actorId] }],
      ['deleteMovie', { method: 'DELETE', pathParameters: { id: movieId } }, { operation: 'movie.delete', version_before: 4, version_after: null, linked_ids: [actorId] }],
    ];
    expect(audits(m.lines)).toEqual([
      { operation: 'movie.create', record_id: movieId, version_before: null, version_after: 1, linked_ids: [], sub: 'local|executive-producer' },
    ]);
    for (const [name, request, expected] of steps) {
      const step = await run(name, { ...request, token: producer });
      expect(step.result.status).toBe(200);
      expect(audits(step.lines)).toEqual([{ ...expected, record_id: movieId, sub: 'local|executive-producer' }]);
    }
    // The actor moved up with each cast change (3, 4), joining the cast again (5) and the movie's deletion (6).
    const d = await run('deleteActor', { method: 'DELETE', token: director, pathParameters: { id: actorId } });
    expect(audits(d.lines)).toEqual([
      { operation: 'actor.delete', record_id: actorId, version_before: 6, version_after: null, linked_ids: [], sub: 'local|casting-director' },
    ]);
  });

  it('is not written for a rejected write, a change to nothing, or an idempotent replay (which is counted as IdempotentReplays)', async () => {
    const name = uniqueName('Audit Once');
    const body = { name, gender: 'female', birth_date: '1990-09-09' };
    const headers = { 'idempotency-key': `audit-${name.replace(/\W/g, '-')}` };
    const first = await run('createActor', { method: 'POST', token: producer, body, headers });
    expect(byMessage(first.lines, 'Audit')).toHaveLength(1);
    expect(byMessage(first.lines, 'Request')[0]).not.toHaveProperty('_aws');
    const replay = await run('createActor', { method: 'POST', token: producer, body, headers });
    expect(replay.result.headers['idempotent-replayed']).toBe('true');
    expect(byMessage(replay.lines, 'Audit')).toEqual([]);
    expectMetricLine(byMessage(replay.lines, 'Request')[0], 'IdempotentReplays', {});

    const duplicate = await run('createActor', { method: 'POST', token: producer, body: { ...body, name: name.toUpperCase() } });
    expect(duplicate.result.status).toBe(409);
    const id = first.result.body.actor.id;
    const stale = await run('updateActor', { method: 'PATCH', token: producer, pathParameters: { id }, headers: { 'if-match': '"7"' }, body: { gender: 'x' } });
    expect(stale.result.status).toBe(412);
    const unchanged = await run('updateActor', { method: 'PATCH', token: producer, pathParameters: { id }, body: { gender: 'female' } });
    expect(unchanged.result.status).toBe(200);
    for (const { lines } of [duplicate, stale, unchanged]) expect(byMessage(lines, 'Audit')).toEqual([]);
  });
});

describe('the retry metrics', () => {
  it('count a transaction conflict (as AWS reports it; DynamoDB Local never does) and the fresh-read retry it causes', async () => {
    const created = await run('createActor', { method: 'POST', token: producer, body: { name: uniqueName('Conflict Actor'), gender: 'f', birth_date: '1985-01-01' } });
    const id = created.result.body.actor.id;
    // The suite's conflict emulation holds the new actor's keys for 15 ms after the create; let them go,
    // so that the one conflict below is the stand-in's.
    await new Promise((resolve) => setTimeout(resolve, 100));
    let conflicts = 1;
    // A stand-in for AWS: the first transaction is cancelled for a conflict with another one, as DynamoDB does under contention.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && conflicts > 0) {
          conflicts -= 1;
          throw Object.assign(new Error('Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]'), {
            name: 'TransactionCanceledException',
            CancellationReasons: [{ Code: 'TransactionConflict' }],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'standInTransactionConflict' },
    );
    try {
      const updated = await run('updateActor', { method: 'PATCH', token: producer, pathParameters: { id }, body: { gender: 'm' } });
      expect(updated.result.status).toBe(200);
      expect(updated.lines.map((line) => line.message)).toEqual(['TransactionConflicts', 'FreshReadRetries', 'Audit', 'Request']);
      const [conflict, retry] = updated.lines;
      expectMetricLine(conflict, 'TransactionConflicts', {});
      expectMetricLine(retry, 'FreshReadRetries', {});
      expect(conflict.request_id).toBe(updated.lines[3].request_id);
      expect(byMessage(updated.lines, 'Audit')[0]).toMatchObject({ version_before: 1, version_after: 2 });
    } finally {
      db.middlewareStack.remove('standInTransactionConflict');
    }
  });
});
