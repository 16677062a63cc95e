/**
 * Actors: reads, writes and lists, with the rules they keep (a unique name,
 * If-Match, Idempotency-Key), their search words and cast links kept in step.
 */
import { ageOn, todayUtc } from '../domain/dates';
import { setOf, type DeletedPage, type RecordPage } from '../domain/records';
import { comparableText, legacyComparableText, legacySearchWords, searchWords } from '../domain/text';
import { listDeleted } from '../storage/deleted';
import { newId } from '../storage/ids';
import {
  changedIdentity,
  claimPkOf,
  heldIdentity,
  identityChanged,
  newRecordFields,
  recordInserted,
  recordUpdate,
  type ActorItem,
  type CreatedRecord,
  type Identity,
  type MovieItem,
} from '../storage/items';
import { readList } from '../storage/pages';
import { readRecord } from '../storage/records';
import { store } from '../storage/store';
import type { ActorCreate, ActorListQuery, ActorUpdate, DeletedListQuery } from '../validation/schemas';
import { change, checkExpectedVersion, onChangedMeanwhile } from './changes';
import { createOnce, restoreOnce, type IdempotentRequest, type KeyClaims } from './idempotency';
import { deleteLinkedRecord, restoreLinkedRecord } from './linked';

const identityOf = (name: string): Identity => ({
  unique: comparableText(name),
  duplicateMessage: `An actor named "${name}" already exists.`,
  words: searchWords(name),
});

/** The claim and words the actor holds, including one created under the rules of earlier versions. */
const heldBy = (actor: ActorItem): Identity =>
  heldIdentity(
    actor,
    () => identityOf(actor.name),
    () => ({ ...identityOf(actor.name), unique: legacyComparableText(actor.name), words: legacySearchWords(actor.name) }),
  );

export const getActor = (id: string): Promise<ActorItem> => readRecord<ActorItem>(store().actors, id);

/** A new actor as created from `input`; also how an Idempotency-Key replay rebuilds the first response. */
const newActorRecord = (input: ActorCreate, created: CreatedRecord): ActorItem => ({
  ...newRecordFields(store().actors, created),
  name: input.name,
  gender: input.gender,
  gender_key: comparableText(input.gender),
  birth_date: input.birth_date,
  unique_pk: claimPkOf(store().actors, identityOf(input.name)),
});

export const createActor = (input: ActorCreate, claims: KeyClaims<ActorItem> = () => []): Promise<ActorItem> =>
  // Nothing is read first, but a transaction can still meet another one writing the same name claim.
  change<ActorItem>(() => {
    const record = newActorRecord(input, { id: newId(), created_at: new Date().toISOString() });
    return {
      // The key's claim first: when a racing retry loses on both the key and the name, it is a replay, not a duplicate.
      writes: [...claims(record), ...recordInserted(store().actors, record, identityOf(input.name))],
      result: record,
      audit: { operation: 'actor.create', recordId: record.id, versionBefore: null, versionAfter: record.version },
    };
  });

/** createActor, at most once per `Idempotency-Key` of the caller. */
export const createActorOnce = (input: ActorCreate, request: IdempotentRequest | undefined) =>
  createOnce<ActorItem>(
    request && { ...request, kind: store().actors, operation: 'createActor', body: input },
    (claims) => createActor(input, claims),
    (created) => newActorRecord(input, created),
  );

export const updateActor = (id: string, changes: ActorUpdate, expectedVersion?: number): Promise<ActorItem> =>
  change<ActorItem>(async () => {
    const { actors } = store();
    const current = await getActor(id);
    checkExpectedVersion(actors, current.version, expectedVersion);
    const next = { ...current, ...changes, gender_key: comparableText(changes.gender ?? current.gender) };
    const changed = (['name', 'gender', 'birth_date'] as const).filter((field) => next[field] !== current[field]);
    if (changed.length === 0) return { unchanged: current };
    const now = new Date().toISOString();
    const held = heldBy(current);
    const after = changedIdentity(actors, current, held, next.name !== current.name, () => identityOf(next.name));
    return {
      writes: [
        recordUpdate(
          actors,
          current,
          { name: next.name, gender: next.gender, gender_key: next.gender_key, birth_date: next.birth_date, unique_pk: after.unique_pk },
          now,
          onChangedMeanwhile(actors, expectedVersion),
        ),
        ...identityChanged(actors, id, held, after.identity),
      ],
      result: { ...next, unique_pk: after.unique_pk, version: current.version + 1, updated_at: now },
      audit: { operation: 'actor.update', recordId: id, versionBefore: current.version, versionAfter: current.version + 1 },
    };
  });

/** Deletes the actor and takes them out of every cast, in one transaction. */
export const deleteActor = (id: string, expectedVersion: number | undefined, deletedBy: string | undefined): Promise<ActorItem> =>
  deleteLinkedRecord<ActorItem>(store().actors, store().movies, id, expectedVersion, heldBy, deletedBy);

/** The actors deleted in the last 30 days, newest first, as they were. */
export const listDeletedActors = (query: DeletedListQuery): Promise<DeletedPage<ActorItem>> => listDeleted<ActorItem>(store().actors, query);

/**
 * Restores a deleted actor with every link that can come back, at most once
 * per `Idempotency-Key` of the caller. A replay answers with the actor as it
 * is now (a RecordNotFoundError if deleted again since).
 */
export const restoreActorOnce = (id: string, request: IdempotentRequest | undefined) =>
  restoreOnce<ActorItem>(
    request && { ...request, kind: store().actors, operation: 'restoreActor', body: { id } },
    (claims) => restoreLinkedRecord<ActorItem>(store().actors, store().movies, id, (actor) => identityOf(actor.name), claims),
    async (restoredId, unrestored) => ({ record: await getActor(restoredId), unrestored }),
  );

/** The list's filters other than `q`, as one predicate; undefined when none applies. */
const actorFilter = (query: ActorListQuery, cast: Set<string> | undefined, today: string) => {
  const { gender, min_age: minAge, max_age: maxAge } = query;
  if (cast === undefined && gender === undefined && minAge === undefined && maxAge === undefined) return undefined;
  const genderKey = gender === undefined ? undefined : comparableText(gender);
  return (record: ActorItem): boolean =>
    !(cast?.has(record.id) ?? false) &&
    (genderKey === undefined || record.gender_key === genderKey) &&
    (minAge === undefined || ageOn(record.birth_date, today) >= minAge) &&
    (maxAge === undefined || ageOn(record.birth_date, today) <= maxAge);
};

export const listActors = async (query: ActorListQuery): Promise<RecordPage<ActorItem>> => {
  // The cast picker's filter: a movie's cast, read once (an unknown movie is a 404).
  const cast =
    query.not_in_movie === undefined ? undefined : setOf((await readRecord<MovieItem>(store().movies, query.not_in_movie)).actor_ids);
  return readList<ActorItem>(store().actors, query, {
    searchedText: (record) => record.name,
    matches: actorFilter(query, cast, todayUtc()),
  });
};
