/** Movies: reads, writes and lists, with uniqueness, search words and both sides of the cast kept in step. */
import { newId } from './ids';
import { NotFoundError, UnprocessableEntityError, ConflictError, type FieldIssue } from '../http/errors';
import { MAX_CAST_SIZE, type MovieCreate, type MovieListQuery, type MovieUpdate } from '../validation/schemas';
import type { ActorRecord } from './actors';
import { ensureFitsOneTransaction, linkWrite, MAX_FILMOGRAPHY, setOf, sortedIds, unlinkWrite } from './cast';
import { tables } from './client';
import { audit } from '../log';
import { comparableText, searchWords } from '../domain/text';
import { readPage, type DynamoFilter } from './pages';
import {
  getRecord,
  identityChanged,
  identityCreated,
  identityRemoved,
  listPartition,
  readTotal,
  recordDelete,
  recordKey,
  recordPut,
  recordUpdate,
  type Identity,
  type StoredRecord,
} from './records';
import { createOnce, type CreatedRecord, type IdempotentRequest, type KeyClaims } from './idempotency';
import { batchGet, checkExpectedVersion, onChangedMeanwhile, transactWrite, withFreshReads } from './transact';

export interface MovieRecord extends StoredRecord {
  title: string;
  release_date: string;
  actor_ids?: Set<string>;
}

export interface Movie {
  id: string;
  title: string;
  release_date: string;
  actor_ids: string[];
  created_at: string;
  updated_at: string;
  version: number;
}

const KIND = 'MOVIE';

export const presentMovie = (record: MovieRecord): Movie => ({
  id: record.id,
  title: record.title,
  release_date: record.release_date,
  actor_ids: sortedIds(record.actor_ids),
  created_at: record.created_at,
  updated_at: record.updated_at,
  version: record.version,
});

const identityOf = (title: string, releaseDate: string): Identity => ({
  unique: `${releaseDate}#${comparableText(title)}`,
  words: searchWords(title),
});

const duplicateTitle = (title: string, releaseDate: string) => () =>
  new ConflictError(`A movie titled "${title}" released on ${releaseDate} already exists.`);

const notFound = (id: string) => new NotFoundError(`No movie has the id ${id}.`);

export const getMovie = async (id: string): Promise<MovieRecord> => {
  const record = await getRecord<MovieRecord>(tables.movies, KIND, id);
  if (record === undefined) throw notFound(id);
  return record;
};

/**
 * Reads the actors about to join a cast: each must exist and have room for
 * one more movie. Problems are reported per entry of the request's `actor_ids`.
 */
const actorsJoining = async (requested: string[], joining: Set<string>): Promise<void> => {
  if (joining.size === 0) return;
  const found = new Map(
    (await batchGet<ActorRecord>(tables.actors, [...joining].map((id) => recordKey('ACTOR', id)))).map((actor) => [actor.id, actor]),
  );
  const issues: FieldIssue[] = [];
  requested.forEach((id, index) => {
    if (!joining.has(id)) return;
    const actor = found.get(id);
    if (actor === undefined) issues.push({ field: `actor_ids.${index}`, message: `no actor has the id ${id}` });
    else if ((actor.movie_ids?.size ?? 0) >= MAX_FILMOGRAPHY) {
      issues.push({ field: `actor_ids.${index}`, message: `actor ${id} is already cast in ${MAX_FILMOGRAPHY} movies, the most allowed` });
    }
  });
  if (issues.length > 0) throw new UnprocessableEntityError('The cast names actors who cannot join it.', issues);
};

/** A new movie as created from `input`; also how an Idempotency-Key replay rebuilds the first response. */
const newMovieRecord = (input: MovieCreate, { id, created_at: now }: CreatedRecord): MovieRecord => {
  const cast = input.actor_ids ?? [];
  return {
    ...recordKey(KIND, id),
    gsi1pk: listPartition(KIND),
    gsi1sk: id,
    id,
    title: input.title,
    release_date: input.release_date,
    ...(cast.length > 0 ? { actor_ids: new Set(cast) } : {}),
    created_at: now,
    updated_at: now,
    version: 1,
  } as MovieRecord;
};

