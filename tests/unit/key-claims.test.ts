/**
 * Idempotency-Key claims as stored (lib/storage/key-claims.ts): where a
 * claim lives, how it fingerprints the request, and what it keeps. None of
 * the caller's key or body is kept in the clear.
 */
import { createHash } from 'node:crypto';
import { KeyClaimedMeanwhileError } from '../../lib/domain/errors';
import { fingerprint, IDEMPOTENCY_TTL_SECONDS, keyClaim, keyClaimKey, type KeyClaimScope } from '../../lib/storage/key-claims';
import type { RecordKind } from '../../lib/storage/store';

const ACTORS: RecordKind = { key: 'ACTOR', table: 'actors-table', noun: 'actor', links: 'movie_ids' };
const scope: KeyClaimScope = { caller: 'auth0|abc', key: 'key-1', kind: ACTORS, operation: 'createActor', body: { name: 'Tom Hanks' } };
const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

describe('Idempotency-Key claims', () => {
  it('live at a hash of caller, operation and key, so one caller’s key never meets another’s', () => {
    expect(keyClaimKey(scope)).toEqual({ pk: `IDEMPOTENCY#${sha(['auth0|abc', 'createActor', 'key-1'])}` });
    expect(keyClaimKey({ ...scope, caller: 'auth0|def' })).not.toEqual(keyClaimKey(scope));
    expect(keyClaimKey({ ...scope, operation: 'createMovie' })).not.toEqual(keyClaimKey(scope));
    expect(keyClaimKey({ ...scope, body: { other: true } })).toEqual(keyClaimKey(scope));
  });

  it('fingerprint the body salted with caller, operation and key', () => {
    expect(fingerprint(scope)).toBe(sha(['auth0|abc', 'createActor', 'key-1', { name: 'Tom Hanks' }]));
    expect(fingerprint(scope)).not.toBe(sha({ name: 'Tom Hanks' }));
  });

  it('keep the fingerprint and what the answer is rebuilt from for a day, taking over an expired claim', () => {
    const write = keyClaim(scope, 1_000, { record_id: 'R', created_at: 'T', unrestored: [] });
    expect(IDEMPOTENCY_TTL_SECONDS).toBe(86_400);
    expect(write.write).toEqual({
      Put: {
        TableName: 'actors-table',
        Item: { ...keyClaimKey(scope), fingerprint: fingerprint(scope), record_id: 'R', created_at: 'T', unrestored: [], expires_at: 87_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
        ExpressionAttributeValues: { ':now': 1_000 },
      },
    });
    expect(write.onConditionFailed?.()).toBeInstanceOf(KeyClaimedMeanwhileError);
  });
});
