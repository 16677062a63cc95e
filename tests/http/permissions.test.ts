/**
 * Every endpoint × {no token, each role, a token with no permissions} through
 * serverless-offline, asserting 401 / 403 / success exactly as the contract
 * says (README.md#roles-and-permissions and docs/endpoints.md#endpoints-with-examples). The expectations are written out below, not
 * derived from lib/auth/permissions.ts or lib/http/routes.ts: a wrong grant
 * there must fail here.
 */
import { type RoleSlug } from '../../lib/auth/permissions';
import { ROUTES, type Route } from '../../lib/http/routes';
import { api, uniqueName } from '../helpers/api';
import { customToken, roleToken } from '../helpers/tokens';

type Caller = 'anonymous' | RoleSlug | 'no-permissions';
const CALLERS: Caller[] = ['anonymous', 'casting-assistant', 'casting-director', 'executive-producer', 'no-permissions'];

const [CA, CD, EP] = ['casting-assistant', 'casting-director', 'executive-producer'] as const;
/** Each endpoint: the permission it needs (null: public) and the roles that hold it. */
const CONTRACT: Record<string, { permission: string | null; roles: readonly RoleSlug[] }> = {
  'GET /api/v1/health': { permission: null, roles: [CA, CD, EP] },
  'GET /api/v1/openapi.json': { permission: null, roles: [CA, CD, EP] },
  'GET /api/v1/docs': { permission: null, roles: [CA, CD, EP] },
  'GET /api/v1/actors': { permission: 'get:actors', roles: [CA, CD, EP] },
  'GET /api/v1/actors/{id}': { permission: 'get:actors', roles: [CA, CD, EP] },
  'GET /api/v1/actors/{id}/movies': { permission: 'get:actors', roles: [CA, CD, EP] },
  'POST /api/v1/actors': { permission: 'post:actors', roles: [CD, EP] },
  'PATCH /api/v1/actors/{id}': { permission: 'patch:actors', roles: [CD, EP] },
  'DELETE /api/v1/actors/{id}': { permission: 'delete:actors', roles: [CD, EP] },
  'GET /api/v1/actors/deleted': { permission: 'get:actors', roles: [CA, CD, EP] },
  'POST /api/v1/actors/{id}/restore': { permission: 'delete:actors', roles: [CD, EP] },
  'GET /api/v1/movies': { permission: 'get:movies', roles: [CA, CD, EP] },
  'GET /api/v1/movies/{id}': { permission: 'get:movies', roles: [CA, CD, EP] },
  'GET /api/v1/movies/{id}/actors': { permission: 'get:movies', roles: [CA, CD, EP] },
  'POST /api/v1/movies': { permission: 'post:movies', roles: [EP] },
  'PATCH /api/v1/movies/{id}': { permission: 'patch:movies', roles: [CD, EP] },
  'PUT /api/v1/movies/{id}/actors/{actor_id}': { permission: 'patch:movies', roles: [CD, EP] },
  'DELETE /api/v1/movies/{id}/actors/{actor_id}': { permission: 'patch:movies', roles: [CD, EP] },
  'DELETE /api/v1/movies/{id}': { permission: 'delete:movies', roles: [EP] },
  'GET /api/v1/movies/deleted': { permission: 'get:movies', roles: [CA, CD, EP] },
  'POST /api/v1/movies/{id}/restore': { permission: 'delete:movies', roles: [EP] },
};
const contractOf = (route: Route) => CONTRACT[`${route.method} ${route.path}`]!;

it('covers every route the API serves, and no other', () => {
  expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(Object.keys(CONTRACT).sort());
});

const tokens: Partial<Record<Caller, string>> = {};
let producer: string;

beforeAll(async () => {
  for (const role of [CA, CD, EP]) tokens[role] = await roleToken(role);
  tokens['no-permissions'] = await customToken({ permissions: [] });
  producer = tokens['executive-producer']!;
});

const newActor = async () =>
  (await api('/api/v1/actors', { method: 'POST', token: producer, body: { name: uniqueName('Matrix'), gender: 'f', birth_date: '1980-01-01' } })).body.actor;
const newMovie = async (actorIds: string[] = []) =>
  (await api('/api/v1/movies', { method: 'POST', token: producer, body: { title: uniqueName('Matrix'), release_date: '2000-01-01', actor_ids: actorIds } })).body.movie;

/** A fresh, valid request for the route, and the status it earns when permitted. */
const requestFor = async (route: Route): Promise<{ path: string; body?: unknown; success: number }> => {
  switch (route.function) {
    case 'createActor':
      return { path: route.path, body: { name: uniqueName('Matrix'), gender: 'm', birth_date: '1970-01-01' }, success: 201 };
    case 'createMovie':
      return { path: route.path, body: { title: uniqueName('Matrix'), release_date: '1999-01-01' }, success: 201 };
    case 'getActor':
    case 'getActorMovies':
    case 'deleteActor':
      return { path: route.path.replace('{id}', (await newActor()).id), success: 200 };
    case 'updateActor':
      return { path: route.path.replace('{id}', (await newActor()).id), body: { gender: 'updated' }, success: 200 };
    case 'getMovie':
    case 'deleteMovie':
    case 'getMovieCast':
      return { path: route.path.replace('{id}', (await newMovie()).id), success: 200 };
    case 'updateMovie':
      return { path: route.path.replace('{id}', (await newMovie()).id), body: { release_date: '1998-01-01' }, success: 200 };
    case 'restoreActor': {
      const { id } = await newActor();
      await api(`/api/v1/actors/${id}`, { method: 'DELETE', token: producer });
      return { path: route.path.replace('{id}', id), success: 200 };
    }
    case 'restoreMovie': {
      const { id } = await newMovie();
      await api(`/api/v1/movies/${id}`, { method: 'DELETE', token: producer });
      return { path: route.path.replace('{id}', id), success: 200 };
    }
    case 'addMovieActor': {
      const [actor, movie] = [await newActor(), await newMovie()];
      return { path: route.path.replace('{id}', movie.id).replace('{actor_id}', actor.id), success: 200 };
    }
    case 'removeMovieActor': {
      const actor = await newActor();
      const movie = await newMovie([actor.id]);
      return { path: route.path.replace('{id}', movie.id).replace('{actor_id}', actor.id), success: 200 };
    }
    default:
      return { path: route.path, success: 200 };
  }
};

const expectedStatus = (route: Route, caller: Caller, success: number): number => {
  const { permission, roles } = contractOf(route);
  if (permission === null) return success;
  if (caller === 'anonymous') return 401;
  if (caller === 'no-permissions') return 403;
  return roles.includes(caller) ? success : 403;
};

const cases = ROUTES.flatMap((route) => CALLERS.map((caller) => [`${route.method} ${route.path}`, caller, route] as const));

it.each(cases)('%s as %s', async (_name, caller, route) => {
  const request = await requestFor(route);
  const response = await api(request.path, { method: route.method, token: tokens[caller], body: request.body });
  const expected = expectedStatus(route, caller, request.success);
  expect({ status: response.status, body: response.body }).toEqual({ status: expected, body: expect.anything() });
  if (expected === 401) {
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).toMatchObject({ success: false, error: 401, request_id: expect.any(String) });
  } else if (expected === 403) {
    expect(response.body).toMatchObject({ success: false, error: 403, message: expect.stringContaining(contractOf(route).permission!) });
  } else if (route.function === 'openapi') {
    expect(response.body.openapi).toBe('3.1.0');
  } else if (route.function === 'docs') {
    expect(response.body).toContain('<title>Ensemble API reference</title>');
  } else {
    expect(response.body.success).toBe(true);
  }
});
