/**
 * DynamoDB refusing, stalling, throttling or failing: every request ends
 * with a clean 503 + Retry-After (bounded by the SDK's timeouts, never a
 * hang), no internals leak, and once the database is back nothing is
 * half-written.
 */
import fc from 'fast-check';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as getActor } from '../../functions/actors/get';
import { handler as listActors } from '../../functions/actors/list';
import { handler as createActor } from '../../functions/actors/create';
import { handler as addMovieActor } from '../../functions/movies/add-actor';
import { handler as createMovie } from '../../functions/movies/create';
import { readDataConfig } from '../../lib/config';
import { openStore, useStore, type Store } from '../../lib/storage/store';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../helpers/fault-proxy';
import { newActor } from '../helpers/fixtures';
import { integrityProblems, snapshot } from '../helpers/integrity';
import { uniqueName } from '../helpers/api';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

let proxy: FaultProxy;
let producer: string;
let suiteStore: Store | undefined;
const handlers = { createActor, getActor, listActors, createMovie, addMovieActor, deleteActor };

beforeAll(async () => {
  const config = readDataConfig();
  proxy = await startFaultProxy(config.endpoint!);
  // The handlers talk to DynamoDB through the proxy, with the production timeout, so a stall ends as it would in AWS.
  suiteStore = useStore(openStore({ ...config, endpoint: proxy.url, requestTimeoutMs: 1500 }));
  producer = await roleToken('executive-producer');
});

afterAll(async () => {
  useStore(suiteStore);
  await proxy.close();
});

afterEach(() => {
  proxy.mode = 'pass';
});

describe.each<FaultMode>(['refuse', 'stall', 'throttle', 'server-error'])('when DynamoDB is %s', (mode) => {
  it('answers reads and writes with 503 + Retry-After, leaks nothing, and writes nothing', async () => {
    const actor = await newActor(producer);
    const movie = (await invoke(handlers.createMovie, { method: 'POST', token: producer, body: { title: uniqueName('Fault'), release_date: '2000-01-01' } })).body.movie;
    const before = await snapshot();
    proxy.mode = mode;
    const results = await Promise.all([
      invoke(handlers.getActor, { pathParameters: { id: actor.id }, token: producer }),
      invoke(handlers.listActors, { token: producer }),
      invoke(handlers.createActor, { method: 'POST', token: producer, body: { name: uniqueName('Lost'), gender: 'f', birth_date: '1970-07-07' } }),
      invoke(handlers.addMovieActor, { method: 'PUT', pathParameters: { id: movie.id, actor_id: actor.id }, token: producer }),
      invoke(handlers.deleteActor, { method: 'DELETE', pathParameters: { id: actor.id }, token: producer }),
    ]);
    for (const result of results) {
      const body = expectError(result, 503);
      expect(result.headers['retry-after']).toMatch(/^\d+$/);
      expect(body.message).not.toMatch(/dynamo|throttl|ECONN|socket|timeout|ensemble-/i);
    }
    proxy.mode = 'pass';
    const after = await snapshot();
    expect(after.raw).toEqual(before.raw);
  }, 60_000);
});

it('serves normally again once DynamoDB is back, with every committed write intact', async () => {
  proxy.mode = 'throttle';
  expectError(await invoke(handlers.listActors, { token: producer }), 503);
  proxy.mode = 'pass';
  const actor = await newActor(producer);
  expect((await invoke(handlers.getActor, { pathParameters: { id: actor.id }, token: producer })).status).toBe(200);
  expect(await integrityProblems()).toEqual([]);
});

/** The flapping schedule's seed: fixed, so a failing run's sequence of modes can be replayed (FAULTS_SEED=… to try others). */
const FLAP_SEED = Number(process.env.FAULTS_SEED ?? 18);
const FLAP_BATCHES = 8;

it('survives a flapping database: whatever was answered 2xx is stored, nothing is half-written, and both outcomes occur', async () => {
  const modes: FaultMode[] = ['pass', 'throttle', 'pass', 'refuse', 'pass', 'server-error'];
  // One long seeded sequence of modes, taken in turn every 15 ms by every batch.
  const schedule = fc.sample(fc.constantFrom(...modes), { numRuns: 10_000, seed: FLAP_SEED });
  let next = 0;
  const outcomes = new Set<number>();
  // Until a run has seen both a success and a 503 (or the batches run out): a run that saw only one proves nothing.
  for (let batch = 0; batch < FLAP_BATCHES && !(outcomes.has(503) && [200, 201].some((status) => outcomes.has(status))); batch += 1) {
    const actors = await Promise.all(Array.from({ length: 4 }, () => newActor(producer)));
    const movie = (await invoke(handlers.createMovie, { method: 'POST', token: producer, body: { title: uniqueName('Flap'), release_date: '2000-01-01' } })).body.movie;
    const flapping = setInterval(() => {
      proxy.mode = schedule[next++ % schedule.length]!;
    }, 15);
    const results = await Promise.all([
      ...actors.map((actor) => invoke(handlers.addMovieActor, { method: 'PUT', pathParameters: { id: movie.id, actor_id: actor.id }, token: producer })),
      ...Array.from({ length: 6 }, () =>
        invoke(handlers.createActor, { method: 'POST', token: producer, body: { name: uniqueName('Flap'), gender: 'f', birth_date: '1970-07-07' } }),
      ),
    ]);
    clearInterval(flapping);
    proxy.mode = 'pass';
    for (const result of results) {
      expect([200, 201, 503]).toContain(result.status);
      outcomes.add(result.status);
    }
    const { actors: stored, movies } = await snapshot();
    for (const result of results.filter((r) => r.status === 201)) expect(stored.has(result.body.actor.id)).toBe(true);
    for (const [i, result] of results.slice(0, actors.length).entries()) {
      if (result.status === 200) expect(movies.get(movie.id)!.actor_ids.has(actors[i].id)).toBe(true);
    }
    expect(await integrityProblems()).toEqual([]);
  }
  expect({ seed: FLAP_SEED, sawSuccess: outcomes.has(200) || outcomes.has(201), saw503: outcomes.has(503) }).toEqual({
    seed: FLAP_SEED,
    sawSuccess: true,
    saw503: true,
  });
}, 180_000);