export const createMovie = (input: MovieCreate, claims: KeyClaims<MovieRecord> = () => []): Promise<MovieRecord> =>
  withFreshReads(async () => {
    const cast = input.actor_ids ?? [];
    await actorsJoining(cast, new Set(cast));
    const now = new Date().toISOString();
    const id = newId();
    const record = newMovieRecord(input, { id, created_at: now });
    await transactWrite(
      ensureFitsOneTransaction([
        // First: when a racing retry loses on both the key and the title, it is a replay, not a duplicate.
        ...claims(record),
        recordPut(tables.movies, record),
        ...identityCreated(tables.movies, KIND, id, identityOf(input.title, input.release_date), duplicateTitle(input.title, input.release_date)),
        ...cast.map((actorId) => linkWrite(tables.actors, 'ACTOR', actorId, 'movie_ids', id, now)),
      ]),
    );
    audit('movie.create', id, null, record.version, cast);
    return record;
  });

/** createMovie, at most once per `Idempotency-Key` of the caller. */
export const createMovieOnce = (input: MovieCreate, request: IdempotentRequest | undefined) =>
  createOnce<MovieRecord>(
    request && { ...request, table: tables.movies, operation: 'createMovie', body: input },
    (claims) => createMovie(input, claims),
    (created) => newMovieRecord(input, created),
  );

export const updateMovie = (id: string, changes: MovieUpdate, expectedVersion?: number): Promise<MovieRecord> =>
  withFreshReads(async () => {
    const current = await getMovie(id);
    checkExpectedVersion(current.version, expectedVersion, 'movie');
    const title = changes.title ?? current.title;
    const releaseDate = changes.release_date ?? current.release_date;
    const castBefore = setOf(current.actor_ids);
    const castAfter = changes.actor_ids === undefined ? castBefore : new Set(changes.actor_ids);
    const joining = new Set([...castAfter].filter((actorId) => !castBefore.has(actorId)));
    const leaving = [...castBefore].filter((actorId) => !castAfter.has(actorId));
    if (title === current.title && releaseDate === current.release_date && joining.size === 0 && leaving.length === 0) {
      return current;
    }
    await actorsJoining(changes.actor_ids ?? [], joining);
    const now = new Date().toISOString();
    await transactWrite(
      ensureFitsOneTransaction([
        recordUpdate(
          tables.movies,
          KIND,
          current,
          { title, release_date: releaseDate, actor_ids: castAfter },
          now,
          onChangedMeanwhile(expectedVersion, 'movie'),
        ),
        ...identityChanged(
          tables.movies,
          KIND,
          id,
          identityOf(current.title, current.release_date),
          identityOf(title, releaseDate),
          duplicateTitle(title, releaseDate),
        ),
        ...[...joining].map((actorId) => linkWrite(tables.actors, 'ACTOR', actorId, 'movie_ids', id, now)),
        ...leaving.map((actorId) => unlinkWrite(tables.actors, 'ACTOR', actorId, 'movie_ids', id, now)),
      ]),
    );
    audit('movie.update', id, current.version, current.version + 1, [...joining, ...leaving]);
    return {
      ...current,
      title,
      release_date: releaseDate,
      actor_ids: castAfter,
      version: current.version + 1,
      updated_at: now,
    };
  });

/** Adds one actor to the cast; adding someone already cast changes nothing. */
export const addCastMember = (movieId: string, actorId: string, expectedVersion?: number): Promise<MovieRecord> =>
  withFreshReads(async () => {
    const current = await getMovie(movieId);
    checkExpectedVersion(current.version, expectedVersion, 'movie');
    const cast = setOf(current.actor_ids);
    if (cast.has(actorId)) return current;
    if (cast.size >= MAX_CAST_SIZE) {
      throw new UnprocessableEntityError(`The cast already has ${MAX_CAST_SIZE} actors, the most allowed.`);
    }
    const actor = await getRecord<ActorRecord>(tables.actors, 'ACTOR', actorId);
    if (actor === undefined) throw new NotFoundError(`No actor has the id ${actorId}.`);
    if ((actor.movie_ids?.size ?? 0) >= MAX_FILMOGRAPHY) {
      throw new UnprocessableEntityError(`The actor is already cast in ${MAX_FILMOGRAPHY} movies, the most allowed.`);
    }
    const now = new Date().toISOString();
    cast.add(actorId);
    await transactWrite([
      recordUpdate(tables.movies, KIND, current, { actor_ids: cast }, now, onChangedMeanwhile(expectedVersion, 'movie')),
      linkWrite(tables.actors, 'ACTOR', actorId, 'movie_ids', movieId, now),
    ]);
    audit('movie.cast.add', movieId, current.version, current.version + 1, [actorId]);
    return { ...current, actor_ids: cast, version: current.version + 1, updated_at: now };
  });

