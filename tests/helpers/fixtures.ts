/**
 * Records the in-process tests build on, made and read through the handlers
 * with the caller's token. Each fixture asserts that its call succeeded, so a
 * failure shows (with the answer) where it happened rather than as an
 * undefined further on. They use whatever store the handlers use, so in
 * faults.test.ts they go through its fault proxy too.
 */
import { handler as createActor } from '../../functions/actors/create';
import { handler as getActor } from '../../functions/actors/get';
import { handler as listActors } from '../../functions/actors/list';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as getMovie } from '../../functions/movies/get';
import { handler as listMovies } from '../../functions/movies/list';
import { uniqueName } from './api';
import { invoke } from './invoke';
import { eventually } from './eventually';
import { recordCount } from './settle';

/** A well-formed id that no record has. */
export const MISSING_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A new actor; the name is unique unless given. */
export const newActor = async (token: string, fields: { name?: string; gender?: string; birth_date?: string } = {}): Promise<any> => {
  const body = { name: uniqueName('Actor'), gender: 'female', birth_date: '1980-01-01', ...fields };
  const result = await invoke(createActor, { method: 'POST', token, body });
  expect(result).toMatchObject({ status: 201 });
  return result.body.actor;
};

/** A new movie with a unique title, cast with these actors. */
export const newMovie = async (token: string, actorIds: string[] = []): Promise<any> => {
  const body = { title: uniqueName('Movie'), release_date: '2011-11-11', actor_ids: actorIds };
  const result = await invoke(createMovie, { method: 'POST', token, body });
  expect(result).toMatchObject({ status: 201 });
  return result.body.movie;
};

/** The actor as GET /actors/{id} answers it now. */
export const actorNow = async (token: string, id: string): Promise<any> => {
  const result = await invoke(getActor, { pathParameters: { id }, token });
  expect(result).toMatchObject({ status: 200 });
  return result.body.actor;
};

/** The movie as GET /movies/{id} answers it now. */
export const movieNow = async (token: string, id: string): Promise<any> => {
  const result = await invoke(getMovie, { pathParameters: { id }, token });
  expect(result).toMatchObject({ status: 200 });
  return result.body.movie;
};

/**
 * The `total` of the unfiltered list of actors or movies once it has settled
 * (it follows writes through the stream, docs/design-and-limits.md#what-total-is): read until it equals
 * the number of records the table holds now, or the bound passes. The
 * caller's expect judges the value returned.
 */
export const total = async (kind: 'actors' | 'movies', token: string): Promise<number> => {
  const read = async (): Promise<number> => {
    const result = await invoke(kind === 'actors' ? listActors : listMovies, { token });
    expect(result).toMatchObject({ status: 200 });
    return result.body.total;
  };
  const expected = await recordCount(kind);
  return eventually(read, (value) => value === expected);
};
