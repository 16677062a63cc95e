/**
 * Idempotency-Key claims as stored: an item per caller, operation and key,
 * written in the same transaction as the record it creates or restores
 * (lib/services/idempotency.ts says why), keeping the request's fingerprint
 * and just enough to rebuild the first answer: ids, a time, and the links a
 * restore could not bring back. Never personal data.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { KeyClaimedMeanwhileError } from '../domain/errors';
import type { UnrestoredLink } from '../domain/records';
import { claimPut, type GuardedWrite } from './items';
import { store, type RecordKind } from './store';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Whose key, for what: a claim is per caller (the token's `sub`), per operation and per key. */
export interface KeyClaimScope {
  caller: string;
  key: string;
  /** Claims live beside the records they created. */
  kind: RecordKind;
  operation: string;
  /** The validated request body, canonicalised by the schema that produced it. */
  body: unknown;
}

export const keyClaimKey = (scope: KeyClaimScope) => ({
  pk: `IDEMPOTENCY#${createHash('sha256').update(JSON.stringify([scope.caller, scope.operation, scope.key])).digest('base64url')}`,
});

// Salted with the caller and key (which the claim keeps only hashed), so the fingerprint of a body of
// guessable personal data cannot be matched against guesses.
export const fingerprint = (scope: KeyClaimScope): string =>
  createHash('sha256').update(JSON.stringify([scope.caller, scope.operation, scope.key, scope.body])).digest('base64url');

/** Claims written before the fingerprint was salted kept the whole record as `result`; they expire within a day. */
const legacyFingerprint = (body: unknown): string => createHash('sha256').update(JSON.stringify(body)).digest('base64url');

/** What a claim kept of the first request's result. */
export interface KeptResult {
  record_id: string;
  created_at: string;
  /** A restore's links that did not come back. */
  unrestored?: UnrestoredLink[];
}

/**
 * The Put that claims the key for a result, keeping `kept` besides; it takes
 * over a claim that has expired. Taken by a concurrent request, it fails
 * with a KeyClaimedMeanwhileError.
 */
export const keyClaim = (scope: KeyClaimScope, now: number, kept: KeptResult): GuardedWrite =>
  claimPut({
    table: scope.kind.table,
    item: { ...keyClaimKey(scope), fingerprint: fingerprint(scope), ...kept, expires_at: now + IDEMPOTENCY_TTL_SECONDS },
    onTaken: () => new KeyClaimedMeanwhileError('The Idempotency-Key was claimed by a concurrent request.'),
    expiredBefore: now,
  });

/** A live claim of the key, as found. */
export interface HeldClaim {
  /** Whether it was made with this very request body. */
  sameBody: boolean;
  kept: KeptResult;
  /** The whole first result, on a claim written before claims stopped keeping it. */
  legacyResult?: unknown;
}

/** The caller's live claim of this key, if any. */
export const readKeyClaim = async (scope: KeyClaimScope): Promise<HeldClaim | undefined> => {
  const { Item } = await store().db.send(new GetCommand({ TableName: scope.kind.table, Key: keyClaimKey(scope), ConsistentRead: true }));
  // TTL deletion lags by up to days; an expired claim counts as gone.
  if (Item === undefined || (Item.expires_at as number) < Date.now() / 1000) return undefined;
  const legacy = Item.result !== undefined;
  return {
    sameBody: Item.fingerprint === (legacy ? legacyFingerprint(scope.body) : fingerprint(scope)),
    kept: Item as unknown as KeptResult,
    ...(legacy ? { legacyResult: Item.result } : {}),
  };
};