export const removeCastMember = (movieId: string, actorId: string, expectedVersion?: number): Promise<MovieRecord> =>
  withFreshReads(async () => {
    const current = await getMovie(movieId);
    checkExpectedVersion(current.version, expectedVersion, 'movie');
    const cast = setOf(current.actor_ids);
    if (!cast.delete(actorId)) throw new NotFoundError(`Actor ${actorId} is not in the cast of this movie.`);
    const now = new Date().toISOString();
    await transactWrite([
      recordUpdate(tables.movies, KIND, current, { actor_ids: cast }, now, onChangedMeanwhile(expectedVersion, 'movie')),
      unlinkWrite(tables.actors, 'ACTOR', actorId, 'movie_ids', movieId, now),
    ]);
    audit('movie.cast.remove', movieId, current.version, current.version + 1, [actorId]);
    return { ...current, actor_ids: cast, version: current.version + 1, updated_at: now };
  });

/** Deletes the movie and takes it out of every filmography, in one transaction. */
export const deleteMovie = (id: string, expectedVersion?: number): Promise<void> =>
  withFreshReads(async () => {
    const current = await getMovie(id);
    checkExpectedVersion(current.version, expectedVersion, 'movie');
    const now = new Date().toISOString();
    await transactWrite([
      recordDelete(tables.movies, KIND, current, onChangedMeanwhile(expectedVersion, 'movie')),
      ...identityRemoved(tables.movies, KIND, id, identityOf(current.title, current.release_date)),
      ...sortedIds(current.actor_ids).map((actorId) => unlinkWrite(tables.actors, 'ACTOR', actorId, 'movie_ids', id, now)),
    ]);
    audit('movie.delete', id, current.version, null, current.actor_ids ?? []);
  });

/** The filmography as full movie records, in the order of the actor's `movie_ids`. */
export const getFilmography = async (actorId: string): Promise<MovieRecord[]> => {
  const actor = await getRecord<ActorRecord>(tables.actors, 'ACTOR', actorId);
  if (actor === undefined) throw new NotFoundError(`No actor has the id ${actorId}.`);
  const ids = sortedIds(actor.movie_ids);
  if (ids.length === 0) return [];
  const movies = new Map(
    (await batchGet<MovieRecord>(tables.movies, ids.map((id) => recordKey(KIND, id)))).map((movie) => [movie.id, movie]),
  );
  return ids.flatMap((id) => movies.get(id) ?? []);
};

/** The cast as full actor records, in the order of the movie's `actor_ids`. */
export const getCast = async (movieId: string): Promise<ActorRecord[]> => {
  const movie = await getMovie(movieId);
  const ids = sortedIds(movie.actor_ids);
  if (ids.length === 0) return [];
  const actors = new Map(
    (await batchGet<ActorRecord>(tables.actors, ids.map((id) => recordKey('ACTOR', id)))).map((actor) => [actor.id, actor]),
  );
  return ids.flatMap((id) => actors.get(id) ?? []);
};

const releaseFilter = (query: MovieListQuery): DynamoFilter | undefined => {
  const conditions: string[] = [];
  const values: Record<string, unknown> = {};
  if (query.released_after !== undefined) {
    conditions.push('release_date >= :after');
    values[':after'] = query.released_after;
  }
  if (query.released_before !== undefined) {
    conditions.push('release_date <= :before');
    values[':before'] = query.released_before;
  }
  return conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), values };
};

export interface MoviePage {
  movies: MovieRecord[];
  total: number | null;
  nextCursor: string | null;
}

export const listMovies = async (query: MovieListQuery): Promise<MoviePage> => {
  const filter = releaseFilter(query);
  const search = query.q === undefined ? undefined : searchWords(query.q);
  const { limit, cursor, ...selection } = query;
  const [page, total] = await Promise.all([
    readPage<MovieRecord>({
      table: tables.movies,
      kind: KIND,
      limit,
      cursor,
      search,
      searchedText: (record) => record.title,
      filter,
      matches: (record) =>
        (query.released_after === undefined || record.release_date >= query.released_after) &&
        (query.released_before === undefined || record.release_date <= query.released_before),
      queryKey: JSON.stringify(selection),
    }),
    filter === undefined && search === undefined ? readTotal(tables.movies, KIND) : Promise.resolve(null),
  ]);
  return { movies: page.items, total, nextCursor: page.nextCursor };
};
