/**
 * The records the API returns (lib/validation/resources.ts), which openapi.json
 * and through it the contract tests are made of: the docs/endpoints.md#endpoints-with-examples responses fit
 * them, and records that break docs/endpoints.md#resources do not.
 */
import type * as z from 'zod/mini';
import { actorResource, errorResource, movieResource } from '../../lib/validation/resources';

// Copied from the responses shown in docs/endpoints.md#endpoints-with-examples and docs/endpoints.md#validation-and-limits.
const ACTOR = {
  id: '01M86WTD96T7T6CKMATQ3ZVNAW',
  name: 'Tom Hanks',
  gender: 'male',
  birth_date: '1956-07-09',
  age: 70,
  movie_ids: ['01M86WTDG57TYQ9BYQS054SJ2Q', '01M86WTDH3XYKFYVJNM1F1XQNN'],
  created_at: '2026-11-24T13:44:42.022Z',
  updated_at: '2026-11-24T13:44:42.275Z',
  version: 3,
};
const MOVIE = {
  id: '01M86WTDH3XYKFYVJNM1F1XQNN',
  title: 'Philadelphia',
  release_date: '1993-12-22',
  actor_ids: ['01M86WTD96T7T6CKMATQ3ZVNAW', '01M86WTD98ETKSTNETQVTV3MSR'],
  created_at: '2026-11-24T13:44:42.275Z',
  updated_at: '2026-11-24T13:44:42.275Z',
  version: 1,
};
const ERROR = { success: false, error: 412, message: 'The actor has changed: it is at version 2, not 1.', request_id: 'ff1fea83-4a3d-40d6-b78f-de882e0c0681' };

const fits = (schema: z.ZodMiniType, value: unknown): boolean => schema.safeParse(value).success;

describe('the records of docs/endpoints.md#resources', () => {
  it('fit the responses docs/endpoints.md#endpoints-with-examples shows', () => {
    expect(fits(actorResource, ACTOR)).toBe(true);
    expect(fits(actorResource, { ...ACTOR, age: 0, movie_ids: [], version: 1 })).toBe(true);
    expect(fits(movieResource, MOVIE)).toBe(true);
    expect(fits(movieResource, { ...MOVIE, actor_ids: [] })).toBe(true);
  });

  it('take timestamps as the API writes them (ISO 8601, UTC, milliseconds)', () => {
    expect(fits(actorResource, { ...ACTOR, updated_at: new Date(0).toISOString() })).toBe(true);
    for (const stamp of ['2026-11-24T13:44:42Z', '2026-11-24T13:44:42.022+01:00', '2026-11-24 13:44:42.022Z', 'x2026-11-24T13:44:42.022Z', '2026-11-24T13:44:42.022Zx']) {
      expect(fits(actorResource, { ...ACTOR, created_at: stamp })).toBe(false);
      expect(fits(movieResource, { ...MOVIE, updated_at: stamp })).toBe(false);
    }
  });

  it('start versions at 1 and count ages from 0, in whole numbers', () => {
    expect(fits(actorResource, { ...ACTOR, version: 0 })).toBe(false);
    expect(fits(movieResource, { ...MOVIE, version: 1.5 })).toBe(false);
    expect(fits(actorResource, { ...ACTOR, age: -1 })).toBe(false);
    expect(fits(actorResource, { ...ACTOR, age: 70.5 })).toBe(false);
  });

  it('hold ids only in their ULID form', () => {
    expect(fits(actorResource, { ...ACTOR, id: ACTOR.id.toLowerCase() })).toBe(false);
    expect(fits(actorResource, { ...ACTOR, movie_ids: ['tom'] })).toBe(false);
    expect(fits(movieResource, { ...MOVIE, actor_ids: [`${MOVIE.actor_ids[0]!}0`] })).toBe(false);
  });

  it('have no fields beyond those of docs/endpoints.md#resources', () => {
    expect(fits(actorResource, { ...ACTOR, nickname: 'Tom' })).toBe(false);
    expect(fits(movieResource, { ...MOVIE, rating: 5 })).toBe(false);
    const { age: _age, ...withoutAge } = ACTOR;
    expect(fits(actorResource, withoutAge)).toBe(false);
  });
});

describe('the error body of docs/endpoints.md#errors', () => {
  it('fits the examples of docs/endpoints.md, with and without details', () => {
    expect(fits(errorResource, ERROR)).toBe(true);
    expect(fits(errorResource, { ...ERROR, error: 422, details: [{ field: 'birth_date', message: 'must not be in the future' }] })).toBe(true);
  });

  it('is always a failure with a 4xx or 5xx status and a request id', () => {
    expect(fits(errorResource, { ...ERROR, success: true })).toBe(false);
    expect(fits(errorResource, { ...ERROR, error: 399 })).toBe(false);
    expect(fits(errorResource, { ...ERROR, error: 400 })).toBe(true);
    expect(fits(errorResource, { ...ERROR, error: 599 })).toBe(true);
    expect(fits(errorResource, { ...ERROR, error: 600 })).toBe(false);
    const { request_id: _id, ...withoutId } = ERROR;
    expect(fits(errorResource, withoutId)).toBe(false);
    expect(fits(errorResource, { ...ERROR, details: [{ field: 'name' }] })).toBe(false);
  });
});
