/**
 * The items of a transaction (lib/storage/items.ts), built and not sent:
 * exactly what each write asks DynamoDB for, and what each failed condition
 * means. The stack tests show these writes working against DynamoDB Local;
 * these pin their every key, condition and value without it.
 */
import { DuplicateRecordError, StaleReadError } from '../../lib/domain/errors';
import {
  changedIdentity,
  claimPkOf,
  claimPut,
  counterItem,
  counterUpdate,
  DELETED_TTL_SECONDS,
  deletedPut,
  deletedTaken,
  heldIdentity,
  identityChanged,
  identityCreated,
  identityRemoved,
  linkAdded,
  linkRemoved,
  newRecordFields,
  recordDelete,
  recordInserted,
  recordPut,
  recordUpdate,
  staleRead,
  type GuardedWrite,
  type Identity,
  type StoredRecord,
} from '../../lib/storage/items';
import type { RecordKind } from '../../lib/storage/store';

const ACTORS: RecordKind = { key: 'ACTOR', table: 'actors-table', noun: 'actor', links: 'movie_ids' };
const MOVIES: RecordKind = { key: 'MOVIE', table: 'movies-table', noun: 'movie', links: 'actor_ids' };
const ID = '01M86WTD96T7T6CKMATQ3ZVNAW';
const OTHER = '01M86WTDG57TYQ9BYQS054SJ2Q';
const NOW = '2026-11-24T13:44:42.022Z';

const hanks: Identity = { unique: 'tom hanks', duplicateMessage: 'An actor named "Tom Hanks" already exists.', words: ['hanks', 'tom'] };
const record: StoredRecord = { pk: `ACTOR#${ID}`, id: ID, version: 3, created_at: NOW, updated_at: NOW, unique_pk: 'ACTOR_UNIQUE#tom hanks' };
const changedMeanwhile = () => new Error('changed meanwhile');

/** The error a write's failed condition raises. */
const failure = (write: GuardedWrite | undefined): Error | undefined => write?.onConditionFailed?.();

describe('staleRead', () => {
  it('is a StaleReadError, keeping its cause when given one', () => {
    const cause = new Error('cancelled');
    expect(staleRead()).toBeInstanceOf(StaleReadError);
    expect('cause' in staleRead()).toBe(false);
    expect(staleRead(cause).cause).toBe(cause);
    expect(staleRead().message).toBe('The record changed while it was being updated.');
  });
});

