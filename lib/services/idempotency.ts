/**
 * `Idempotency-Key` for creates and restores. The key is claimed by an item
 * written in the same transaction as the record it creates
 * (lib/storage/key-claims.ts), so of any number of requests racing with one
 * key exactly one commits; every other one finds the claim and replays the
 * first result. (Powertools Idempotency keeps its record apart from the
 * write and reports racing retries as "in progress"; a claim inside the
 * transaction needs neither.)
 */
import { KeyClaimedMeanwhileError, RuleViolationError } from '../domain/errors';
import type { RecordFields, Restored, UnrestoredLink } from '../domain/records';
import type { GuardedWrite } from '../storage/items';
import { keyClaim, readKeyClaim, type HeldClaim, type KeyClaimScope } from '../storage/key-claims';

/** What the client sent: its identity and key. */
export interface IdempotentRequest {
  /** Keys are per caller (the token's `sub`) and per operation. */
  caller: string;
  key: string;
}

/** The writes that claim an idempotency key for a result; none without a key. */
export type KeyClaims<T> = (result: T) => GuardedWrite[];

/** The caller's live claim of this key, if any; the key used with another body is a RuleViolationError. */
const heldClaim = async (scope: KeyClaimScope): Promise<HeldClaim | undefined> => {
  const claim = await readKeyClaim(scope);
  if (claim !== undefined && !claim.sameBody) {
    throw new RuleViolationError('This Idempotency-Key was already used with a different request body.', [
      { field: 'Idempotency-Key', message: 'was used before with another body; use a new key for a new request' },
    ]);
  }
  return claim;
};

const now = (): number => Math.floor(Date.now() / 1000);

/**
 * Runs `create` once per key: `create` adds the claim to its transaction.
 * Returns the record and whether it is a replay of an earlier request, whose
 * record `rebuild` makes from the request body and what the claim kept.
 */
export const createOnce = async <T extends Pick<RecordFields, 'id' | 'created_at'>>(
  scope: KeyClaimScope | undefined,
  create: (claims: KeyClaims<T>) => Promise<T>,
  rebuild: (created: Pick<RecordFields, 'id' | 'created_at'>) => T,
): Promise<{ record: T; replayed: boolean }> => {
  if (scope === undefined) return { record: await create(() => []), replayed: false };
  const replay = async (): Promise<T | undefined> => {
    const claim = await heldClaim(scope);
    if (claim === undefined) return undefined;
    return claim.legacyResult !== undefined ? (claim.legacyResult as T) : rebuild({ id: claim.kept.record_id, created_at: claim.kept.created_at });
  };
  const earlier = await replay();
  if (earlier !== undefined) return { record: earlier, replayed: true };
  const claimedAt = now();
  try {
    const record = await create((value) => [
      // All a claim keeps of the record: no name, gender, date or cast. A replay carries the very body of
      // the first request (the fingerprint says so), from which `rebuild` makes the rest of the response.
      keyClaim(scope, claimedAt, { record_id: value.id, created_at: value.created_at }),
    ]);
    return { record, replayed: false };
  } catch (error) {
    if (!(error instanceof KeyClaimedMeanwhileError)) throw error;
    const winner = await replay();
    if (winner === undefined) throw error;
    return { record: winner, replayed: true };
  }
};

/**
 * A restore, at most once per key, like createOnce. A replay answers with
 * the record as it is now (`current`: read afresh, since the claim keeps no
 * personal data) and the links the first restore could not bring back.
 */
export const restoreOnce = async <T extends Pick<RecordFields, 'id' | 'created_at'>>(
  scope: KeyClaimScope | undefined,
  restore: (claims: KeyClaims<Restored<T>>) => Promise<Restored<T>>,
  current: (id: string, unrestored: UnrestoredLink[]) => Promise<Restored<T>>,
): Promise<Restored<T> & { replayed: boolean }> => {
  if (scope === undefined) return { ...(await restore(() => [])), replayed: false };
  const replay = async (): Promise<Restored<T> | undefined> => {
    const claim = await heldClaim(scope);
    return claim && current(claim.kept.record_id, claim.kept.unrestored ?? []);
  };
  const earlier = await replay();
  if (earlier !== undefined) return { ...earlier, replayed: true };
  const claimedAt = now();
  try {
    const result = await restore((value) => [
      keyClaim(scope, claimedAt, { record_id: value.record.id, created_at: value.record.created_at, unrestored: value.unrestored }),
    ]);
    return { ...result, replayed: false };
  } catch (error) {
    if (!(error instanceof KeyClaimedMeanwhileError)) throw error;
    const winner = await replay();
    if (winner === undefined) throw error;
    return { ...winner, replayed: true };
  }
};
