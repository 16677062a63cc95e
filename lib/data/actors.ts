/** Actors: reads, writes and lists, with their uniqueness, search words and cast links kept in step. */
import { newId } from './ids';
import { ageOn, latestBirthDateForAge, todayUtc } from '../domain/dates';
import { ConflictError, NotFoundError } from '../http/errors';
import type { ActorCreate, ActorListQuery, ActorUpdate } from '../validation/schemas';
import { setOf, sortedIds, unlinkWrite } from './cast';
import { getMovie } from './movies';
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
import { checkExpectedVersion, onChangedMeanwhile, transactWrite, withFreshReads } from './transact';

export interface ActorRecord extends StoredRecord {
  name: string;
  gender: string;
  /** Case-folded gender, for the `gender` filter. */
  gender_key: string;
  birth_date: string;
  movie_ids?: Set<string>;
}

/** The actor as the API shows it. */
export interface Actor {
  id: string;
  name: string;
  gender: string;
  birth_date: string;
  age: number;
  movie_ids: string[];
  created_at: string;
  updated_at: string;
  version: number;
}

const KIND = 'ACTOR';

export const presentActor = (record: ActorRecord, today = todayUtc()): Actor => ({
  id: record.id,
  name: record.name,
  gender: record.gender,
  birth_date: record.birth_date,
  age: ageOn(record.birth_date, today),
  movie_ids: sortedIds(record.movie_ids),
  created_at: record.created_at,
  updated_at: record.updated_at,
  version: record.version,
});

const identityOf = (name: string): Identity => ({ unique: comparableText(name), words: searchWords(name) });

const duplicateName = (name: string) => () => new ConflictError(`An actor named "${name}" already exists.`);

const notFound = (id: string) => new NotFoundError(`No actor has the id ${id}.`);

export const getActor = async (id: string): Promise<ActorRecord> => {
  const record = await getRecord<ActorRecord>(tables.actors, KIND, id);
  if (record === undefined) throw notFound(id);
  return record;
};

/** A new actor as created from `input`; also how an Idempotency-Key replay rebuilds the first response. */
const newActorRecord = (input: ActorCreate, { id, created_at: now }: CreatedRecord): ActorRecord =>
  ({
    ...recordKey(KIND, id),
    gsi1pk: listPartition(KIND),
    gsi1sk: id,
    id,
    name: input.name,
    gender: input.gender,
    gender_key: comparableText(input.gender),
    birth_date: input.birth_date,
    created_at: now,
    updated_at: now,
    version: 1,
  }) as ActorRecord;

export const createActor = (input: ActorCreate, claims: KeyClaims<ActorRecord> = () => []): Promise<ActorRecord> =>
  // Nothing is read first, but a transaction can still meet another one writing the same name claim or counter shard.
  withFreshReads(async () => {
    const now = new Date().toISOString();
    const id = newId();
    const record = newActorRecord(input, { id, created_at: now });
    await transactWrite([
      // First: when a racing retry loses on both the key and the name, it is a replay, not a duplicate.
      ...claims(record),
      recordPut(tables.actors, record),
      ...identityCreated(tables.actors, KIND, id, identityOf(input.name), duplicateName(input.name)),
    ]);
    audit('actor.create', id, null, record.version);
    return record;
  });

/** createActor, at most once per `Idempotency-Key` of the caller. */
export const createActorOnce = (input: ActorCreate, request: IdempotentRequest | undefined) =>
  createOnce<ActorRecord>(
    request && { ...request, table: tables.actors, operation: 'createActor', body: input },
    (claims) => createActor(input, claims),
    (created) => newActorRecord(input, created),
  );