describe('identities', () => {
  it('claims a name at its compared text, or where a stored record says its claim is', () => {
    expect(claimPkOf(ACTORS, hanks)).toBe('ACTOR_UNIQUE#tom hanks');
    expect(claimPkOf(ACTORS, { ...hanks, claimPk: 'ACTOR_UNIQUE#older rules' })).toBe('ACTOR_UNIQUE#older rules');
  });

  it("holds a record's claim where unique_pk says, and the legacy rules' claim and words for a record without one", () => {
    const legacy: Identity = { ...hanks, unique: 'TOM HANKS', words: ['tom'] };
    expect(heldIdentity(record, () => hanks, () => legacy)).toEqual({ ...hanks, claimPk: 'ACTOR_UNIQUE#tom hanks' });
    const { unique_pk: _claim, ...older } = record;
    expect(heldIdentity(older, () => hanks, () => legacy)).toBe(legacy);
  });

  it('keeps the held identity and unique_pk when not renamed, and claims the next one when renamed', () => {
    const held = { ...hanks, claimPk: 'ACTOR_UNIQUE#old' };
    const next: Identity = { unique: 'thomas hanks', duplicateMessage: 'taken', words: ['hanks', 'thomas'] };
    expect(changedIdentity(ACTORS, record, held, false, () => next)).toEqual({ identity: held, unique_pk: record.unique_pk });
    expect(changedIdentity(ACTORS, record, held, true, () => next)).toEqual({ identity: next, unique_pk: 'ACTOR_UNIQUE#thomas hanks' });
  });

  it('creates the claim, refused with the duplicate message when taken, and one word item per word carrying all the words', () => {
    const writes = identityCreated(ACTORS, ID, hanks);
    expect(writes.map(({ write }) => write)).toEqual([
      { Put: { TableName: 'actors-table', Item: { pk: 'ACTOR_UNIQUE#tom hanks', record_id: ID }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: 'actors-table',
          Item: { pk: `ACTOR_WORD#hanks#${ID}`, gsi1pk: 'ACTOR_WORD', gsi1sk: `hanks#${ID}`, record_id: ID, words: 'hanks tom' },
        },
      },
      {
        Put: {
          TableName: 'actors-table',
          Item: { pk: `ACTOR_WORD#tom#${ID}`, gsi1pk: 'ACTOR_WORD', gsi1sk: `tom#${ID}`, record_id: ID, words: 'hanks tom' },
        },
      },
    ]);
    const taken = failure(writes[0]);
    expect(taken).toBeInstanceOf(DuplicateRecordError);
    expect(taken?.message).toBe(hanks.duplicateMessage);
    // A uniqueness claim found at all means the name is taken.
    expect(writes[0]?.claim).toEqual({ table: 'actors-table', pk: 'ACTOR_UNIQUE#tom hanks', failsIfFound: expect.any(Function) });
    expect(writes[0]?.claim?.failsIfFound({})).toBe(true);
    expect(writes[1]?.onConditionFailed).toBeUndefined();
  });

  it('carries words up to 1,800 bytes together on each word item, and none beyond', () => {
    const carried = (words: string[]) => (identityCreated(ACTORS, ID, { ...hanks, words })[1]?.write.Put?.Item as { words?: string }).words;
    const fits = ['a'.repeat(899), 'b'.repeat(900)]; // 899 + 1 + 900 = 1,800 bytes
    expect(carried(fits)).toBe(fits.join(' '));
    expect(carried(['a'.repeat(900), 'b'.repeat(900)])).toBeUndefined();
    // Bytes of UTF-8, not characters: 1,200 characters, 1,801 bytes.
    expect(carried(['é'.repeat(601), 'b'.repeat(598)])).toBeUndefined();
  });

  it('removes the claim (only if still this record’s; a stale read otherwise) and every word item', () => {
    const writes = identityRemoved(ACTORS, ID, { ...hanks, claimPk: 'ACTOR_UNIQUE#held' });
    expect(writes.map(({ write }) => write)).toEqual([
      {
        Delete: {
          TableName: 'actors-table',
          Key: { pk: 'ACTOR_UNIQUE#held' },
          ConditionExpression: 'record_id = :id',
          ExpressionAttributeValues: { ':id': ID },
        },
      },
      { Delete: { TableName: 'actors-table', Key: { pk: `ACTOR_WORD#hanks#${ID}` } } },
      { Delete: { TableName: 'actors-table', Key: { pk: `ACTOR_WORD#tom#${ID}` } } },
    ]);
    expect(failure(writes[0])).toBeInstanceOf(StaleReadError);
  });

  describe('identityChanged', () => {
    it('writes nothing when neither the claim nor the words change', () => {
      expect(identityChanged(ACTORS, ID, hanks, { ...hanks, duplicateMessage: 'other' })).toEqual([]);
    });

    it('moves the claim alone when only the compared text changes', () => {
      const writes = identityChanged(ACTORS, ID, hanks, { ...hanks, unique: 'tom  hanks' });
      expect(writes.map(({ write }) => write)).toEqual([
        {
          Delete: {
            TableName: 'actors-table',
            Key: { pk: 'ACTOR_UNIQUE#tom hanks' },
            ConditionExpression: 'record_id = :id',
            ExpressionAttributeValues: { ':id': ID },
          },
        },
        { Put: { TableName: 'actors-table', Item: { pk: 'ACTOR_UNIQUE#tom  hanks', record_id: ID }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
    });

    it('deletes the words dropped and rewrites every word kept or new, since each carries them all', () => {
      const writes = identityChanged(ACTORS, ID, hanks, { ...hanks, words: ['hanks', 'thomas'] });
      expect(writes.map(({ write }) => write.Delete?.Key ?? write.Put?.Item?.pk)).toEqual([
        { pk: `ACTOR_WORD#tom#${ID}` },
        `ACTOR_WORD#hanks#${ID}`,
        `ACTOR_WORD#thomas#${ID}`,
      ]);
      expect(writes[2]?.write.Put?.Item?.words).toBe('hanks thomas');
    });

    it('rewrites the words when only their order changes, but not when the same words come as they were', () => {
      expect(identityChanged(ACTORS, ID, hanks, { ...hanks, words: ['tom', 'hanks'] })).toHaveLength(2);
      expect(identityChanged(ACTORS, ID, hanks, { ...hanks, words: ['hanks', 'tom'] })).toHaveLength(0);
    });
  });
});

describe('claimPut', () => {
  const item = { pk: 'IDEMPOTENCY#abc', record_id: ID };
  const taken = () => new Error('taken');

  it('succeeds only where no item is, when claims never expire', () => {
    const write = claimPut({ table: 't', item, onTaken: taken });
    expect(write.write).toEqual({ Put: { TableName: 't', Item: item, ConditionExpression: 'attribute_not_exists(pk)' } });
    expect(write.onConditionFailed).toBe(taken);
    expect(write.claim?.failsIfFound({ expires_at: 0 })).toBe(true);
  });

  it('takes over an expired claim, and only one whose expires_at is before the time given', () => {
    const write = claimPut({ table: 't', item, onTaken: taken, expiredBefore: 1000 });
    expect(write.write).toEqual({
      Put: { TableName: 't', Item: item, ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now', ExpressionAttributeValues: { ':now': 1000 } },
    });
    expect(write.claim).toEqual({ table: 't', pk: 'IDEMPOTENCY#abc', failsIfFound: expect.any(Function) });
    expect(write.claim?.failsIfFound({ expires_at: 999 })).toBe(false);
    expect(write.claim?.failsIfFound({ expires_at: 1000 })).toBe(true);
    expect(write.claim?.failsIfFound({ expires_at: 1001 })).toBe(true);
  });
});

describe('records', () => {
  it('starts a new record on its kind’s list at version 1', () => {
    expect(newRecordFields(MOVIES, { id: ID, created_at: NOW })).toEqual({
      pk: `MOVIE#${ID}`,
      gsi1pk: 'MOVIE',
      gsi1sk: ID,
      id: ID,
      created_at: NOW,
      updated_at: NOW,
      version: 1,
    });
  });

  it('puts a new record only where none is, a lost race being a stale read; with its claim and words after it', () => {
    const put = recordPut(ACTORS, record);
    expect(put.write).toEqual({ Put: { TableName: 'actors-table', Item: record, ConditionExpression: 'attribute_not_exists(pk)' } });
    expect(failure(put)).toBeInstanceOf(StaleReadError);
    expect(recordInserted(ACTORS, record, hanks).map(({ write }) => write)).toEqual([
      put.write,
      ...identityCreated(ACTORS, ID, hanks).map(({ write }) => write),
    ]);
  });

  it('updates the fields given and bumps the version, on condition of the version read', () => {
    const write = recordUpdate(ACTORS, record, { name: 'Tom', movie_ids: new Set([OTHER]), gender: undefined, cast: new Set() }, NOW, changedMeanwhile);
    expect(write.write).toEqual({
      Update: {
        TableName: 'actors-table',
        Key: { pk: `ACTOR#${ID}` },
        UpdateExpression: 'SET version = version + :one, updated_at = :now, #name = :name, #movie_ids = :movie_ids REMOVE #gender, #cast',
        ConditionExpression: 'version = :readVersion',
        ExpressionAttributeNames: { '#name': 'name', '#movie_ids': 'movie_ids', '#gender': 'gender', '#cast': 'cast' },
        ExpressionAttributeValues: { ':readVersion': 3, ':one': 1, ':now': NOW, ':name': 'Tom', ':movie_ids': new Set([OTHER]) },
      },
    });
    expect(write.onConditionFailed).toBe(changedMeanwhile);
  });

  it('names no attribute and removes nothing when no field is given', () => {
    expect(recordUpdate(ACTORS, record, {}, NOW, changedMeanwhile).write).toEqual({
      Update: {
        TableName: 'actors-table',
        Key: { pk: `ACTOR#${ID}` },
        UpdateExpression: 'SET version = version + :one, updated_at = :now',
        ConditionExpression: 'version = :readVersion',
        ExpressionAttributeValues: { ':readVersion': 3, ':one': 1, ':now': NOW },
      },
    });
  });

  it('deletes a record on condition of the version read', () => {
    const write = recordDelete(MOVIES, { ...record, pk: `MOVIE#${ID}` }, changedMeanwhile);
    expect(write.write).toEqual({
      Delete: { TableName: 'movies-table', Key: { pk: `MOVIE#${ID}` }, ConditionExpression: 'version = :readVersion', ExpressionAttributeValues: { ':readVersion': 3 } },
    });
    expect(write.onConditionFailed).toBe(changedMeanwhile);
  });
});

describe('link changes', () => {
  it('adds a link to a record that exists and has room, bumping its version; a failed condition is a stale read', () => {
    const write = linkAdded(ACTORS, ID, OTHER, NOW, 50);
    expect(write.write).toEqual({
      Update: {
        TableName: 'actors-table',
        Key: { pk: `ACTOR#${ID}` },
        UpdateExpression: 'ADD #links :link, version :one SET updated_at = :now',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#links) OR size(#links) < :max)',
        ExpressionAttributeNames: { '#links': 'movie_ids' },
        ExpressionAttributeValues: { ':link': new Set([OTHER]), ':one': 1, ':now': NOW, ':max': 50 },
      },
    });
    expect(failure(write)).toBeInstanceOf(StaleReadError);
  });

  it('removes a link from a record that still exists, bumping its version', () => {
    const write = linkRemoved(MOVIES, ID, OTHER, NOW);
    expect(write.write).toEqual({
      Update: {
        TableName: 'movies-table',
        Key: { pk: `MOVIE#${ID}` },
        UpdateExpression: 'DELETE #links :link ADD version :one SET updated_at = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#links': 'actor_ids' },
        ExpressionAttributeValues: { ':link': new Set([OTHER]), ':one': 1, ':now': NOW },
      },
    });
    expect(failure(write)).toBeInstanceOf(StaleReadError);
  });
});

describe('kept copies', () => {
  it('keeps a deleted record for 30 days on the deleted list, newest last, with who deleted it', () => {
    expect(DELETED_TTL_SECONDS).toBe(2_592_000);
    const deletedAt = '2026-11-24T13:44:42.999Z';
    expect(deletedPut(ACTORS, record, deletedAt, 'auth0|abc').write).toEqual({
      Put: {
        TableName: 'actors-table',
        Item: {
          pk: `ACTOR_DELETED#${ID}`,
          gsi1pk: 'ACTOR_DELETED',
          gsi1sk: `${deletedAt}#${ID}`,
          record,
          deleted_at: deletedAt,
          deleted_by: 'auth0|abc',
          expires_at: Math.floor(Date.parse(deletedAt) / 1000) + 2_592_000,
        },
      },
    });
    expect(Object.keys(deletedPut(ACTORS, record, deletedAt, undefined).write.Put?.Item ?? {})).not.toContain('deleted_by');
  });

  it('takes a kept copy back only if it is the one read; otherwise a stale read', () => {
    const write = deletedTaken(MOVIES, ID, NOW);
    expect(write.write).toEqual({
      Delete: { TableName: 'movies-table', Key: { pk: `MOVIE_DELETED#${ID}` }, ConditionExpression: 'deleted_at = :deletedAt', ExpressionAttributeValues: { ':deletedAt': NOW } },
    });
    expect(failure(write)).toBeInstanceOf(StaleReadError);
  });
});

describe('the counter', () => {
  it('moves total by a delta and keeps the counter on the list partition, after every record', () => {
    expect(counterUpdate('actors-table', ACTORS, -2)).toEqual({
      TableName: 'actors-table',
      Key: { pk: 'ACTOR_COUNT' },
      UpdateExpression: 'ADD #total :delta SET gsi1pk = :partition, gsi1sk = :position',
      ExpressionAttributeNames: { '#total': 'total' },
      ExpressionAttributeValues: { ':delta': -2, ':partition': 'ACTOR', ':position': '~TOTAL' },
    });
  });

  it('writes a whole counter on the list partition', () => {
    expect(counterItem(MOVIES, 42)).toEqual({ pk: 'MOVIE_COUNT', gsi1pk: 'MOVIE', gsi1sk: '~TOTAL', total: 42 });
  });
});
