/** The contract checker the HTTP tests rely on (tests/helpers/contract.ts) catches what it must, and only that. */
import { checkContract, compileEveryResponseSchema, ContractError, templateFor } from '../helpers/contract';

const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const actor = {
  id: ID,
  name: 'Tom Hanks',
  gender: 'male',
  birth_date: '1956-07-09',
  age: 70,
  movie_ids: [],
  created_at: '2026-11-24T13:44:42.022Z',
  updated_at: '2026-11-24T13:44:42.022Z',
  version: 1,
};
const error = (status: number) => ({ success: false, error: status, message: 'No.', request_id: 'r-1' });

const check = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  checkContract({ method, path, status, headers: new Headers({ ...JSON_TYPE, ...headers }), text: typeof body === 'string' ? body : JSON.stringify(body) });

describe('checkContract', () => {
  it('compiles every response and header schema of openapi.json with strict ajv', () => {
    expect(compileEveryResponseSchema()).toBeGreaterThan(100);
  });

  it('finds path templates, literal segments first', () => {
    expect(templateFor(`/api/v1/actors/${ID}`)).toBe('/api/v1/actors/{id}');
    expect(templateFor(`/api/v1/movies/${ID}/actors/${ID}`)).toBe('/api/v1/movies/{id}/actors/{actor_id}');
    expect(templateFor('/api/v1/actors')).toBe('/api/v1/actors');
    expect(templateFor('/api/v1/actors/')).toBe('/api/v1/actors');
    expect(templateFor('/api/v1/actors/a/b')).toBeUndefined();
  });

  it('accepts documented responses', () => {
    expect(check('GET', `/api/v1/actors/${ID}`, 200, { success: true, actor }, { etag: '"1"' })).not.toThrow();
    expect(check('POST', '/api/v1/actors', 201, { success: true, actor }, { etag: '"1"', location: `/api/v1/actors/${ID}` })).not.toThrow();
    expect(check('GET', '/api/v1/actors?limit=1', 200, { success: true, actors: [actor], total: 1, next_cursor: null })).not.toThrow();
    expect(check('GET', '/api/v1/actors', 401, error(401), { 'www-authenticate': 'Bearer' })).not.toThrow();
    expect(check('GET', '/api/v1/nowhere', 404, error(404))).not.toThrow();
    expect(check('PUT', '/api/v1/actors', 405, error(405), { allow: 'GET, POST' })).not.toThrow();
    expect(check('HEAD', `/api/v1/movies/./actors/${ID}`, 404, '')).not.toThrow();
    expect(check('GET', '/api/v1/docs', 200, '<!doctype html>', { 'content-type': 'text/html; charset=utf-8', etag: '"abc_-1"', 'cache-control': 'public, max-age=300' })).not.toThrow();
    expect(check('GET', '/api/v1/docs', 304, '', { etag: '"abc_-1"', 'cache-control': 'public, max-age=300' })).not.toThrow();
  });

  it.each([
    ['a body that breaks the schema', check('GET', `/api/v1/actors/${ID}`, 200, { success: true, actor: { ...actor, age: '70' } }, { etag: '"1"' }), /body\/actor\/age must be integer/],
    ['an undocumented field', check('GET', `/api/v1/actors/${ID}`, 200, { success: true, actor, extra: 1 }, { etag: '"1"' }), /additional properties/],
    ['a missing required header', check('GET', `/api/v1/actors/${ID}`, 200, { success: true, actor }), /ETag header .* is missing/],
    ['a malformed header', check('GET', `/api/v1/actors/${ID}`, 200, { success: true, actor }, { etag: 'W/"1"' }), /header ETag/],
    ['an undocumented status', check('GET', '/api/v1/health', 404, error(404)), /does not document a 404/],
    ['an error whose code is not its status', check('GET', '/api/v1/actors', 403, error(401), { 'www-authenticate': 'Bearer' }), /body\/error must be equal to constant/],
    ['another status on an unknown path', check('GET', '/api/v1/nowhere', 200, { success: true }), /must be a 404/],
    ['a 405 without Allow', check('PUT', '/api/v1/actors', 405, error(405)), /Allow header/],
    ['an undocumented method answered otherwise', check('PUT', '/api/v1/actors', 404, error(404)), /must be a 405/],
    ['another media type', check('GET', '/api/v1/health', 200, { success: true, status: 'ok' }, { 'content-type': 'text/plain' }), /Content-Type/],
    ['a body that is not JSON', check('GET', '/api/v1/health', 200, 'ok'), /not JSON/],
  ])('rejects %s', (_what, run, message) => {
    expect(run).toThrow(ContractError);
    expect(run).toThrow(message);
  });
});
