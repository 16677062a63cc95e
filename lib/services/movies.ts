/**
 * Movies: reads, writes and lists, with the rules they keep (a unique title
 * and date, the cast and filmography limits, If-Match, Idempotency-Key),
 * their search words and both sides of the cast kept in step.
 */
import { RecordNotFoundError, RuleViolationError, type FieldIssue } from '../domain/errors';
import { MAX_CAST_SIZE, MAX_FILMOGRAPHY } from '../domain/limits';
import { linkDifference, setOf, type DeletedPage, type LinkDifference, type RecordPage } from '../domain/records';
import { comparableText, legacyComparableText, legacySearchWords, searchWords } from '../domain/text';
import { listDeleted } from '../storage/deleted';
import { newId } from '../storage/ids';
import {
  changedIdentity,
  claimPkOf,
  heldIdentity,
  identityChanged,
  linkRemoved,
  newRecordFields,
  recordInserted,
  recordUpdate,
  type ActorItem,
  type CreatedRecord,
  type GuardedWrite,
  type Identity,
  type MovieItem,
} from '../storage/items';
import { readList } from '../storage/pages';
import { readLinked, readRecord, readRecords } from '../storage/records';
import { store } from '../storage/store';
import type { DeletedListQuery, MovieCreate, MovieListQuery, MovieUpdate } from '../validation/schemas';
import { change, checkExpectedVersion, onChangedMeanwhile } from './changes';
import { createOnce, restoreOnce, type IdempotentRequest, type KeyClaims } from './idempotency';
import { deleteLinkedRecord, linkAdd, restoreLinkedRecord } from './linked';

const identityOf = (title: string, releaseDate: string): Identity => ({
  unique: `${releaseDate}#${comparableText(title)}`,
  duplicateMessage: `A movie titled "${title}" released on ${releaseDate} already exists.`,
  words: searchWords(title),
});

/** The claim and words the movie holds, including one created under the rules of earlier versions. */
const heldBy = (movie: MovieItem): Identity =>
  heldIdentity(
    movie,
    () => identityOf(movie.title, movie.release_date),
    () => ({
      ...identityOf(movie.title, movie.release_date),
      unique: `${movie.release_date}#${legacyComparableText(movie.title)}`,
      words: legacySearchWords(movie.title),
    }),
  );

export const getMovie = (id: string): Promise<MovieItem> => readRecord<MovieItem>(store().movies, id);

/**
 * Reads the actors about to join a cast: each must exist and have room for
 * one more movie. Problems are reported per entry of the request's `actor_ids`.
 */
const checkActorsCanJoin = async (requested: readonly string[], joining: readonly string[]): Promise<void> => {
  if (joining.length === 0) return;
  const found = new Map((await readRecords<ActorItem>(store().actors, joining)).map((actor) => [actor.id, actor]));
  const issues: FieldIssue[] = [];
  const joiningIds = new Set(joining);
  requested.forEach((id, index) => {
    if (!joiningIds.has(id)) return;
    const actor = found.get(id);
    if (actor === undefined) issues.push({ field: `actor_ids.${index}`, message: `no actor has the id ${id}` });
    else if ((actor.movie_ids?.size ?? 0) >= MAX_FILMOGRAPHY) {
      issues.push({ field: `actor_ids.${index}`, message: `actor ${id} is already cast in ${MAX_FILMOGRAPHY} movies, the most allowed` });
    }
  });
  if (issues.length > 0) throw new RuleViolationError('The cast names actors who cannot join it.', issues);
};

/** A new movie as created from `input`; also how an Idempotency-Key replay rebuilds the first response. */
const newMovieRecord = (input: MovieCreate, created: CreatedRecord): MovieItem => ({
  ...newRecordFields(store().movies, created),
  title: input.title,
  release_date: input.release_date,
  ...(input.actor_ids !== undefined && input.actor_ids.length > 0 ? { actor_ids: new Set(input.actor_ids) } : {}),
  unique_pk: claimPkOf(store().movies, identityOf(input.title, input.release_date)),
});

