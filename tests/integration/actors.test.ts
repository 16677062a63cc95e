/** Actor handlers in-process against DynamoDB Local: the happy paths and every way a write can be refused. */
import { handler as createActor } from '../../functions/actors/create';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as getActor } from '../../functions/actors/get';
import { handler as updateActor } from '../../functions/actors/update';
import { uniqueName } from '../helpers/api';
import { total } from '../helpers/fixtures';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

let director: string;
beforeAll(async () => {
  director = await roleToken('casting-director');
});

const create = (body: unknown, headers?: Record<string, string>) =>
  invoke(createActor, { method: 'POST', path: '/api/v1/actors', token: director, body, headers });
const get = (id: string) => invoke(getActor, { pathParameters: { id }, token: director });
const patch = (id: string, body: unknown, headers?: Record<string, string>) =>
  invoke(updateActor, { method: 'PATCH', pathParameters: { id }, token: director, body, headers });
const remove = (id: string, headers?: Record<string, string>) =>
  invoke(deleteActor, { method: 'DELETE', pathParameters: { id }, token: director, headers });

const validActor = () => ({ name: uniqueName('Actor'), gender: 'female', birth_date: '1980-05-17' });

describe('creating an actor', () => {
  it('returns 201 with the actor, its ETag and Location, and counts it', async () => {
    const before = await total('actors', director);
    const input = validActor();
    const result = await create({ ...input, name: `  ${input.name}  ` });
    expect(result.status).toBe(201);
    const actor = result.body.actor;
    expect(actor).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      name: input.name,
      gender: 'female',
      birth_date: '1980-05-17',
      age: expect.any(Number),
      movie_ids: [],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: actor.created_at,
      version: 1,
    });
    expect(result.headers.etag).toBe('"1"');
    expect(result.headers.location).toBe(`/api/v1/actors/${actor.id}`);
    expect(await total('actors', director)).toBe(before + 1);
    expect((await get(actor.id)).body.actor).toEqual(actor);
  });

  it('refuses a name another actor has, ignoring case and surrounding space (409)', async () => {
    const input = validActor();
    expect((await create(input)).status).toBe(201);
    const before = await total('actors', director);
    const duplicate = await create({ ...input, name: `  ${input.name.toUpperCase()} ` });
    expect(expectError(duplicate, 409).message).toContain('already exists');
    expect(await total('actors', director)).toBe(before);
  });

  it.each([
    [{ gender: 'male', birth_date: '1970-01-01' }, 'name', 'is required'],
    [{ name: '   ', gender: 'male', birth_date: '1970-01-01' }, 'name', 'must not be empty'],
    [{ name: 'x'.repeat(201), gender: 'male', birth_date: '1970-01-01' }, 'name', 'at most 200'],
    [{ name: 42, gender: 'male', birth_date: '1970-01-01' }, 'name', 'must be a string'],
    [{ name: 'A B', gender: 'g'.repeat(51), birth_date: '1970-01-01' }, 'gender', 'at most 50'],
    [{ name: 'A B', gender: 'male', birth_date: '1970-02-30' }, 'birth_date', 'real calendar date'],
    [{ name: 'A B', gender: 'male', birth_date: '1970-1-1' }, 'birth_date', 'real calendar date'],
    [{ name: 'A B', gender: 'male', birth_date: '2999-01-01' }, 'birth_date', 'future'],
    [{ name: 'A B', gender: 'male', birth_date: '1970-01-01', nickname: 'x' }, 'nickname', 'not a known field'],
    [{ name: 'A B', gender: 'male', birth_date: '1970-01-01', age: 3 }, 'age', 'read-only'],
    [{ name: 'A B', gender: 'male', birth_date: '1970-01-01', movie_ids: [] }, 'movie_ids', 'read-only'],
    [{ name: 'A B', gender: 'male', birth_date: '1970-01-01', id: 'x' }, 'id', 'read-only'],
  ])('answers 422 with details for %j', async (body, field, message) => {
    const before = await total('actors', director);
    const error = expectError(await create(body), 422);
    expect(error.details).toEqual(expect.arrayContaining([{ field, message: expect.stringContaining(message) }]));
    expect(await total('actors', director)).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"name": "A', undefined, 400],
    ['an empty body', '', undefined, 400],
    ['a JSON array', '[]', undefined, 422],
    ['a JSON string', '"hello"', undefined, 422],
    ['null', 'null', undefined, 422],
    ['a form body', 'name=A', 'application/x-www-form-urlencoded', 415],
    ['text/plain', '{}', 'text/plain', 415],
    ['a body over 64 KiB', JSON.stringify({ name: 'x'.repeat(70_000) }), undefined, 413],
  ])('answers %s with the right status and writes nothing', async (_what, body, contentType, status) => {
    const before = await total('actors', director);
    expectError(await create(body, contentType === undefined ? undefined : { 'content-type': contentType }), status);
    expect(await total('actors', director)).toBe(before);
  });

  it('reports read-only and unknown fields together', async () => {
    const error = expectError(await create({ ...validActor(), version: 2, nickname: 'x' }), 422);
    expect(error.details).toEqual([
      { field: 'version', message: 'is read-only' },
      { field: 'nickname', message: 'is not a known field' },
    ]);
  });

  it('gives one reason for an impossible date, not a cascade', async () => {
    const error = expectError(await create({ ...validActor(), birth_date: '2031-02-30' }), 422);
    expect(error.details).toEqual([{ field: 'birth_date', message: 'must be a real calendar date in YYYY-MM-DD form' }]);
  });

  it('accepts application/json with a charset', async () => {
    const result = await create(validActor(), { 'content-type': 'application/json; charset=utf-8' });
    expect(result.status).toBe(201);
  });
});

