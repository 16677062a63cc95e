/**
 * The two sides of "who is cast in what": a movie's `actor_ids` and each
 * actor's `movie_ids`. Both sides change in one transaction, and every such
 * change bumps both records' versions, so a transaction that read either side
 * fails (and retries from a fresh read) if the other changed meanwhile.
 */
import { MAX_CAST_SIZE, MAX_FILMOGRAPHY } from '../domain/limits';
import { audit } from '../log';
import {
  checkExpectedVersion,
  identityRemoved,
  onChangedMeanwhile,
  readRecord,
  readRecords,
  recordDelete,
  recordKey,
  type Identity,
  type StoredRecord,
} from './records';
import type { RecordKind } from './store';
import { staleRead, transactWrite, withFreshReads, type GuardedWrite } from './transact';

type LinkedRecord = StoredRecord & Partial<Record<RecordKind['links'], Set<string>>>;

/** How many records of the other kind one record may be linked to. */
const maxLinks = (kind: RecordKind): number => (kind.links === 'movie_ids' ? MAX_FILMOGRAPHY : MAX_CAST_SIZE);

/**
 * Adds `linkedId` to (or removes it from) the links of record `id` of `kind`.
 * The record must exist and, to gain a link, have room for it: both were
 * checked on the fresh read the transaction started from, so a failed
 * condition means it changed since.
 */
export const linkChange = (kind: RecordKind, id: string, change: 'add' | 'remove', linkedId: string, now: string): GuardedWrite => ({
  write: {
    Update: {
      TableName: kind.table,
      Key: recordKey(kind, id),
      UpdateExpression: `${change === 'add' ? 'ADD #links :link,' : 'DELETE #links :link ADD'} version :one SET updated_at = :now`,
      ConditionExpression:
        change === 'add' ? 'attribute_exists(pk) AND (attribute_not_exists(#links) OR size(#links) < :max)' : 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#links': kind.links },
      ExpressionAttributeValues: {
        ':link': new Set([linkedId]),
        ':one': 1,
        ':now': now,
        ...(change === 'add' ? { ':max': maxLinks(kind) } : {}),
      },
    },
  },
  onConditionFailed: staleRead,
});

/**
 * Deletes record `id` of `kind` with its identity, and takes it out of every
 * record of the `other` kind it is linked to (a cast, a filmography), in one
 * transaction. `If-Match` applies as to any write.
 */
export const deleteLinkedRecord = <T extends LinkedRecord>(
  kind: RecordKind,
  other: RecordKind,
  id: string,
  expectedVersion: number | undefined,
  identityOf: (record: T) => Identity,
): Promise<T> =>
  withFreshReads(async () => {
    const current = await readRecord<T>(kind, id);
    checkExpectedVersion(kind, current.version, expectedVersion);
    const linked = current[kind.links];
    const now = new Date().toISOString();
    await transactWrite([
      recordDelete(kind, current, onChangedMeanwhile(kind, expectedVersion)),
      ...identityRemoved(kind, id, identityOf(current)),
      ...sortedIds(linked).map((otherId) => linkChange(other, otherId, 'remove', id, now)),
    ]);
    audit(`${kind.noun}.delete`, id, current.version, null, linked ?? []);
    return current;
  });

/**
 * The records linked to record `id` of `owner` (a movie's cast, an actor's
 * movies), as full records of the other kind, sorted by id. A missing owner
 * is a RecordNotFoundError.
 */
export const readLinked = async <T extends StoredRecord>(owner: RecordKind, id: string, other: RecordKind): Promise<T[]> => {
  const record = await readRecord<LinkedRecord>(owner, id);
  const ids = sortedIds(record[owner.links]);
  if (ids.length === 0) return [];
  const found = new Map((await readRecords<T>(other, ids)).map((linked) => [linked.id, linked]));
  return ids.flatMap((linkedId) => found.get(linkedId) ?? []);
};

export const setOf = (ids: Iterable<string> | undefined): Set<string> => new Set(ids ?? []);
export const sortedIds = (ids: Set<string> | undefined): string[] => [...(ids ?? [])].sort();
