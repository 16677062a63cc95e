/**
 * Soft delete (docs/endpoints.md#resources, docs/endpoints.md#endpoints-with-examples): a delete keeps the record and its links for
 * 30 days; GET /{actors,movies}/deleted lists what was kept; POST
 * /{actors,movies}/{id}/restore brings it back with every link that can
 * come back, once. In process, against DynamoDB Local with the conflict
 * emulation; what changed (or did not) is read from the tables themselves.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as listDeletedActors } from '../../functions/actors/deleted';
import { handler as listActors } from '../../functions/actors/list';
import { handler as restoreActor } from '../../functions/actors/restore';
import { handler as updateActor } from '../../functions/actors/update';
import { handler as getMovieCast } from '../../functions/movies/cast';
import { handler as deleteMovie } from '../../functions/movies/delete';
import { handler as listDeletedMovies } from '../../functions/movies/deleted';
import { handler as listMovies } from '../../functions/movies/list';
import { handler as restoreMovie } from '../../functions/movies/restore';
import { comparableText } from '../../lib/domain/text';
import { uniqueName } from '../helpers/api';
import { MISSING_ID, actorNow, movieNow, newActor, newMovie } from '../helpers/fixtures';
import { integrityProblems } from '../helpers/integrity';
import { eventually } from '../helpers/eventually';
import { invoke } from '../helpers/invoke';
import { localDocuments } from '../helpers/local-db';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

const db = localDocuments();
let producer: string;
let director: string;
let assistant: string;
beforeAll(async () => {
  producer = await roleToken('executive-producer');
  director = await roleToken('casting-director');
  assistant = await roleToken('casting-assistant');
});
afterAll(() => db.destroy());

afterEach(async () => {
  expect(await integrityProblems()).toEqual([]);
});

/** The item stored under `pk`, read past the API (and the conflict emulation). */
const item = async (table: 'actors' | 'movies', pk: string) =>
  (
    await db.send(
      new GetCommand({ TableName: table === 'actors' ? process.env.ACTORS_TABLE : process.env.MOVIES_TABLE, Key: { pk }, ConsistentRead: true }),
    )
  ).Item;

const del = async (kind: 'actor' | 'movie', id: string, token = producer) => {
  const result = await invoke(kind === 'actor' ? deleteActor : deleteMovie, { method: 'DELETE', pathParameters: { id }, token });
  expect(result).toMatchObject({ status: 200, body: { success: true, deleted: id } });
};

const restore = (kind: 'actor' | 'movie', id: string, headers: Record<string, string> = {}, token = producer) =>
  invoke(kind === 'actor' ? restoreActor : restoreMovie, { method: 'POST', pathParameters: { id }, headers, token });

/** Runs `work` on `items`, `width` at a time. */
const inBatches = async <T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += width) results.push(...(await Promise.all(items.slice(start, start + width).map(work))));
  return results;
};

/** The newest 300 entries of a list of deleted records (other test files delete too). */
const newestDeleted = async (kind: 'actor' | 'movie'): Promise<any[]> => {
  const entries: any[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 3; page += 1) {
    const query = { limit: '100', ...(cursor === undefined ? {} : { cursor }) };
    const result = await invoke(kind === 'actor' ? listDeletedActors : listDeletedMovies, { query, token: assistant });
    expect(result.status).toBe(200);
    entries.push(...result.body[`deleted_${kind}s`]);
    cursor = result.body.next_cursor ?? undefined;
    if (cursor === undefined) break;
  }
  return entries;
};

const byId = (a: string, b: string) => (a < b ? -1 : 1);