export const createMovie = (input: MovieCreate, claims: KeyClaims<MovieItem> = () => []): Promise<MovieItem> =>
  change<MovieItem>(async () => {
    const cast = input.actor_ids ?? [];
    await checkActorsCanJoin(cast, cast);
    const record = newMovieRecord(input, { id: newId(), created_at: new Date().toISOString() });
    return {
      writes: [
        // The key's claim first: when a racing retry loses on both the key and the title, it is a replay, not a duplicate.
        ...claims(record),
        ...recordInserted(store().movies, record, identityOf(input.title, input.release_date)),
        ...cast.map((actorId) => linkAdd(store().actors, actorId, record.id, record.created_at)),
      ],
      result: record,
      audit: { operation: 'movie.create', recordId: record.id, versionBefore: null, versionAfter: record.version, linked: cast },
    };
  });

/** createMovie, at most once per `Idempotency-Key` of the caller. */
export const createMovieOnce = (input: MovieCreate, request: IdempotentRequest | undefined) =>
  createOnce<MovieItem>(
    request && { ...request, kind: store().movies, operation: 'createMovie', body: input },
    (claims) => createMovie(input, claims),
    (created) => newMovieRecord(input, created),
  );

/** Where a change takes a movie: its title, date and cast, any of them unchanged. */
interface MovieChange {
  title: string;
  release_date: string;
  actor_ids: Set<string>;
}

/**
 * The writes that move a movie to `next`, with both sides of every cast
 * change (`cast`, computed once by the caller), and the movie as it is then.
 * The one write path of PATCH and of the single-actor cast changes.
 */
const movieChanged = (
  current: MovieItem,
  next: MovieChange,
  cast: LinkDifference,
  expectedVersion: number | undefined,
): { writes: GuardedWrite[]; result: MovieItem } => {
  const { actors, movies } = store();
  const now = new Date().toISOString();
  const held = heldBy(current);
  const renamed = next.title !== current.title || next.release_date !== current.release_date;
  const after = changedIdentity(movies, current, held, renamed, () => identityOf(next.title, next.release_date));
  return {
    writes: [
      recordUpdate(movies, current, { ...next, unique_pk: after.unique_pk }, now, onChangedMeanwhile(movies, expectedVersion)),
      ...identityChanged(movies, current.id, held, after.identity),
      ...cast.joining.map((actorId) => linkAdd(actors, actorId, current.id, now)),
      ...cast.leaving.map((actorId) => linkRemoved(actors, actorId, current.id, now)),
    ],
    result: { ...current, ...next, unique_pk: after.unique_pk, version: current.version + 1, updated_at: now },
  };
};

export const updateMovie = (id: string, changes: MovieUpdate, expectedVersion?: number): Promise<MovieItem> =>
  change<MovieItem>(async () => {
    const current = await getMovie(id);
    checkExpectedVersion(store().movies, current.version, expectedVersion);
    const castBefore = setOf(current.actor_ids);
    const next = {
      title: changes.title ?? current.title,
      release_date: changes.release_date ?? current.release_date,
      actor_ids: changes.actor_ids === undefined ? castBefore : new Set(changes.actor_ids),
    };
    const cast = linkDifference(castBefore, next.actor_ids);
    const castChanged = cast.joining.length > 0 || cast.leaving.length > 0;
    if (next.title === current.title && next.release_date === current.release_date && !castChanged) return { unchanged: current };
    await checkActorsCanJoin(changes.actor_ids ?? [], cast.joining);
    const { writes, result } = movieChanged(current, next, cast, expectedVersion);
    return {
      writes,
      result,
      audit: { operation: 'movie.update', recordId: id, versionBefore: current.version, versionAfter: result.version, linked: [...cast.joining, ...cast.leaving] },
    };
  });

