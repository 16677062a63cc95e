/**
 * Property-based tests over HTTP against the running stack (serverless-offline
 * + DynamoDB Local), more than 10,000 generated requests in all:
 *
 * 1. Sequential command runs: valid and invalid creates, changes, cast moves
 *    and deletes, each outcome predicted exactly by an in-memory model; after
 *    each run the database must equal the model and every invariant hold.
 * 2. Concurrent garbage: generated bodies, ids, query strings, headers,
 *    media types and methods; none may be a 5xx or a 2xx write, every error
 *    must have the docs/endpoints.md#errors shape, and the database must not change at all.
 */
import fc from 'fast-check';
import { ulid } from 'ulid';
import { ageOn, todayUtc } from '../../lib/domain/dates';
import { api } from '../helpers/api';
import { integrityProblems, snapshot } from '../helpers/integrity';
import { Model } from '../helpers/model';
import { type Result } from '../helpers/result';
import { roleToken } from '../helpers/tokens';
import { withIndexLag } from '../helpers/index-lag';

// Lists read an index, which DynamoDB updates a moment after the table: this file meets that lag (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
withIndexLag();

let token: string;
beforeAll(async () => {
  token = await roleToken('executive-producer');
});

const expectErrorShape = (response: Result) => {
  expect(response.body).toEqual(
    expect.objectContaining({ success: false, error: response.status, message: expect.any(String), request_id: expect.any(String) }),
  );
  expect(Object.keys(response.body).every((key) => ['success', 'error', 'message', 'details', 'request_id'].includes(key))).toBe(true);
  expect(JSON.stringify(response.body)).not.toMatch(/ensemble-test|Exception|\bat .+:\d+:\d+/);
};

// ---- 1. model-based command runs ------------------------------------------

