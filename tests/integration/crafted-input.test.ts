/**
 * Crafted requests that once reached a 500 or a wrong answer: text that
 * grows under Unicode normalisation, cursors moved between lists or holding
 * positions no real cursor holds, writes without a body. Each must be a 2xx
 * or a 4xx with the error shape, never a 5xx.
 */
import { ulid } from 'ulid';
import { handler as createActor } from '../../functions/actors/create';
import { handler as listActors } from '../../functions/actors/list';
import { handler as updateActor } from '../../functions/actors/update';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as listMovies } from '../../functions/movies/list';
import { handler as updateMovie } from '../../functions/movies/update';
import { encodeCursor } from '../../lib/storage/cursor';
import { integrityProblems } from '../helpers/integrity';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

let producer: string;
beforeAll(async () => {
  producer = await roleToken('executive-producer');
});

const tag = () => `t${ulid().slice(-8).toLowerCase()}`;
const postActor = (body: unknown) => invoke(createActor, { method: 'POST', token: producer, body });
const postMovie = (body: unknown) => invoke(createMovie, { method: 'POST', token: producer, body });
const searchActors = (q: string) => invoke(listActors, { token: producer, query: { q } });

// "㌀" is one character that NFKC turns into four (アパート, 12 bytes); 200 of them are 2,400 bytes.
const SQUARE_APAATO = '㌀';
// "ﷺ" is one character that NFKC turns into eighteen, spaces included.
const SALLALLAHOU = 'ﷺ';

