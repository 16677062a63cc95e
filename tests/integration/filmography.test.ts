/**
 * An actor's filmography (GET /actors/{id}/movies) and the cast picker's
 * filter (GET /actors?not_in_movie=<id>): the mirrors of a movie's cast.
 */
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as listActors } from '../../functions/actors/list';
import { handler as getActorMovies } from '../../functions/actors/movies';
import { handler as addMovieActor } from '../../functions/movies/add-actor';
import { handler as deleteMovie } from '../../functions/movies/delete';
import { uniqueName } from '../helpers/api';
import { MISSING_ID, newActor, newMovie } from '../helpers/fixtures';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { customToken, roleToken } from '../helpers/tokens';

let producer: string;
let assistant: string;
beforeAll(async () => {
  producer = await roleToken('executive-producer');
  assistant = await roleToken('casting-assistant');
});

describe('GET /actors/{id}/movies', () => {
  it("answers the actor's movies as full movie records, sorted by id", async () => {
    const actor = await newActor(producer);
    const [first, second] = [await newMovie(producer, [actor.id]), await newMovie(producer, [actor.id])];
    await newMovie(producer); // a movie the actor is not in
    const result = await invoke(getActorMovies, { pathParameters: { id: actor.id }, token: assistant });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ success: true, movies: [first, second].sort((a, b) => (a.id < b.id ? -1 : 1)) });
  });

  it('answers an empty list for an actor in no movie, and follows a deleted movie', async () => {
    const actor = await newActor(producer);
    expect((await invoke(getActorMovies, { pathParameters: { id: actor.id }, token: assistant })).body).toEqual({ success: true, movies: [] });
    const movie = await newMovie(producer, [actor.id]);
    expect((await invoke(deleteMovie, { method: 'DELETE', pathParameters: { id: movie.id }, token: producer })).status).toBe(200);
    expect((await invoke(getActorMovies, { pathParameters: { id: actor.id }, token: assistant })).body.movies).toEqual([]);
  });

  it('answers 404 for an unknown actor and 400 for a malformed id', async () => {
    expect(expectError(await invoke(getActorMovies, { pathParameters: { id: MISSING_ID }, token: assistant }), 404).message).toBe(
      `No actor has the id ${MISSING_ID}.`,
    );
    expectError(await invoke(getActorMovies, { pathParameters: { id: 'nope' }, token: assistant }), 400);
  });

  it('needs get:actors', async () => {
    const actor = await newActor(producer);
    const moviesOnly = await customToken({ permissions: ['get:movies'] });
    expectError(await invoke(getActorMovies, { pathParameters: { id: actor.id }, token: moviesOnly }), 403);
    expectError(await invoke(getActorMovies, { pathParameters: { id: actor.id } }), 401);
  });
});

describe('GET /actors?not_in_movie=<id>', () => {
  it('lists exactly the actors not in the cast, with total null, and pages through them once', async () => {
    const tag = uniqueName('Pickme').split(' ')[1]!; // one word shared by this test's actors only
    const actors = [];
    for (let i = 0; i < 5; i += 1) actors.push(await newActor(producer, { name: `Pickme ${tag} ${i}` }));
    const movie = await newMovie(producer, [actors[1]!.id, actors[3]!.id]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke(listActors, { token: assistant, query: { q: tag, not_in_movie: movie.id, limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(page.status).toBe(200);
      expect(page.body.total).toBeNull();
      seen.push(...page.body.actors.map((actor: any) => actor.id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual([actors[0]!.id, actors[2]!.id, actors[4]!.id].sort());
  });

  it('applies to the plain list too: no cast member appears in it', async () => {
    const actor = await newActor(producer);
    const movie = await newMovie(producer, [actor.id]);
    const page = await invoke(listActors, { token: assistant, query: { not_in_movie: movie.id, limit: '100' } });
    expect(page.status).toBe(200);
    expect(page.body.total).toBeNull();
    expect(page.body.actors.map((listed: any) => listed.id)).not.toContain(actor.id);
    const unfiltered = await invoke(listActors, { token: assistant, query: { limit: '100' } });
    expect(unfiltered.body.actors.map((listed: any) => listed.id)).toContain(actor.id);
  });

  it('answers 404 for an unknown movie and 400 for a malformed id', async () => {
    expect(expectError(await invoke(listActors, { token: assistant, query: { not_in_movie: MISSING_ID } }), 404).message).toBe(
      `No movie has the id ${MISSING_ID}.`,
    );
    const bad = expectError(await invoke(listActors, { token: assistant, query: { not_in_movie: 'x' } }), 400);
    expect(bad.details).toEqual([{ field: 'not_in_movie', message: expect.any(String) }]);
  });

  it('stays right when an actor joins or leaves the cast', async () => {
    const [a, b] = [await newActor(producer), await newActor(producer)];
    const movie = await newMovie(producer, [a.id]);
    const listedIds = async () =>
      (await invoke(listActors, { token: assistant, query: { q: a.name.split(' ')[1]!, not_in_movie: movie.id } })).body.actors.map((x: any) => x.id);
    expect(await listedIds()).not.toContain(a.id);
    expect((await invoke(addMovieActor, { method: 'PUT', pathParameters: { id: movie.id, actor_id: b.id }, token: producer })).status).toBe(200);
    expect((await invoke(listActors, { token: assistant, query: { q: b.name.split(' ')[1]!, not_in_movie: movie.id } })).body.actors).toEqual([]);
    expect((await invoke(deleteActor, { method: 'DELETE', pathParameters: { id: a.id }, token: producer })).status).toBe(200);
    expect(await listedIds()).toEqual([]);
  });
});