const FUTURE = `${Number(todayUtc().slice(0, 4)) + 1}-01-01`;
const nameWord = fc.constantFrom('Ada', 'ada', 'ADA', 'Bo', 'Cy', 'Dee');
const personName = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(nameWord, nameWord, fc.constantFrom('', ' ', '  ')).map(([a, b, pad]) => `${pad}${a} ${b}${pad}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', 'x'.repeat(201)) },
);
const gender = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('female', 'male', 'non-binary') }, { weight: 1, arbitrary: fc.constantFrom('', 'g'.repeat(51)) });
const date = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('1960-02-29', '1975-06-15', '1990-12-31', '2001-01-01') },
  { weight: 1, arbitrary: fc.constantFrom('2001-02-29', '1799-12-31', FUTURE, '1990-1-1') },
);
const title = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('Heat', 'heat', 'Up', 'UP ', 'Jaws') }, { weight: 1, arbitrary: fc.constantFrom('', 'y'.repeat(201)) });
const pick = fc.nat({ max: 1000 });
const ifMatch = fc.constantFrom<'none' | 'current' | 'stale'>('none', 'none', 'current', 'stale');

const command = fc.oneof(
  fc.record({ kind: fc.constant('createActor' as const), name: personName, gender, birth: date }),
  fc.record({
    kind: fc.constant('patchActor' as const),
    target: pick,
    changes: fc.record({ name: personName, gender, birth_date: date }, { requiredKeys: [] }),
    ifMatch,
  }),
  fc.record({ kind: fc.constant('deleteActor' as const), target: pick, ifMatch }),
  fc.record({
    kind: fc.constant('createMovie' as const),
    title,
    release: date,
    cast: fc.uniqueArray(pick, { maxLength: 4 }),
    unknownActor: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 8, arbitrary: fc.constant(false) }),
  }),
  fc.record({
    kind: fc.constant('patchMovie' as const),
    target: pick,
    changes: fc.record({ title, release_date: date, cast: fc.uniqueArray(pick, { maxLength: 4 }) }, { requiredKeys: [] }),
    ifMatch,
  }),
  fc.record({ kind: fc.constant('addCast' as const), movie: pick, actor: pick }),
  fc.record({ kind: fc.constant('removeCast' as const), movie: pick, actor: pick }),
  fc.record({ kind: fc.constant('deleteMovie' as const), target: pick, ifMatch }),
  fc.record({ kind: fc.constant('getActor' as const), target: pick }),
  fc.record({ kind: fc.constant('restoreActor' as const), target: pick }),
  fc.record({ kind: fc.constant('restoreMovie' as const), target: pick }),
);

type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

const validText = (text: string, max: number) => text.trim().length >= 1 && text.trim().length <= max;
const validDate = (text: string, futureAllowed = false) =>
  ['1960-02-29', '1975-06-15', '1990-12-31', '2001-01-01'].includes(text) || (futureAllowed && text === FUTURE);

/** The order every PATCH checks in: the body (422), the record (404), If-Match (412), then what `rest` decides. */
const patchStatus = <R>(invalid: boolean, current: R | undefined, ifMatch: string, rest: (current: R) => number): number =>
  invalid ? 422 : current === undefined ? 404 : ifMatch === 'stale' ? 412 : rest(current);

/** Runs one command, returning the status the model predicts and the response. */
const runCommand = async (model: Model, prefix: string, cmd: Command): Promise<{ expected: number; response: Result }> => {
  const actorIds = [...model.actors.keys()];
  const movieIds = [...model.movies.keys()];
  const choose = (ids: string[], n: number) => (ids.length === 0 ? ulid() : ids[n % ids.length]!);
  const named = (name: string) => (name.trim() === '' || name.length > 200 ? name : `${prefix} ${name}`);
  const titled = (text: string) => (text.trim() === '' || text.length > 200 ? text : `${prefix} ${text}`);
  const versionHeader = (mode: string, version: number | undefined): Record<string, string> =>
    mode === 'none' || version === undefined ? {} : { 'if-match': `"${mode === 'current' ? version : version + 7}"` };

  switch (cmd.kind) {
    case 'createActor': {
      const body = { name: named(cmd.name), gender: cmd.gender, birth_date: cmd.birth };
      const response = await api('/api/v1/actors', { method: 'POST', token, body });
      const invalid = !validText(body.name, 200) || !validText(body.gender, 50) || !validDate(body.birth_date);
      const expected = invalid ? 422 : model.nameTaken(body.name) ? 409 : 201;
      if (expected === 201 && response.status === 201) {
        model.addActor({ id: response.body.actor.id, name: body.name.trim(), gender: body.gender.trim(), birth_date: body.birth_date });
        expect(response.body.actor.age).toBe(ageOn(body.birth_date, todayUtc()));
      }
      return { expected, response };
    }
    case 'patchActor': {
      const id = choose(actorIds, cmd.target);
      const current = model.actors.get(id);
      const changes = { ...cmd.changes, ...(cmd.changes.name === undefined ? {} : { name: named(cmd.changes.name) }) };
      const response = await api(`/api/v1/actors/${id}`, { method: 'PATCH', token, body: changes, headers: versionHeader(cmd.ifMatch, current?.version) });
      const invalid =
        Object.keys(changes).length === 0 ||
        (changes.name !== undefined && !validText(changes.name, 200)) ||
        (changes.gender !== undefined && !validText(changes.gender, 50)) ||
        (changes.birth_date !== undefined && !validDate(changes.birth_date));
      const expected = patchStatus(invalid, current, cmd.ifMatch, (actor) =>
        changes.name !== undefined && changes.name.trim() !== actor.name && model.nameTaken(changes.name, id) ? 409 : 200,
      );
      if (expected === 200 && response.status === 200) {
        model.updateActor(id, {
          ...(changes.name === undefined ? {} : { name: changes.name.trim() }),
          ...(changes.gender === undefined ? {} : { gender: changes.gender.trim() }),
          ...(changes.birth_date === undefined ? {} : { birth_date: changes.birth_date }),
        });
        expect(response.body.actor.version).toBe(model.actors.get(id)!.version);
      }
      return { expected, response };
    }
    case 'deleteActor':
    case 'deleteMovie': {
      const [kind, ids, records] = cmd.kind === 'deleteActor' ? (['actors', actorIds, model.actors] as const) : (['movies', movieIds, model.movies] as const);
      const id = choose(ids, cmd.target);
      const current = records.get(id);
      const response = await api(`/api/v1/${kind}/${id}`, { method: 'DELETE', token, headers: versionHeader(cmd.ifMatch, current?.version) });
      const expected = current === undefined ? 404 : cmd.ifMatch === 'stale' ? 412 : 200;
      if (expected === 200 && response.status === 200) {
        if (cmd.kind === 'deleteActor') model.deleteActor(id);
        else model.deleteMovie(id);
      }
      return { expected, response };
    }
    case 'createMovie': {
      const cast = [...new Set(cmd.cast.map((n) => choose(actorIds, n)))];
      const withUnknown = cmd.unknownActor ? [...cast, ulid()] : cast;
      const body = { title: titled(cmd.title), release_date: cmd.release, actor_ids: withUnknown };
      const response = await api('/api/v1/movies', { method: 'POST', token, body });
      const unknown = withUnknown.some((actorId) => !model.actors.has(actorId));
      const invalid = !validText(body.title, 200) || !validDate(body.release_date, true);
      const expected = invalid || unknown ? 422 : model.titleTaken(body.title, body.release_date) ? 409 : 201;
      if (expected === 201 && response.status === 201) {
        model.addMovie({ id: response.body.movie.id, title: body.title.trim(), release_date: body.release_date }, withUnknown);
      }
      return { expected, response };
    }
    case 'patchMovie': {
      const id = choose(movieIds, cmd.target);
      const current = model.movies.get(id);
      const { cast, ...fields } = cmd.changes;
      const changes = {
        ...fields,
        ...(fields.title === undefined ? {} : { title: titled(fields.title) }),
        ...(cast === undefined ? {} : { actor_ids: [...new Set(cast.map((n) => choose(actorIds, n)))] }),
      };
      const response = await api(`/api/v1/movies/${id}`, { method: 'PATCH', token, body: changes, headers: versionHeader(cmd.ifMatch, current?.version) });
      const invalid =
        Object.keys(changes).length === 0 ||
        (changes.title !== undefined && !validText(changes.title, 200)) ||
        (changes.release_date !== undefined && !validDate(changes.release_date, true));
      const title = changes.title?.trim() ?? current?.title;
      const releaseDate = changes.release_date ?? current?.release_date;
      const joiningUnknown = (changes.actor_ids ?? []).some((actorId) => !current?.actor_ids.has(actorId) && !model.actors.has(actorId));
      const noChange =
        current !== undefined &&
        title === current.title &&
        releaseDate === current.release_date &&
        (changes.actor_ids === undefined ||
          (changes.actor_ids.length === current.actor_ids.size && changes.actor_ids.every((actorId) => current.actor_ids.has(actorId))));
      const expected = patchStatus(invalid, current, cmd.ifMatch, () =>
        noChange ? 200 : joiningUnknown ? 422 : model.titleTaken(title!, releaseDate!, id) ? 409 : 200,
      );
      if (expected === 200 && response.status === 200) {
        model.updateMovie(id, { title, release_date: releaseDate, ...(changes.actor_ids === undefined ? {} : { actor_ids: changes.actor_ids }) });
        expect(response.body.movie.version).toBe(model.movies.get(id)!.version);
      }
      return { expected, response };
    }
    case 'addCast':
    case 'removeCast': {
      const movieId = choose(movieIds, cmd.movie);
      const actorId = choose(actorIds, cmd.actor);
      const movie = model.movies.get(movieId);
      const response = await api(`/api/v1/movies/${movieId}/actors/${actorId}`, { method: cmd.kind === 'addCast' ? 'PUT' : 'DELETE', token });
      let expected: number;
      if (movie === undefined) expected = 404;
      else if (cmd.kind === 'addCast') expected = movie.actor_ids.has(actorId) ? 200 : model.actors.has(actorId) ? 200 : 404;
      else expected = movie.actor_ids.has(actorId) ? 200 : 404;
      if (expected === 200 && response.status === 200 && movie !== undefined) {
        const cast = new Set(movie.actor_ids);
        if (cmd.kind === 'addCast') cast.add(actorId);
        else cast.delete(actorId);
        model.setCast(movieId, [...cast]);
      }
      return { expected, response };
    }
    case 'restoreActor':
    case 'restoreMovie': {
      const isActor = cmd.kind === 'restoreActor';
      // Mostly a record this run deleted; sometimes a live one or one never deleted (both 404).
      const candidates = [...(isActor ? model.deletedActors.keys() : model.deletedMovies.keys()), ...(isActor ? actorIds : movieIds).slice(0, 1)];
      const id = choose(candidates, cmd.target);
      const kept = isActor ? model.deletedActors.get(id) : model.deletedMovies.get(id);
      const response = await api(`/api/v1/${isActor ? 'actors' : 'movies'}/${id}/restore`, { method: 'POST', token });
      let expected = 404;
      if (kept !== undefined) {
        const taken = 'name' in kept ? model.nameTaken(kept.name) : model.titleTaken(kept.title, kept.release_date);
        expected = taken ? 409 : 200;
      }
      if (expected === 200 && response.status === 200) {
        if (isActor) model.restoreActor(id);
        else model.restoreMovie(id);
        const restored = isActor ? model.actors.get(id)! : model.movies.get(id)!;
        expect(response.body[isActor ? 'actor' : 'movie'].version).toBe(restored.version);
      }
      return { expected, response };
    }
    case 'getActor': {
      const id = choose(actorIds, cmd.target);
      const response = await api(`/api/v1/actors/${id}`, { token });
      const expected = model.actors.has(id) ? 200 : 404;
      if (response.status === 200) expect(response.body.actor.version).toBe(model.actors.get(id)?.version);
      return { expected, response };
    }
  }
};

/** The stored records of one run (its names and titles carry the run's prefix) must equal the model. */
const expectDatabaseEqualsModel = async (model: Model, prefix: string) => {
  const { actors, movies } = await snapshot();
  const stored = <T extends { name?: string; title?: string }>(records: Map<string, T>) =>
    new Map([...records].filter(([, record]) => (record.name ?? record.title ?? '').startsWith(prefix)));
  const view = (ids: Set<string> | undefined) => [...(ids ?? [])].sort();
  expect(
    [...stored(actors).values()].map((a: any) => ({ id: a.id, name: a.name, gender: a.gender, birth_date: a.birth_date, movie_ids: view(a.movie_ids), version: a.version })).sort((a, b) => a.id.localeCompare(b.id)),
  ).toEqual([...model.actors.values()].map((a) => ({ ...a, movie_ids: view(a.movie_ids) })).sort((a, b) => a.id.localeCompare(b.id)));
  expect(
    [...stored(movies).values()].map((m: any) => ({ id: m.id, title: m.title, release_date: m.release_date, actor_ids: view(m.actor_ids), version: m.version })).sort((a, b) => a.id.localeCompare(b.id)),
  ).toEqual([...model.movies.values()].map((m) => ({ ...m, actor_ids: view(m.actor_ids) })).sort((a, b) => a.id.localeCompare(b.id)));
};

let requestsSent = 0;

it('matches an in-memory model over sequential runs of generated commands', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 150, maxLength: 250 }), async (commands) => {
      const model = new Model();
      const prefix = `Fz${ulid().slice(-10)}`;
      for (const cmd of commands) {
        const { expected, response } = await runCommand(model, prefix, cmd);
        requestsSent += 1;
        if (response.status !== expected) {
          throw new Error(`${cmd.kind} ${JSON.stringify(cmd)}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`);
        }
        if (response.status >= 400) expectErrorShape(response);
      }
      await expectDatabaseEqualsModel(model, prefix);
    }),
    { numRuns: 14, endOnFailure: true },
  );
  expect(await integrityProblems()).toEqual([]);
}, 600_000);

// ---- 2. concurrent garbage --------------------------------------------------

const KNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const pathSegment = fc.oneof(fc.constant(KNOWN_ID), fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9A-Z]{20,30}$/));
const jsonBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.dictionary(fc.constantFrom('name', 'gender', 'birth_date', 'title', 'release_date', 'actor_ids', 'id', 'age', 'version', 'extra'), fc.jsonValue()).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constant(JSON.stringify({ name: 'z'.repeat(70_000) })),
);
const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/jsonp') },
  // Well-formed, non-multipart media types only: serverless-offline's HTTP server (not our code, and
  // not API Gateway) answers a malformed Content-Type, or a multipart body without boundary, itself.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[a-z0-9.+-]{1,15}$/))
      .filter(([type]) => type !== 'multipart')
      .map(([type, sub]) => `${type}/${sub}`),
  },
);
const header = fc.string({ maxLength: 60 }).filter((value) => /^[\x20-\x7e]*$/.test(value));
const queryString = fc
  .dictionary(fc.constantFrom('limit', 'cursor', 'q', 'gender', 'min_age', 'max_age', 'released_after', 'released_before', 'sort', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 4 })
  .map((query) => new URLSearchParams(query).toString());

const garbage = fc.oneof(
  fc.record({ method: fc.constantFrom('POST'), path: fc.constantFrom('/api/v1/actors', '/api/v1/movies'), body: jsonBody, contentType, ifMatch: fc.constant(undefined) }),
  fc.record({
    method: fc.constantFrom('PATCH'),
    path: fc.tuple(fc.constantFrom('actors', 'movies'), pathSegment).map(([kind, id]) => `/api/v1/${kind}/${encodeURIComponent(id)}`),
    body: jsonBody,
    contentType,
    ifMatch: fc.option(header, { nil: undefined }),
  }),
  fc.record({
    method: fc.constantFrom('GET', 'DELETE', 'PUT', 'POST', 'PATCH', 'HEAD', 'OPTIONS'),
    path: fc.tuple(fc.constantFrom('actors', 'movies', 'movies/x/actors', 'health', 'nope'), pathSegment, pathSegment).map(
      ([base, a, b]) => `/api/v1/${base.replace('x', encodeURIComponent(a))}/${encodeURIComponent(b)}`,
    ),
    body: fc.constant(undefined),
    contentType: fc.constant(undefined),
    ifMatch: fc.option(header, { nil: undefined }),
  }),
  fc.record({
    method: fc.constant('GET'),
    path: fc.tuple(fc.constantFrom('/api/v1/actors', '/api/v1/movies'), queryString).map(([path, query]) => `${path}?${query}`),
    body: fc.constant(undefined),
    contentType: fc.constant(undefined),
    ifMatch: fc.constant(undefined),
  }),
);

const sendGarbage = async (request: typeof garbage extends fc.Arbitrary<infer R> ? R : never, authorization: string | undefined) => {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
  return api(request.path, { method: request.method, headers, ...(request.body === undefined ? {} : { body: request.body }) });
};

it('rejects generated garbage cleanly, concurrently, without changing anything', async () => {
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer', 'Basic abc', `Bearer ${token}x`, `Bearer ${token.split('.').reverse().join('.')}`) },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(garbage, authorization), { minLength: 400, maxLength: 400 }), async (batch) => {
      const before = (await snapshot()).raw;
      const queue = [...batch];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            const [request, auth] = next;
            const response = await sendGarbage(request, auth);
            requestsSent += 1;
            const context = `${request.method} ${request.path} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
            if (response.status >= 500) throw new Error(`5xx: ${context}`);
            const isRead = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
            if (!isRead && response.status < 300) throw new Error(`garbage accepted: ${context}`);
            if (response.status >= 400 && request.method !== 'HEAD') expectErrorShape(response);
          }
        }),
      );
      const after = (await snapshot()).raw;
      const key = (item: Record<string, unknown>) => JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v].sort() : v));
      const [was, now] = [new Set([...before.actors, ...before.movies].map(key)), new Set([...after.actors, ...after.movies].map(key))];
      expect({ appeared: [...now].filter((item) => !was.has(item)), vanished: [...was].filter((item) => !now.has(item)) }).toEqual({ appeared: [], vanished: [] });
    }),
    { numRuns: 20, endOnFailure: true },
  );
}, 600_000);

afterAll(() => {
  // The issue asks for at least 10,000 generated requests in all.
  expect(requestsSent).toBeGreaterThanOrEqual(10_000);
});