describe('text that grows under Unicode normalisation', () => {
  it('creates an actor whose name is 200 expanding characters, and refuses the same name again with a 409', async () => {
    const prefix = tag();
    const name = `${prefix} ${SQUARE_APAATO.repeat(190)}`;
    const created = await postActor({ name, gender: SQUARE_APAATO.repeat(50), birth_date: '1980-01-01' });
    expect(created.status).toBe(201);
    expect(created.body.actor.name).toBe(name);
    expectError(await postActor({ name: name.toUpperCase(), gender: 'x', birth_date: '1981-01-01' }), 409);
    const found = await searchActors(`${prefix} ${SQUARE_APAATO.repeat(5)}`);
    expect(found.status).toBe(200);
    expect(found.body.actors.map((actor: { id: string }) => actor.id)).toEqual([created.body.actor.id]);
  });

  it('renames an actor to such a name, and back', async () => {
    const created = await postActor({ name: `${tag()} short`, gender: 'x', birth_date: '1980-01-01' });
    expect(created.status).toBe(201);
    const long = `${tag()}${SALLALLAHOU.repeat(190)}`;
    const renamed = await invoke(updateActor, {
      method: 'PATCH',
      token: producer,
      pathParameters: { id: created.body.actor.id },
      body: { name: long },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.actor.name).toBe(long);
  });

  it('creates a movie whose title is 200 expanding characters, and refuses the same title and date again with a 409', async () => {
    const title = `${tag()} ${SQUARE_APAATO.repeat(190)}`;
    const created = await postMovie({ title, release_date: '2001-01-01' });
    expect(created.status).toBe(201);
    expectError(await postMovie({ title: ` ${title} `, release_date: '2001-01-01' }), 409);
    expect((await postMovie({ title, release_date: '2001-01-02' })).status).toBe(201);
    const renamed = await invoke(updateMovie, {
      method: 'PATCH',
      token: producer,
      pathParameters: { id: created.body.movie.id },
      body: { title: `${tag()} ${SALLALLAHOU.repeat(190)}` },
    });
    expect(renamed.status).toBe(200);
  });

  it.each([
    // "㌀" is a symbol: with one letter, q is a single word of 1,189 bytes once normalised.
    ['a letter and 99 expanders', `a${SQUARE_APAATO.repeat(99)}`],
    ['only expanding symbols (no letter: a 400)', SQUARE_APAATO.repeat(100)],
    ['a 100-character word', 'a'.repeat(100)],
    ['one of another expander', SALLALLAHOU.repeat(100)],
    ['100 astral letters', '𝐀'.repeat(50)],
  ])('answers any search q (%s) with 200, or 400 when it has no letter or digit', async (_what, q) => {
    const expected = /[\p{L}\p{N}]/u.test(q) ? 200 : 400;
    const result = await searchActors(q);
    expect(result.status).toBe(expected);
    const movies = await invoke(listMovies, { token: producer, query: { q } });
    expect(movies.status).toBe(expected);
    if (expected === 400) expect(expectError(movies, 400).details).toEqual([{ field: 'q', message: 'must contain a letter or digit' }]);
  });

  it('leaves every record with exactly its claim and search words, hashed or not', async () => {
    expect(await integrityProblems()).toEqual([]);
  });

  it('answers a q over 100 characters with a 400 naming q', async () => {
    const body = expectError(await searchActors('a'.repeat(101)), 400);
    expect(body.details).toEqual([{ field: 'q', message: expect.any(String) }]);
  });
});

describe('cursors', () => {
  it('refuses a cursor of the actors list on the movies list, and the other way round', async () => {
    await postActor({ name: `${tag()} one`, gender: 'x', birth_date: '1980-01-01' });
    await postActor({ name: `${tag()} two`, gender: 'x', birth_date: '1980-01-01' });
    await postMovie({ title: `${tag()} one`, release_date: '2001-01-01' });
    await postMovie({ title: `${tag()} two`, release_date: '2001-01-01' });
    const actorsPage = await invoke(listActors, { token: producer, query: { limit: '1' } });
    const moviesPage = await invoke(listMovies, { token: producer, query: { limit: '1' } });
    expect(actorsPage.body.next_cursor).toEqual(expect.any(String));
    expect(moviesPage.body.next_cursor).toEqual(expect.any(String));
    const onMovies = expectError(await invoke(listMovies, { token: producer, query: { cursor: actorsPage.body.next_cursor } }), 400);
    expect(onMovies.details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    expectError(await invoke(listActors, { token: producer, query: { cursor: moviesPage.body.next_cursor } }), 400);
    // Each still continues its own list.
    expect((await invoke(listActors, { token: producer, query: { cursor: actorsPage.body.next_cursor } })).status).toBe(200);
  });

  // A cursor signed with the key of this process (the local fallback): someone who knows the key can sign
  // any position, and a position no real cursor holds must still be a 400, never a database error.
  it.each([
    ['an empty position on the plain list', 'ACTOR', '', {}],
    ['a position that is not an id on the plain list', 'ACTOR', 'not-an-id', {}],
    ['an empty position in a search', 'ACTOR', '', { q: 'abc' }],
    ['a search position outside the words of q', 'ACTOR', `zzz#${ulid()}`, { q: 'abc' }],
    ['a search position without an id', 'MOVIE', 'abcdef', { q: 'abc' }],
  ] as const)('refuses %s with a 400', async (_what, kind, position, filters) => {
    const cursor = encodeCursor(position, JSON.stringify(filters), kind);
    const handler = kind === 'ACTOR' ? listActors : listMovies;
    const body = expectError(await invoke(handler, { token: producer, query: { ...filters, cursor } }), 400);
    expect(body.details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });
});

describe('writes without a body', () => {
  let actorId: string;
  beforeAll(async () => {
    actorId = (await postActor({ name: `${tag()} bodiless`, gender: 'x', birth_date: '1980-01-01' })).body.actor.id;
  });

  const patch = (body: string | undefined, headers: Record<string, string>) =>
    invoke(updateActor, { method: 'PATCH', token: producer, pathParameters: { id: actorId }, headers, ...(body === undefined ? {} : { body }) });

  it.each([
    ['no body and no Content-Type', undefined, {}],
    ['no body with a non-JSON Content-Type', undefined, { 'content-type': 'text/plain' }],
    ['an empty body with a JSON Content-Type', '', { 'content-type': 'application/json' }],
    ['an empty body without Content-Type', '', {}],
    ['a body of only spaces', '   ', { 'content-type': 'text/plain' }],
  ])('answers a PATCH with %s with 400', async (_what, body, headers) => {
    const result = expectError(await patch(body, headers), 400);
    expect(result.message).toBe('The request body is empty; send a JSON object.');
  });

  it('answers a POST without a body or Content-Type with 400', async () => {
    expectError(await invoke(createActor, { method: 'POST', token: producer }), 400);
    expectError(await invoke(createMovie, { method: 'POST', token: producer }), 400);
  });

  it('still answers a present body that is not JSON with 415', async () => {
    expectError(await patch('name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    expectError(await patch('{"name":"x"}', { 'content-type': 'text/plain' }), 415);
  });
});
