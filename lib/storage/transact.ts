/**
 * Conditional, all-or-nothing writes. Each item of a transaction says what
 * its own condition failing would mean (a duplicate name, a stale read, a
 * missing actor…), so a cancelled transaction turns into the right error
 * without guesswork. Stale reads are retried from a fresh read.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StaleReadError, StoreBusyError } from '../domain/errors';
import { count } from '../log';
import { staleRead, type GuardedWrite } from './items';
import { store } from './store';

interface CancellationReason {
  Code?: string;
}

export const transactWrite = async (writes: GuardedWrite[]): Promise<void> => {
  try {
    await store().db.send(new TransactWriteCommand({ TransactItems: writes.map(({ write }) => write) }));
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    // A plain write to an item that a transaction is writing; none is made today, but it would mean the same.
    if (name === 'TransactionConflictException') {
      count('TransactionConflicts');
      throw staleRead(error);
    }
    if (name !== 'TransactionCanceledException') throw error;
    const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []).map(
      (reason) => reason.Code ?? 'None',
    );
    if (reasons.includes('TransactionConflict')) {
      count('TransactionConflicts');
      throw (await claimAlreadyTaken(writes)) ?? staleRead(error);
    }
    const failed = reasons.findIndex((code) => code === 'ConditionalCheckFailed');
    const onConditionFailed = writes[failed]?.onConditionFailed;
    if (onConditionFailed !== undefined) throw onConditionFailed();
    throw error;
  }
};

/**
 * The error of the first claim (in transaction order) that a fresh read finds
 * taken, if any. The claims are read one by one, and once one is found taken
 * those before it are read again: the transaction that took it may have
 * taken them too and committed between the reads, and then the first of them
 * decides (a replayed Idempotency-Key before a duplicate name). Reading them
 * side by side could see one claim of a transaction and miss its other.
 * GetItem, not BatchGetItem: a transaction holds one or two claims, and
 * every function that writes claims may already GetItem them.
 */
const claimAlreadyTaken = async (writes: GuardedWrite[]): Promise<Error | undefined> => {
  const claims = writes.flatMap(({ claim, onConditionFailed }) =>
    claim === undefined || onConditionFailed === undefined ? [] : [{ ...claim, onConditionFailed }],
  );
  const taken = async ({ table, pk, failsIfFound }: (typeof claims)[number]): Promise<boolean> => {
    const found = (await store().db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
    return found !== undefined && failsIfFound(found);
  };
  for (const [index, claim] of claims.entries()) {
    if (!(await taken(claim))) continue;
    for (const earlier of claims.slice(0, index)) if (await taken(earlier)) return earlier.onConditionFailed();
    return claim.onConditionFailed();
  }
  return undefined;
};

/** Attempts at a read-then-write, and at a batch read, before the store counts as busy. */
export const MAX_ATTEMPTS = 12;

/** Full-jitter backoff: spreads retries so racing requests stop meeting again. */
export const pause = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 5 * 2 ** attempt)));

/**
 * Runs read-then-write `work` until it commits without a concurrent change
 * getting in between. Under heavy contention for one record it gives up with
 * a 503 (the client may retry) rather than spin past the Lambda timeout.
 */
export const withFreshReads = async <T>(work: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StaleReadError)) throw error;
      count('FreshReadRetries');
      if (attempt >= MAX_ATTEMPTS) {
        throw new StoreBusyError('The record is being changed by many requests at once; please retry.', 1, { cause: error });
      }
      await pause(attempt);
    }
  }
};
