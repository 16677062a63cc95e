/**
 * The one shape of every change: read fresh, check, write everything in one
 * transaction, audit. A change that loses a race to another request (a
 * stale read) starts again from a fresh read (lib/storage/transact.ts), so
 * its checks always hold for what it writes.
 */
import { RuleViolationError, VersionMismatchError } from '../domain/errors';
import { MAX_CHANGE_ITEMS } from '../domain/limits';
import { audit } from '../log';
import { staleRead, type GuardedWrite } from '../storage/items';
import type { RecordKind } from '../storage/store';
import { transactWrite, withFreshReads } from '../storage/transact';

/** A committed write, as the audit line tells it (lib/log.ts). */
interface AuditEntry {
  /** `actor.create`, `movie.cast.add`…: the kind's noun and what happened. */
  operation: string;
  recordId: string;
  versionBefore: number | null;
  versionAfter: number | null;
  /** The records on the other side of a cast change. */
  linked?: Iterable<string>;
}

/** What a change decided from its fresh read: the writes, what it answers, and its audit line. */
interface Change<T> {
  writes: GuardedWrite[];
  result: T;
  audit: AuditEntry;
}

/** A change that would change nothing: no write, no audit line, `result` answered as it is. */
interface NoChange<T> {
  unchanged: T;
}

/**
 * Runs `decide` (which reads and checks) until its writes commit without a
 * concurrent change in between, then writes the audit line. A rejected
 * write, a change to nothing and a retry write none.
 */
export const change = <T>(decide: () => Change<T> | NoChange<T> | Promise<Change<T> | NoChange<T>>): Promise<T> =>
  withFreshReads(async () => {
    const decided = await decide();
    if ('unchanged' in decided) return decided.unchanged;
    await transactWrite(ensureFitsOneChange(decided.writes));
    const { operation, recordId, versionBefore, versionAfter, linked } = decided.audit;
    audit(operation, recordId, versionBefore, versionAfter, linked);
    return decided.result;
  });

/** A change is one transaction: refuses, before writing anything, one that would not fit. */
const ensureFitsOneChange = (writes: GuardedWrite[]): GuardedWrite[] => {
  if (writes.length > MAX_CHANGE_ITEMS) {
    throw new RuleViolationError(
      `This change touches more than ${MAX_CHANGE_ITEMS} records at once; make it in smaller steps, such as replacing the cast in two requests.`,
    );
  }
  return writes;
};

/** `If-Match` as the version it names: the caller's read must be the latest. */
export const checkExpectedVersion = (kind: RecordKind, current: number, expected: number | undefined): void => {
  if (expected !== undefined && expected !== current) {
    throw new VersionMismatchError(`The ${kind.noun} has changed: it is at version ${current}, not ${expected}.`);
  }
};

/** What a version condition failing means: a lost race with If-Match is a 412, without it a retry. */
export const onChangedMeanwhile = (kind: RecordKind, expected: number | undefined) => (): Error =>
  expected === undefined
    ? staleRead()
    : new VersionMismatchError(`The ${kind.noun} was changed by another request; fetch it again before changing it.`);