/** Adds one actor to the cast; adding someone already cast changes nothing. */
export const addCastMember = (movieId: string, actorId: string, expectedVersion?: number): Promise<MovieItem> =>
  change<MovieItem>(async () => {
    const current = await getMovie(movieId);
    checkExpectedVersion(store().movies, current.version, expectedVersion);
    const cast = setOf(current.actor_ids);
    if (cast.has(actorId)) return { unchanged: current };
    if (cast.size >= MAX_CAST_SIZE) throw new RuleViolationError(`The cast already has ${MAX_CAST_SIZE} actors, the most allowed.`);
    const actor = await readRecord<ActorItem>(store().actors, actorId);
    if ((actor.movie_ids?.size ?? 0) >= MAX_FILMOGRAPHY) {
      throw new RuleViolationError(`The actor is already cast in ${MAX_FILMOGRAPHY} movies, the most allowed.`);
    }
    const next = { title: current.title, release_date: current.release_date, actor_ids: cast.add(actorId) };
    const { writes, result } = movieChanged(current, next, { joining: [actorId], leaving: [] }, expectedVersion);
    return {
      writes,
      result,
      audit: { operation: 'movie.cast.add', recordId: movieId, versionBefore: current.version, versionAfter: result.version, linked: [actorId] },
    };
  });

export const removeCastMember = (movieId: string, actorId: string, expectedVersion?: number): Promise<MovieItem> =>
  change<MovieItem>(async () => {
    const current = await getMovie(movieId);
    checkExpectedVersion(store().movies, current.version, expectedVersion);
    const cast = setOf(current.actor_ids);
    if (!cast.delete(actorId)) throw new RecordNotFoundError(`Actor ${actorId} is not in the cast of this movie.`);
    const next = { title: current.title, release_date: current.release_date, actor_ids: cast };
    const { writes, result } = movieChanged(current, next, { joining: [], leaving: [actorId] }, expectedVersion);
    return {
      writes,
      result,
      audit: { operation: 'movie.cast.remove', recordId: movieId, versionBefore: current.version, versionAfter: result.version, linked: [actorId] },
    };
  });

/** Deletes the movie and takes it out of every filmography, in one transaction. */
export const deleteMovie = (id: string, expectedVersion: number | undefined, deletedBy: string | undefined): Promise<MovieItem> =>
  deleteLinkedRecord<MovieItem>(store().movies, store().actors, id, expectedVersion, heldBy, deletedBy);

/** The movies deleted in the last 30 days, newest first, as they were. */
export const listDeletedMovies = (query: DeletedListQuery): Promise<DeletedPage<MovieItem>> => listDeleted<MovieItem>(store().movies, query);

/**
 * Restores a deleted movie with every link that can come back, at most once
 * per `Idempotency-Key` of the caller. A replay answers with the movie as it
 * is now (a RecordNotFoundError if deleted again since).
 */
export const restoreMovieOnce = (id: string, request: IdempotentRequest | undefined) =>
  restoreOnce<MovieItem>(
    request && { ...request, kind: store().movies, operation: 'restoreMovie', body: { id } },
    (claims) => restoreLinkedRecord<MovieItem>(store().movies, store().actors, id, (movie) => identityOf(movie.title, movie.release_date), claims),
    async (restoredId, unrestored) => ({ record: await getMovie(restoredId), unrestored }),
  );

/** The filmography as full movie records, sorted by id (an unknown actor is a RecordNotFoundError). */
export const getFilmography = (actorId: string): Promise<MovieItem[]> => readLinked<MovieItem>(store().actors, actorId, store().movies);

/** The cast as full actor records, sorted by id. */
export const getCast = (movieId: string): Promise<ActorItem[]> => readLinked<ActorItem>(store().movies, movieId, store().actors);

/** The list's filters other than `q`, as one predicate; undefined when none applies. */
const releaseFilter = ({ released_after: after, released_before: before }: MovieListQuery) =>
  after === undefined && before === undefined
    ? undefined
    : (record: MovieItem): boolean =>
        (after === undefined || record.release_date >= after) && (before === undefined || record.release_date <= before);

export const listMovies = (query: MovieListQuery): Promise<RecordPage<MovieItem>> =>
  readList<MovieItem>(store().movies, query, {
    searchedText: (record) => record.title,
    matches: releaseFilter(query),
  });
