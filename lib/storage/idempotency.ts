/**
 * `Idempotency-Key` for creates. The key is claimed by an item written in
 * the same transaction as the record it creates, so of any number of
 * requests racing with one key exactly one commits; every other one finds
 * the claim and replays the first result. (Powertools Idempotency keeps its
 * record apart from the write and reports racing retries as "in progress";
 * a claim inside the transaction needs neither.)
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { EnsembleError, RuleViolationError } from '../domain/errors';
import type { Restored, UnrestoredLink } from '../domain/records';
import { claimPut, type CreatedRecord } from './records';
import { store, type RecordKind } from './store';
import type { GuardedWrite } from './transact';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** What the client sent: its identity and key. */
export interface IdempotentRequest {
  /** Keys are per caller (the token's `sub`) and per operation. */
  caller: string;
  key: string;
}

export interface IdempotencyScope extends IdempotentRequest {
  /** Claims live beside the records they created. */
  kind: RecordKind;
  operation: string;
  /** The validated request body, canonicalised by the schema that produced it. */
  body: unknown;
}

/** Another request with the same key committed first: its result is replayed. */
class KeyClaimedMeanwhile extends EnsembleError {}

const claimKey = (scope: IdempotencyScope) => ({
  pk: `IDEMPOTENCY#${createHash('sha256').update(JSON.stringify([scope.caller, scope.operation, scope.key])).digest('base64url')}`,
});

// Salted with the caller and key (which the claim keeps only hashed), so the fingerprint of a body of
// guessable personal data cannot be matched against guesses.
const fingerprint = (scope: IdempotencyScope): string =>
  createHash('sha256').update(JSON.stringify([scope.caller, scope.operation, scope.key, scope.body])).digest('base64url');

/** Claims written before the fingerprint was salted kept the whole record as `result`; they expire within a day. */
const legacyFingerprint = (body: unknown): string => createHash('sha256').update(JSON.stringify(body)).digest('base64url');

/** The caller's live claim of this key, if any; the key used with another body is a RuleViolationError. */
const heldClaim = async (scope: IdempotencyScope): Promise<Record<string, unknown> | undefined> => {
  const { Item } = await store().db.send(new GetCommand({ TableName: scope.kind.table, Key: claimKey(scope), ConsistentRead: true }));
  // TTL deletion lags by up to days; an expired claim counts as gone.
  if (Item === undefined || (Item.expires_at as number) < Date.now() / 1000) return undefined;
  const legacy = Item.result !== undefined;
  if (Item.fingerprint !== (legacy ? legacyFingerprint(scope.body) : fingerprint(scope))) {
    throw new RuleViolationError('This Idempotency-Key was already used with a different request body.', [
      { field: 'Idempotency-Key', message: 'was used before with another body; use a new key for a new request' },
    ]);
  }
  return Item;
};

const replay = async <T>(scope: IdempotencyScope, rebuild: (created: CreatedRecord) => T): Promise<T | undefined> => {
  const Item = await heldClaim(scope);
  if (Item === undefined) return undefined;
  return Item.result !== undefined ? (Item.result as T) : rebuild({ id: Item.record_id as string, created_at: Item.created_at as string });
};

/** The Put that claims the key for record `id`, keeping `kept` besides (never personal data). */
const keyClaim = (scope: IdempotencyScope, now: number, kept: Record<string, unknown>): GuardedWrite =>
  claimPut({
    table: scope.kind.table,
    item: { ...claimKey(scope), fingerprint: fingerprint(scope), ...kept, expires_at: now + IDEMPOTENCY_TTL_SECONDS },
    onTaken: () => new KeyClaimedMeanwhile('The Idempotency-Key was claimed by a concurrent request.'),
    expiredBefore: now,
  });

/** The writes that claim an idempotency key for a result; none without a key. */
export type KeyClaims<T> = (result: T) => GuardedWrite[];

/**
 * Runs `create` once per key: `create` adds the claim to its transaction.
 * Returns the record and whether it is a replay of an earlier request, whose
 * record `rebuild` makes from the request body and what the claim kept.
 */
export const createOnce = async <T extends CreatedRecord>(
  scope: IdempotencyScope | undefined,
  create: (claims: KeyClaims<T>) => Promise<T>,
  rebuild: (created: CreatedRecord) => T,
): Promise<{ record: T; replayed: boolean }> => {
  if (scope === undefined) return { record: await create(() => []), replayed: false };
  const earlier = await replay<T>(scope, rebuild);
  if (earlier !== undefined) return { record: earlier, replayed: true };
  const now = Math.floor(Date.now() / 1000);
  try {
    const record = await create((value) => [
      // All a claim keeps of the record: no name, gender, date or cast. A replay carries the very body of
      // the first request (the fingerprint says so), from which `rebuild` makes the rest of the response.
      keyClaim(scope, now, { record_id: value.id, created_at: value.created_at }),
    ]);
    return { record, replayed: false };
  } catch (error) {
    if (!(error instanceof KeyClaimedMeanwhile)) throw error;
    const winner = await replay<T>(scope, rebuild);
    if (winner === undefined) throw error;
    return { record: winner, replayed: true };
  }
};

/**
 * A restore, at most once per key, like createOnce. A replay answers with
 * the record as it is now (`current`: read afresh, since the claim keeps no
 * personal data) and the links the first restore could not bring back.
 */
export const restoreOnce = async <T extends CreatedRecord>(
  scope: IdempotencyScope | undefined,
  restore: (claims: (result: Restored<T>) => GuardedWrite[]) => Promise<Restored<T>>,
  current: (id: string, unrestored: UnrestoredLink[]) => Promise<Restored<T>>,
): Promise<Restored<T> & { replayed: boolean }> => {
  if (scope === undefined) return { ...(await restore(() => [])), replayed: false };
  // The claim keeps the links that did not come back as ids and reasons only.
  const replayed = async (): Promise<Restored<T> | undefined> => {
    const claim = await heldClaim(scope);
    return claim && current(claim.record_id as string, claim.unrestored as UnrestoredLink[]);
  };
  const earlier = await replayed();
  if (earlier !== undefined) return { ...earlier, replayed: true };
  const now = Math.floor(Date.now() / 1000);
  try {
    const result = await restore((value) => [
      keyClaim(scope, now, { record_id: value.record.id, created_at: value.record.created_at, unrestored: value.unrestored }),
    ]);
    return { ...result, replayed: false };
  } catch (error) {
    if (!(error instanceof KeyClaimedMeanwhile)) throw error;
    const winner = await replayed();
    if (winner === undefined) throw error;
    return { ...winner, replayed: true };
  }
};