describe('restoring a movie with a full cast', () => {
  it('brings back every link that can come back, on both sides, and names the others with their reason', async () => {
    const cast = await inBatches(Array.from({ length: 50 }, (_, index) => index), 10, () => newActor(producer));
    const castIds = cast.map((actor) => actor.id).sort(byId);
    const movie = await newMovie(producer, castIds);
    expect(movie.actor_ids).toHaveLength(50);
    const before = await movieNow(producer, movie.id);
    await del('movie', movie.id);

    // Gone from the live records and from every filmography; kept, as it was, on the list of deleted movies.
    expectError(await invoke(getMovieCast, { pathParameters: { id: movie.id }, token: assistant }), 404);
    for (const actor of await inBatches(castIds, 10, (id) => actorNow(producer, id))) expect(actor.movie_ids).not.toContain(movie.id);
    // Lists read an index, which shows a write a moment later (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
    const deletedNow = await eventually(() => newestDeleted('movie'), (entries) => entries.some((deleted: any) => deleted.movie.id === movie.id));
    const entry = deletedNow.find((deleted: any) => deleted.movie.id === movie.id);
    expect(entry).toEqual({ movie: before, deleted_at: expect.any(String), deleted_by: 'local|executive-producer' });
    expect(Date.parse(entry.deleted_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));

    // Meanwhile one cast member is deleted, and another's filmography fills up (50 movies).
    const [gone, full] = [castIds[7]!, castIds[31]!];
    await del('actor', gone);
    await inBatches(Array.from({ length: 50 }, (_, index) => index), 10, () => newMovie(producer, [full]));
    expect((await actorNow(producer, full)).movie_ids).toHaveLength(50);

    const restored = await restore('movie', movie.id);
    expect(restored.status).toBe(200);
    const back = castIds.filter((id) => id !== gone && id !== full);
    expect(restored.body).toEqual({
      success: true,
      movie: { ...before, actor_ids: back, version: before.version + 1, updated_at: expect.any(String) },
      unrestored_links: [
        { id: gone, reason: 'deleted' },
        { id: full, reason: 'full' },
      ].sort((a, b) => byId(a.id, b.id)),
    });
    expect(restored.headers.etag).toBe(`"${before.version + 1}"`);
    expect(restored.body.movie.updated_at > before.updated_at).toBe(true);

    // Both sides, as stored: the movie's cast, and each actor's movie_ids.
    expect([...(await item('movies', `MOVIE#${movie.id}`))!.actor_ids].sort(byId)).toEqual(back);
    for (const id of castIds) {
      const actor = await item('actors', `ACTOR#${id}`);
      if (id === gone) expect(actor).toBeUndefined();
      else expect(actor!.movie_ids?.has(movie.id) ?? false).toBe(id !== full);
    }
    expect((await invoke(getMovieCast, { pathParameters: { id: movie.id }, token: assistant })).body.actors.map((actor: any) => actor.id)).toEqual(back);
    // Searchable again, and off the list of deleted movies.
    const found = await eventually(
      () => invoke(listMovies, { query: { q: movie.title }, token: assistant }),
      (result) => result.body.movies.length > 0,
    );
    expect(found.body.movies.map((found: any) => found.id)).toEqual([movie.id]);
    const after = await eventually(() => newestDeleted('movie'), (entries) => !entries.some((deleted: any) => deleted.movie.id === movie.id));
    expect(after.map((deleted: any) => deleted.movie.id)).not.toContain(movie.id);
    expect(await item('movies', `MOVIE_DELETED#${movie.id}`)).toBeUndefined();

    // Restoring twice is a 404, and changes nothing.
    expect(expectError(await restore('movie', movie.id), 404).message).toBe(
      `No deleted movie has the id ${movie.id}: it was not deleted in the last 30 days, or was restored already.`,
    );
    expect((await movieNow(producer, movie.id)).version).toBe(before.version + 1);
  }, 120_000);
});

