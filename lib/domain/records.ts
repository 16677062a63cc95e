/**
 * The casting agency's records as the services hand them on: what an actor
 * and a movie are, whatever the storage keeps beside them. The API's view of
 * them is lib/http/present.ts, typed by the resource schemas of
 * lib/validation/resources.ts.
 */

/** A ULID: 26 characters of Crockford base 32, as every record id is (sortable by creation). */
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** What every record carries besides its own fields. */
export interface RecordFields {
  id: string;
  /** Starts at 1 and grows by 1 on every change; the API's ETag. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ActorRecord extends RecordFields {
  name: string;
  gender: string;
  birth_date: string;
  /** The movies the actor is cast in; absent when none. */
  movie_ids?: Set<string>;
}

export interface MovieRecord extends RecordFields {
  title: string;
  release_date: string;
  /** The cast; absent when empty. */
  actor_ids?: Set<string>;
}

/** The kinds of record, by the name the API gives one of them. */
export interface RecordsByKind {
  actor: ActorRecord;
  movie: MovieRecord;
}

export type RecordKindName = keyof RecordsByKind;

/** One page of a list: its records, the total of a plain list (null once a filter or `q` applies), and where the next page starts. */
export interface RecordPage<T> {
  items: T[];
  total: number | null;
  nextCursor: string | null;
}

/** A record as it was when deleted: when, and by whom (the caller's `sub`; null when not deleted through the API). */
interface DeletedRecord<T> {
  record: T;
  deleted_at: string;
  deleted_by: string | null;
}

/** One page of the records deleted in the last 30 days, newest first. */
export interface DeletedPage<T> {
  items: DeletedRecord<T>[];
  nextCursor: string | null;
}

/** Why a link the record had when deleted did not come back. */
export interface UnrestoredLink {
  id: string;
  /** `deleted`: the record on the other side no longer exists; `full`: it is at its cast or filmography limit. */
  reason: 'deleted' | 'full';
}

/** What a restore brings back: the record, and the links that could not come with it. */
export interface Restored<T> {
  record: T;
  unrestored: UnrestoredLink[];
}

/** Ids of linked records in the one order the API lists them. */
export const sortedIds = (ids: Iterable<string> | undefined): string[] => [...(ids ?? [])].sort();

export const setOf = (ids: Iterable<string> | undefined): Set<string> => new Set(ids ?? []);

/** How a set of links changes: who joins and who leaves (a cast, in the order of `after` and `before`). */
export interface LinkDifference {
  joining: string[];
  leaving: string[];
}

export const linkDifference = (before: ReadonlySet<string>, after: ReadonlySet<string>): LinkDifference => ({
  joining: [...after].filter((id) => !before.has(id)),
  leaving: [...before].filter((id) => !after.has(id)),
});
