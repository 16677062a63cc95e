/**
 * Records as the API shows them: the resource schemas of
 * lib/validation/resources.ts give the types (imported as types only, so no
 * schema reaches a function bundle), and operation() presents whatever a
 * handler returns with the presenter of its route-table entry's resource.
 */
import type * as z from 'zod/mini';
import { ageOn, todayUtc } from '../domain/dates';
import { sortedIds, type ActorRecord, type MovieRecord, type RecordKindName, type RecordsByKind } from '../domain/records';
import type { actorResource, movieResource } from '../validation/resources';

type ActorResource = z.output<typeof actorResource>;
type MovieResource = z.output<typeof movieResource>;

interface ResourcesByKind {
  actor: ActorResource;
  movie: MovieResource;
}

const presentActor = (record: ActorRecord, today: string): ActorResource => ({
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

const presentMovie = (record: MovieRecord): MovieResource => ({
  id: record.id,
  title: record.title,
  release_date: record.release_date,
  actor_ids: sortedIds(record.actor_ids),
  created_at: record.created_at,
  updated_at: record.updated_at,
  version: record.version,
});

const presenters: { [K in RecordKindName]: (today: string) => (record: RecordsByKind[K]) => ResourcesByKind[K] } = {
  actor: (today) => (record) => presentActor(record, today),
  movie: () => presentMovie,
};

/**
 * The presenter of records of `kind`, for one response: the day ages are
 * counted on is fixed once, so a page never shows one actor at two ages
 * around midnight. The presenter takes the record alone, so it can be
 * handed to `.map` as it is.
 */
export const presenter = <K extends RecordKindName>(kind: K, today: string = todayUtc()): ((record: RecordsByKind[K]) => ResourcesByKind[K]) =>
  presenters[kind](today);