describe('restoring an actor', () => {
  it('is a 409 that changes nothing when another actor took the name meanwhile, and works once the name is free', async () => {
    const name = uniqueName('Restored Name');
    const actor = await newActor(producer, { name });
    const movie = await newMovie(producer, [actor.id]);
    const castedVersion = (await actorNow(producer, actor.id)).version;
    await del('actor', actor.id);
    const other = await newActor(producer);
    // The rename takes the name (compared ignoring case).
    expect((await invoke(updateActor, { method: 'PATCH', pathParameters: { id: other.id }, body: { name: name.toUpperCase() }, token: producer })).status).toBe(200);

    const kept = await item('actors', `ACTOR_DELETED#${actor.id}`);
    const movieBefore = await item('movies', `MOVIE#${movie.id}`);
    const otherBefore = await item('actors', `ACTOR#${other.id}`);
    const conflict = expectError(await restore('actor', actor.id), 409);
    expect(conflict.message).toBe(`An actor named "${name}" already exists.`);
    // Nothing changed: the kept copy, the movie, the other actor and the claim on the name are as they were; no record came back.
    expect(await item('actors', `ACTOR_DELETED#${actor.id}`)).toEqual(kept);
    expect(await item('actors', `ACTOR#${actor.id}`)).toBeUndefined();
    expect(await item('movies', `MOVIE#${movie.id}`)).toEqual(movieBefore);
    expect(await item('actors', `ACTOR#${other.id}`)).toEqual(otherBefore);
    expect((await item('actors', `ACTOR_UNIQUE#${comparableText(name)}`))?.record_id).toBe(other.id);

    // Once the other actor lets the name go, the restore goes through, with the movie.
    expect((await invoke(updateActor, { method: 'PATCH', pathParameters: { id: other.id }, body: { name: uniqueName('Renamed') }, token: producer })).status).toBe(200);
    const restored = await restore('actor', actor.id, {}, director);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual({
      success: true,
      actor: { ...actor, movie_ids: [movie.id], version: castedVersion + 1, updated_at: expect.any(String), age: expect.any(Number) },
      unrestored_links: [],
    });
    expect((await movieNow(producer, movie.id)).actor_ids).toEqual([actor.id]);
    const found = await eventually(
      () => invoke(listActors, { query: { q: name }, token: assistant }),
      (result) => result.body.actors.length > 0,
    );
    expect(found.body.actors.map((found: any) => found.id)).toEqual([actor.id]);
  });

  it('is a 404 for an id never deleted, a live record, or one restored already; a 400 for a malformed id', async () => {
    expectError(await restore('actor', MISSING_ID), 404);
    const actor = await newActor(producer);
    expectError(await restore('actor', actor.id), 404);
    await del('actor', actor.id);
    expect((await restore('actor', actor.id)).status).toBe(200);
    expectError(await restore('actor', actor.id), 404);
    expectError(await restore('actor', 'not-an-id'), 400);
  });

  it('needs delete:actors; the list of deleted actors needs get:actors', async () => {
    const actor = await newActor(producer);
    await del('actor', actor.id);
    expectError(await restore('actor', actor.id, {}, assistant), 403);
    expectError(await invoke(restoreActor, { method: 'POST', pathParameters: { id: actor.id } }), 401);
    expectError(await invoke(listDeletedActors, {}), 401);
    expect((await invoke(listDeletedActors, { token: assistant })).status).toBe(200);
    // A Casting Director may restore actors but not movies.
    const movie = await newMovie(producer);
    await del('movie', movie.id);
    expectError(await restore('movie', movie.id, {}, director), 403);
    expect((await restore('actor', actor.id, {}, director)).status).toBe(200);
    expect((await restore('movie', movie.id)).status).toBe(200);
  });
});