describe('changing an actor', () => {
  it('changes only the fields sent and bumps the version', async () => {
    const actor = (await create(validActor())).body.actor;
    const result = await patch(actor.id, { gender: 'non-binary' });
    expect(result.status).toBe(200);
    expect(result.body.actor).toMatchObject({ name: actor.name, gender: 'non-binary', version: 2 });
    expect(result.body.actor.updated_at >= actor.updated_at).toBe(true);
    expect(result.headers.etag).toBe('"2"');
    expect((await get(actor.id)).body.actor).toEqual(result.body.actor);
  });

  it('frees the old name on rename, and claims the new one', async () => {
    const first = (await create(validActor())).body.actor;
    const newName = uniqueName('Renamed');
    expect((await patch(first.id, { name: newName })).status).toBe(200);
    expect((await create({ ...validActor(), name: first.name })).status).toBe(201);
    expectError(await create({ ...validActor(), name: newName.toLowerCase() }), 409);
  });

  it('refuses a rename onto a taken name (409) and keeps the record as it was', async () => {
    const taken = (await create(validActor())).body.actor;
    const actor = (await create(validActor())).body.actor;
    expectError(await patch(actor.id, { name: taken.name }), 409);
    expect((await get(actor.id)).body.actor).toEqual(actor);
  });

  it('leaves the version alone when nothing changes', async () => {
    const actor = (await create(validActor())).body.actor;
    const result = await patch(actor.id, { gender: actor.gender });
    expect(result.body.actor.version).toBe(1);
  });

  it.each([
    [{}, 422],
    [{ version: 5 }, 422],
    [{ birth_date: 'yesterday' }, 422],
    [{ name: null }, 422],
  ])('answers %j with %i and changes nothing', async (body, status) => {
    const actor = (await create(validActor())).body.actor;
    expectError(await patch(actor.id, body), status);
    expect((await get(actor.id)).body.actor).toEqual(actor);
  });

  it('honours If-Match: 412 on a stale version, 200 on the current one', async () => {
    const actor = (await create(validActor())).body.actor;
    expectError(await patch(actor.id, { gender: 'x' }, { 'if-match': '"7"' }), 412);
    expect((await get(actor.id)).body.actor.version).toBe(1);
    expect((await patch(actor.id, { gender: 'x' }, { 'if-match': '"1"' })).status).toBe(200);
    expectError(await patch(actor.id, { gender: 'y' }, { 'if-match': 'not-a-tag' }), 400);
  });
});

describe('reading and deleting', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expectError(await get('01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
    expectError(await get('not-an-id'), 400);
    expectError(await get('01arz3ndektsv4rrffq69g5fav'), 400);
    expectError(await patch('01ARZ3NDEKTSV4RRFFQ69G5FAV', { gender: 'x' }), 404);
    expectError(await remove('01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
  });

  it('deletes the actor, uncounts it and frees the name', async () => {
    const actor = (await create(validActor())).body.actor;
    const before = await total('actors', director);
    expectError(await remove(actor.id, { 'if-match': '"2"' }), 412);
    const result = await remove(actor.id);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ success: true, deleted: actor.id });
    expect(await total('actors', director)).toBe(before - 1);
    expectError(await get(actor.id), 404);
    expect((await create({ ...validActor(), name: actor.name })).status).toBe(201);
  });
});
