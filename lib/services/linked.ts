/**
 * The two sides of "who is cast in what": a movie's `actor_ids` and each
 * actor's `movie_ids`. Both sides change in one transaction, and every such
 * change bumps both records' versions, so a transaction that read either side
 * fails (and retries from a fresh read) if the other changed meanwhile. Here:
 * deleting a record with its links, and restoring it with those that can
 * come back.
 */
import { MAX_CAST_SIZE, MAX_FILMOGRAPHY } from '../domain/limits';
import { sortedIds, type Restored, type UnrestoredLink } from '../domain/records';
import { readDeleted } from '../storage/deleted';
import {
  claimPkOf,
  deletedPut,
  deletedTaken,
  identityCreated,
  identityRemoved,
  linkAdded,
  linkRemoved,
  recordDelete,
  recordPut,
  type GuardedWrite,
  type Identity,
  type StoredRecord,
} from '../storage/items';
import { readRecord, readRecords } from '../storage/records';
import type { RecordKind } from '../storage/store';
import { change, checkExpectedVersion, onChangedMeanwhile } from './changes';

type LinkedRecord = StoredRecord & Partial<Record<RecordKind['links'], Set<string>>>;

/** How many records of the other kind one record may be linked to. */
const maxLinks = (kind: RecordKind): number => (kind.links === 'movie_ids' ? MAX_FILMOGRAPHY : MAX_CAST_SIZE);

/** Adds `linkedId` to the links of record `id` of `kind`, which was read with room for it. */
export const linkAdd = (kind: RecordKind, id: string, linkedId: string, now: string): GuardedWrite =>
  linkAdded(kind, id, linkedId, now, maxLinks(kind));

/**
 * Deletes record `id` of `kind` with its identity, and takes it out of every
 * record of the `other` kind it is linked to (a cast, a filmography), in one
 * transaction, which also keeps it, as it was, for restoring
 * (lib/storage/deleted.ts). `If-Match` applies as to any write.
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
  change(async () => {
    const current = await readRecord<T>(kind, id);
    checkExpectedVersion(kind, current.version, expectedVersion);
    const linked = current[kind.links];
    const now = new Date().toISOString();
    return {
      writes: [
        recordDelete(kind, current, onChangedMeanwhile(kind, expectedVersion)),
        // Kept for 30 days, links included, so that the delete can be undone.
        deletedPut(kind, current, now, deletedBy),
        ...identityRemoved(kind, id, identityOf(current)),
        ...sortedIds(linked).map((otherId) => linkRemoved(other, otherId, id, now)),
      ],
      result: current,
      audit: { operation: `${kind.noun}.delete`, recordId: id, versionBefore: current.version, versionAfter: null, linked: linked ?? [] },
    };
  });

/**
 * Brings record `id` of `kind` back from its kept copy, in one transaction:
 * the record (same id and created_at, version + 1), its identity (the
 * uniqueness claim, which fails with a DuplicateRecordError when another
 * record took the name meanwhile, and its search words), its links to
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
  change(async () => {
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
    // Claimed under today's rules, whatever rules the record was made under (lib/storage/items.ts, heldIdentity).
    const identity = identityOf(kept.record);
    const record = {
      ...rest,
      ...(restoredLinks.length > 0 ? { [kind.links]: new Set(restoredLinks) } : {}),
      unique_pk: claimPkOf(kind, identity),
      version: kept.record.version + 1,
      updated_at: now,
    } as T;
    return {
      writes: [
        // First: when a racing retry loses on both the key and the identity, it is a replay, not a duplicate.
        ...claims({ record, unrestored }),
        deletedTaken(kind, id, kept.deleted_at),
        recordPut(kind, record),
        // The name claim found held by this very record after a conflict means a concurrent restore won:
        // a retry from a fresh read (then a 404), not a 409.
        ...identityCreated(kind, id, identity).map((write) =>
          write.claim === undefined ? write : { ...write, claim: { ...write.claim, failsIfFound: (found: Record<string, unknown>) => found.record_id !== id } },
        ),
        ...restoredLinks.map((otherId) => linkAdd(other, otherId, id, now)),
      ],
      result: { record, unrestored },
      audit: { operation: `${kind.noun}.restore`, recordId: id, versionBefore: null, versionAfter: record.version, linked: restoredLinks },
    };
  });