describe('retries and races', () => {
  it('replays a retry with the same Idempotency-Key, restoring once; the key with another id is a 422', async () => {
    const actor = await newActor(producer);
    const movie = await newMovie(producer, [actor.id]);
    await del('movie', movie.id);
    await del('actor', actor.id);
    const key = { 'idempotency-key': `restore-${movie.id}` };
    const first = await restore('movie', movie.id, key);
    expect(first.status).toBe(200);
    expect(first.body.unrestored_links).toEqual([{ id: actor.id, reason: 'deleted' }]);
    const again = await restore('movie', movie.id, key);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await movieNow(producer, movie.id)).version).toBe(first.body.movie.version);
    const other = await newMovie(producer);
    await del('movie', other.id);
    expectError(await restore('movie', other.id, key), 422);
    expect((await restore('movie', other.id)).status).toBe(200);
  });

  it('lets exactly one of many concurrent restores of a record through; the others are 404s', async () => {
    const actors = [await newActor(producer), await newActor(producer)];
    const movie = await newMovie(producer, actors.map((actor) => actor.id));
    await del('movie', movie.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => restore('movie', movie.id)));
    expect(results.map((result) => result.status).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
    expect((await movieNow(producer, movie.id)).actor_ids).toEqual(actors.map((actor) => actor.id).sort(byId));
  });

  it('under concurrent restores of a movie and one of its cast, links them whichever comes back first', async () => {
    const actor = await newActor(producer);
    const movie = await newMovie(producer, [actor.id]);
    await del('actor', actor.id);
    await del('movie', movie.id);
    const [movieBack, actorBack] = await Promise.all([restore('movie', movie.id), restore('actor', actor.id)]);
    expect([movieBack.status, actorBack.status]).toEqual([200, 200]);
    // The actor was deleted first, so the movie kept no link to them; the actor kept theirs to the movie, which
    // comes back only if the movie was back when the actor's restore read it.
    expect(movieBack.body.movie.actor_ids).toEqual([]);
    const linked = actorBack.body.actor.movie_ids.length === 1;
    expect((await movieNow(producer, movie.id)).actor_ids).toEqual(linked ? [actor.id] : []);
  });
});

describe('GET /actors/deleted', () => {
  it('lists deleted actors newest first, as they were, in pages whose cursor fits only this list', async () => {
    const actors = [await newActor(producer), await newActor(producer), await newActor(producer)];
    for (const actor of actors) await del('actor', actor.id, director);
    // The list of deleted records reads an index, which shows a write a moment later (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
    await eventually(() => newestDeleted('actor'), (entries) => actors.every((actor) => entries.some((entry: any) => entry.actor.id === actor.id)));
    const pages: any[][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page += 1) {
      const result = await invoke(listDeletedActors, { query: { limit: '1', ...(cursor === undefined ? {} : { cursor }) }, token: assistant });
      expect(result.status).toBe(200);
      expect(result.body.deleted_actors).toHaveLength(1);
      pages.push(result.body.deleted_actors);
      cursor = result.body.next_cursor;
      expect(cursor).toEqual(expect.any(String));
    }
    const walked = pages.flat();
    const positions = walked.map((entry) => `${entry.deleted_at}#${entry.actor.id}`);
    expect([...positions].sort().reverse()).toEqual(positions);
    // Other test files delete too; of these three, the newest deletion comes first.
    const mine = (await newestDeleted('actor')).filter((entry: any) =>
      actors.some((actor) => actor.id === entry.actor.id),
    );
    expect(mine).toEqual(
      [...actors].reverse().map((actor) => ({ actor: { ...actor, age: expect.any(Number) }, deleted_at: expect.any(String), deleted_by: 'local|casting-director' })),
    );
    // Deleted records are not live ones: not found by search.
    const searched = await eventually(
      () => invoke(listActors, { query: { q: actors[0].name }, token: assistant }),
      (result) => result.body.actors.length === 0,
    );
    expect(searched.body.actors).toEqual([]);

    expectError(await invoke(listDeletedMovies, { query: { cursor: cursor! }, token: assistant }), 400);
    expectError(await invoke(listDeletedActors, { query: { cursor: `${cursor!}x` }, token: assistant }), 400);
    expectError(await invoke(listDeletedActors, { query: { limit: '101' }, token: assistant }), 400);
    expectError(await invoke(listDeletedActors, { query: { q: 'x' }, token: assistant }), 400);
    const plainCursor = (await invoke(listActors, { query: { limit: '1' }, token: assistant })).body.next_cursor;
    expectError(await invoke(listDeletedActors, { query: { cursor: plainCursor }, token: assistant }), 400);
    for (const actor of actors) expect((await restore('actor', actor.id)).status).toBe(200);
  });
});
