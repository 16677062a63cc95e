/** POST with Idempotency-Key: one record per key, whatever the retries do and however they race. */
import { handler as createActor } from '../../functions/actors/create';
import { handler as createMovie } from '../../functions/movies/create';
import { uniqueName } from '../helpers/api';
import { total } from '../helpers/fixtures';
import { integrityProblems } from '../helpers/integrity';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { store } from '../../lib/storage/store';

const tables = { actors: store().actors.table, movies: store().movies.table };
import { localDocuments } from '../helpers/local-db';
import { customToken, roleToken } from '../helpers/tokens';

let producer: string;
// Claims are inspected and aged by hand, past the conflict emulation the handlers write through.
const db = localDocuments();
beforeAll(async () => {
  producer = await roleToken('executive-producer');
});
afterAll(() => db.destroy());

const postActor = (body: unknown, key: string | undefined, token = producer) =>
  invoke(createActor, { method: 'POST', token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });
const newKey = () => `key-${uniqueName('').trim().replace(/\s/g, '')}`;
const actorBody = () => ({ name: uniqueName('Idem'), gender: 'f', birth_date: '1988-08-08' });

it('replays the first response for a retry with the same key and body, creating nothing new', async () => {
  const [key, body] = [newKey(), actorBody()];
  const before = await total('actors', producer);
  const first = await postActor(body, key);
  expect(first.status).toBe(201);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  const retry = await postActor(body, key);
  expect(retry.status).toBe(201);
  expect(retry.headers['idempotent-replayed']).toBe('true');
  expect(retry.body).toEqual(first.body);
  expect(retry.headers.location).toBe(first.headers.location);
  expect(await total('actors', producer)).toBe(before + 1);
});

it('answers 422 when the same key comes with a different body, and writes nothing', async () => {
  const key = newKey();
  expect((await postActor(actorBody(), key)).status).toBe(201);
  const before = await total('actors', producer);
  const error = expectError(await postActor(actorBody(), key), 422);
  expect(error.details).toEqual([{ field: 'Idempotency-Key', message: expect.stringContaining('another body') }]);
  expect(await total('actors', producer)).toBe(before);
});

