/**
 * The two sides of "who is cast in what": a movie's `actor_ids` and each
 * actor's `movie_ids`. Both sides change in one transaction, and every such
 * change bumps both records' versions, so a transaction that read either side
 * fails (and retries from a fresh read) if the other changed meanwhile.
 */
import { MAX_CAST_SIZE, MAX_FILMOGRAPHY } from '../domain/limits';
import { sortedIds, type Restored, type UnrestoredLink } from '../domain/records';
import { audit } from '../log';
import { deletedKey, deletedPut, readDeleted } from './deleted';
import {
  checkExpectedVersion,
  claimPkOf,
  ensureFitsOneChange,
  identityCreated,
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
 * transaction, which also keeps it, as it was, for restoring (deleted.ts).
 * `If-Match` applies as to any write.
 */
export const deleteLinkedRecord = <T extends LinkedRecord>(
  kind: RecordKind,
  other: RecordKind,
  id: string,
  expectedVersion: number | undefined,
  identityOf: (record: T) => Identity,
  /** The `sub` of the caller, kept with the deleted record. */
  deletedBy: string | undefined,
): Promise<T> =>
  withFreshReads(async () => {
    const current = await readRecord<T>(kind, id);
    checkExpectedVersion(kind, current.version, expectedVersion);
    const linked = current[kind.links];
    const now = new Date().toISOString();
    await transactWrite(
      ensureFitsOneChange([
        recordDelete(kind, current, onChangedMeanwhile(kind, expectedVersion)),
        // Kept for 30 days, links included, so that the delete can be undone (deleted.ts).
        deletedPut(kind, current, now, deletedBy),
        ...identityRemoved(kind, id, identityOf(current)),
        ...sortedIds(linked).map((otherId) => linkChange(other, otherId, 'remove', id, now)),
      ]),
    );
    audit(`${kind.noun}.delete`, id, current.version, null, linked ?? []);
    return current;
  });

/**
 * Brings record `id` of `kind` back from its kept copy, in one transaction:
 * the record (same id and created_at, version + 1), its identity (the
 * uniqueness claim, which fails with a DuplicateRecordError when another
 * record took the name meanwhile, its count and search words), its links to
 * every record of `other` that still exists and has room, and `claims` (an
 * Idempotency-Key). The kept copy is deleted in the same transaction, on
 * condition that it is the one read, so a second restore is a
 * RecordNotFoundError. Each linked record is added to on condition that it
 * still exists and has room (what the read found); otherwise the whole
 * restore starts again from a fresh read, which then reports that link.
 */
export const restoreLinkedRecord = <T extends LinkedRecord>(
  kind: RecordKind,
  other: RecordKind,
  id: string,
  identityOf: (record: T) => Identity,
  claims: (restored: Restored<T>) => GuardedWrite[] = () => [],
): Promise<Restored<T>> =>
  withFreshReads(async () => {
    const kept = await readDeleted<T>(kind, id);
    const linkedBefore = sortedIds(kept.record[kind.links]);
    const found = new Map(
      (await readRecords<LinkedRecord>(other, linkedBefore)).map((linked) => [linked.id, linked[other.links]?.size ?? 0]),
    );
    const unrestored: UnrestoredLink[] = [];
    const restoredLinks = linkedBefore.filter((otherId) => {
      const size = found.get(otherId);
      if (size === undefined) unrestored.push({ id: otherId, reason: 'deleted' });
      else if (size >= maxLinks(other)) unrestored.push({ id: otherId, reason: 'full' });
      return size !== undefined && size < maxLinks(other);
    });
    const now = new Date().toISOString();
    const { [kind.links]: _linksBefore, ...rest } = kept.record;
    // Claimed under today's rules, whatever rules the record was made under (records.ts, heldIdentity).
    const identity = identityOf(kept.record);
    const record = {
      ...rest,
      ...(restoredLinks.length > 0 ? { [kind.links]: new Set(restoredLinks) } : {}),
      unique_pk: claimPkOf(kind, identity),
      version: kept.record.version + 1,
      updated_at: now,
    } as T;
    await transactWrite(
      ensureFitsOneChange([
        // First: when a racing retry loses on both the key and the identity, it is a replay, not a duplicate.
        ...claims({ record, unrestored }),
        {
          write: {
            Delete: {
              TableName: kind.table,
              Key: deletedKey(kind, id),
              ConditionExpression: 'deleted_at = :deletedAt',
              ExpressionAttributeValues: { ':deletedAt': kept.deleted_at },
            },
          },
          // Restored (or restored and deleted again) meanwhile: the fresh read says which.
          onConditionFailed: staleRead,
        },
        { write: { Put: { TableName: kind.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } }, onConditionFailed: staleRead },
        // The name claim found held by this very record after a conflict means a concurrent restore won:
        // a retry from a fresh read (then a 404), not a 409.
        ...identityCreated(kind, id, identity).map((write) =>
          write.claim === undefined ? write : { ...write, claim: { ...write.claim, failsIfFound: (found: Record<string, unknown>) => found.record_id !== id } },
        ),
        ...restoredLinks.map((otherId) => linkChange(other, otherId, 'add', id, now)),
      ]),
    );
    audit(`${kind.noun}.restore`, id, null, record.version, restoredLinks);
    return { record, unrestored };
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