export const updateActor = (id: string, changes: ActorUpdate, expectedVersion?: number): Promise<ActorRecord> =>
  withFreshReads(async () => {
    const current = await getActor(id);
    checkExpectedVersion(current.version, expectedVersion, 'actor');
    const next = { ...current, ...changes };
    const changed = (['name', 'gender', 'birth_date'] as const).filter((field) => next[field] !== current[field]);
    if (changed.length === 0) return current;
    const now = new Date().toISOString();
    await transactWrite([
      recordUpdate(
        tables.actors,
        KIND,
        current,
        { name: next.name, gender: next.gender, gender_key: comparableText(next.gender), birth_date: next.birth_date },
        now,
        onChangedMeanwhile(expectedVersion, 'actor'),
      ),
      ...identityChanged(tables.actors, KIND, id, identityOf(current.name), identityOf(next.name), duplicateName(next.name)),
    ]);
    audit('actor.update', id, current.version, current.version + 1);
    return { ...next, gender_key: comparableText(next.gender), version: current.version + 1, updated_at: now };
  });

/** Deletes the actor and takes them out of every cast, in one transaction. */
export const deleteActor = (id: string, expectedVersion?: number): Promise<void> =>
  withFreshReads(async () => {
    const current = await getActor(id);
    checkExpectedVersion(current.version, expectedVersion, 'actor');
    const now = new Date().toISOString();
    await transactWrite([
      recordDelete(tables.actors, KIND, current, onChangedMeanwhile(expectedVersion, 'actor')),
      ...identityRemoved(tables.actors, KIND, id, identityOf(current.name)),
      ...sortedIds(current.movie_ids).map((movieId) => unlinkWrite(tables.movies, 'MOVIE', movieId, 'actor_ids', id, now)),
    ]);
    audit('actor.delete', id, current.version, null, current.movie_ids ?? []);
  });

const actorFilter = (query: ActorListQuery, today: string, cast: Set<string>): DynamoFilter | undefined => {
  const conditions: string[] = [];
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  if (cast.size > 0) {
    const placeholders = [...cast].map((castId, index) => {
      values[`:cast${index}`] = castId;
      return `:cast${index}`;
    });
    conditions.push(`NOT (#id IN (${placeholders.join(', ')}))`);
    names['#id'] = 'id';
  }
  if (query.gender !== undefined) {
    conditions.push('gender_key = :gender');
    values[':gender'] = comparableText(query.gender);
  }
  if (query.min_age !== undefined) {
    conditions.push('birth_date <= :bornBy');
    values[':bornBy'] = latestBirthDateForAge(query.min_age, today);
  }
  if (query.max_age !== undefined) {
    conditions.push('birth_date > :bornAfter');
    values[':bornAfter'] = latestBirthDateForAge(query.max_age + 1, today);
  }
  if (conditions.length === 0) return undefined;
  return { expression: conditions.join(' AND '), values, ...(Object.keys(names).length > 0 ? { names } : {}) };
};

export interface ActorPage {
  actors: ActorRecord[];
  total: number | null;
  nextCursor: string | null;
}

export const listActors = async (query: ActorListQuery): Promise<ActorPage> => {
  const today = todayUtc();
  // The cast picker's filter: a movie's cast, read once (an unknown movie is a 404).
  const cast = query.not_in_movie === undefined ? new Set<string>() : setOf((await getMovie(query.not_in_movie)).actor_ids);
  const filter = actorFilter(query, today, cast);
  const search = query.q === undefined ? undefined : searchWords(query.q);
  const filtered = filter !== undefined || search !== undefined || query.not_in_movie !== undefined;
  const { limit, cursor, ...selection } = query;
  const [page, total] = await Promise.all([
    readPage<ActorRecord>({
      table: tables.actors,
      kind: KIND,
      limit,
      cursor,
      search,
      searchedText: (record) => record.name,
      filter,
      matches: (record) =>
        !cast.has(record.id) &&
        (query.gender === undefined || record.gender_key === comparableText(query.gender)) &&
        (query.min_age === undefined || ageOn(record.birth_date, today) >= query.min_age) &&
        (query.max_age === undefined || ageOn(record.birth_date, today) <= query.max_age),
      queryKey: JSON.stringify(selection),
    }),
    filtered ? Promise.resolve(null) : readTotal(tables.actors, KIND),
  ]);
  return { actors: page.items, total, nextCursor: page.nextCursor };
};