it('creates exactly one record when 20 retries with one key race', async () => {
  const [key, body] = [newKey(), actorBody()];
  const before = await total('actors', producer);
  const results = await Promise.all(Array.from({ length: 20 }, () => postActor(body, key)));
  expect(results.map((result) => result.status)).toEqual(Array(20).fill(201));
  expect(new Set(results.map((result) => result.body.actor.id)).size).toBe(1);
  expect(results.filter((result) => result.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
  expect(await total('actors', producer)).toBe(before + 1);
  expect(await integrityProblems()).toEqual([]);
});

it('keeps keys apart per caller and per operation', async () => {
  const key = newKey();
  const other = await customToken({ permissions: ['post:actors', 'post:movies'], subject: 'auth0|someone-else' });
  const mine = await postActor(actorBody(), key);
  const theirs = await postActor(actorBody(), key, other);
  expect([mine.status, theirs.status]).toEqual([201, 201]);
  expect(theirs.body.actor.id).not.toBe(mine.body.actor.id);
  const before = await total('movies', producer);
  const movie = await invoke(createMovie, {
    method: 'POST',
    token: producer,
    body: { title: uniqueName('Idem movie'), release_date: '2003-03-03' },
    headers: { 'idempotency-key': key },
  });
  expect(movie.status).toBe(201);
  expect(await total('movies', producer)).toBe(before + 1);
});

it('does not remember a failed request: a retry after fixing the conflict goes through', async () => {
  const key = newKey();
  const body = actorBody();
  expect((await postActor(body, undefined)).status).toBe(201);
  expectError(await postActor(body, key), 409);
  const fixed = { ...body, name: `${body.name} II` };
  expect((await postActor(fixed, key)).status).toBe(201);
});

it.each(['', 'x'.repeat(256), 'has space', 'tab\there', 'ünïcode'])('answers a malformed key %j with 400', async (key) => {
  const before = await total('actors', producer);
  expectError(await postActor(actorBody(), key), 400);
  expect(await total('actors', producer)).toBe(before);
});

it('creates exactly one movie, cast on both sides once, when 15 retries with one key race', async () => {
  const actor = (await postActor(actorBody(), undefined)).body.actor;
  const key = newKey();
  const body = { title: uniqueName('Idem race'), release_date: '2011-11-11', actor_ids: [actor.id] };
  const results = await Promise.all(
    Array.from({ length: 15 }, () => invoke(createMovie, { method: 'POST', token: producer, body, headers: { 'idempotency-key': key } })),
  );
  expect(new Set(results.map((result) => `${result.status} ${result.body.movie?.id}`)).size).toBe(1);
  expect(results[0]!.status).toBe(201);
  const { snapshot } = await import('../helpers/integrity');
  const { actors } = await snapshot();
  expect([...actors.get(actor.id)!.movie_ids]).toEqual([results[0]!.body.movie.id]);
  expect(await integrityProblems()).toEqual([]);
});

describe('what a claim keeps', () => {
  /** The claim naming the record: a whole-table scan, page by page (the filter applies after each 1 MB page). */
  const claimOf = async (recordId: string) => {
    const found: Record<string, any>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: tables.actors,
          FilterExpression: 'record_id = :id AND begins_with(pk, :claim)',
          ExpressionAttributeValues: { ':id': recordId, ':claim': 'IDEMPOTENCY#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('holds only what a replay needs (ids, times and a fingerprint), no personal data, for the key lifetime', async () => {
    const [key, body] = [newKey(), { name: uniqueName('Private Person'), gender: 'Gender Private', birth_date: '1977-07-17' }];
    const before = Math.floor(Date.now() / 1000);
    const first = await postActor(body, key);
    const after = Math.floor(Date.now() / 1000);
    const claim = await claimOf(first.body.actor.id);
    expect(Object.keys(claim).sort()).toEqual(['created_at', 'expires_at', 'fingerprint', 'pk', 'record_id']);
    expect(claim.created_at).toBe(first.body.actor.created_at);
    expect(claim.expires_at).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(claim.expires_at).toBeLessThanOrEqual(after + 24 * 3600);
    for (const value of [body.name, body.gender, body.birth_date, key, 'local|executive-producer']) {
      expect(JSON.stringify(claim)).not.toContain(value);
    }
    const retry = await postActor(body, key);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('replays a movie, cast included, from the retry body', async () => {
    const actor = (await postActor(actorBody(), undefined)).body.actor;
    const key = newKey();
    const body = { title: uniqueName('Idem replay'), release_date: '2012-12-12', actor_ids: [actor.id] };
    const send = () => invoke(createMovie, { method: 'POST', token: producer, body, headers: { 'idempotency-key': key } });
    const first = await send();
    const retry = await send();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.body.movie.actor_ids).toEqual([actor.id]);
  });

  it('ignores a claim past its lifetime that DynamoDB has not deleted yet: the retry creates anew', async () => {
    const [key, body] = [newKey(), actorBody()];
    const first = await postActor(body, key);
    const claim = await claimOf(first.body.actor.id);
    await db.send(
      new UpdateCommand({ TableName: tables.actors, Key: { pk: claim.pk }, UpdateExpression: 'SET expires_at = :past', ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 } }),
    );
    const retry = await postActor({ ...body, name: `${body.name} again` }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.body.actor.id).not.toBe(first.body.actor.id);
  });

  it('still replays a claim written before claims were slimmed down (the whole record as result)', async () => {
    const [key, body] = [newKey(), actorBody()];
    const created = (await postActor(body, undefined)).body.actor;
    const { Item: record } = await db.send(new GetCommand({ TableName: tables.actors, Key: { pk: `ACTOR#${created.id}` } }));
    const pk = `IDEMPOTENCY#${createHash('sha256').update(JSON.stringify(['local|executive-producer', 'createActor', key])).digest('base64url')}`;
    const legacyFingerprint = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
    await db.send(
      new PutCommand({ TableName: tables.actors, Item: { pk, fingerprint: legacyFingerprint, result: record, expires_at: Math.floor(Date.now() / 1000) + 3600 } }),
    );
    const retry = await postActor(body, key);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.actor).toEqual(created);
    expectError(await postActor({ ...body, gender: 'other' }, key), 422);
  });
});
