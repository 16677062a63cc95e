/**
 * Every route of the API, with the function that serves it. serverless.yml
 * wires the same list (a test keeps the two equal); the catch-all function
 * uses it to tell an unknown path (404) from a known path with the wrong
 * method (405 + Allow).
 */
import type { Permission } from '../auth/permissions';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** The function's key in serverless.yml. */
  function: string;
  permission: Permission | null;
}

export const ROUTES: Route[] = [
  { method: 'GET', path: '/api/v1/health', function: 'health', permission: null },
  { method: 'GET', path: '/api/v1/openapi.json', function: 'openapi', permission: null },
  { method: 'GET', path: '/api/v1/docs', function: 'docs', permission: null },
  { method: 'GET', path: '/api/v1/actors', function: 'listActors', permission: 'get:actors' },
  { method: 'POST', path: '/api/v1/actors', function: 'createActor', permission: 'post:actors' },
  { method: 'GET', path: '/api/v1/actors/{id}', function: 'getActor', permission: 'get:actors' },
  { method: 'PATCH', path: '/api/v1/actors/{id}', function: 'updateActor', permission: 'patch:actors' },
  { method: 'DELETE', path: '/api/v1/actors/{id}', function: 'deleteActor', permission: 'delete:actors' },
  { method: 'GET', path: '/api/v1/actors/{id}/movies', function: 'getActorMovies', permission: 'get:actors' },
  { method: 'GET', path: '/api/v1/movies', function: 'listMovies', permission: 'get:movies' },
  { method: 'POST', path: '/api/v1/movies', function: 'createMovie', permission: 'post:movies' },
  { method: 'GET', path: '/api/v1/movies/{id}', function: 'getMovie', permission: 'get:movies' },
  { method: 'PATCH', path: '/api/v1/movies/{id}', function: 'updateMovie', permission: 'patch:movies' },
  { method: 'DELETE', path: '/api/v1/movies/{id}', function: 'deleteMovie', permission: 'delete:movies' },
  { method: 'GET', path: '/api/v1/movies/{id}/actors', function: 'getMovieCast', permission: 'get:movies' },
  { method: 'PUT', path: '/api/v1/movies/{id}/actors/{actor_id}', function: 'addMovieActor', permission: 'patch:movies' },
  { method: 'DELETE', path: '/api/v1/movies/{id}/actors/{actor_id}', function: 'removeMovieActor', permission: 'patch:movies' },
];

const segmentsMatch = (template: string, path: string): boolean => {
  const expected = template.split('/');
  const actual = path.split('/');
  return (
    expected.length === actual.length &&
    // A parameter needs a value: /movies//actors is no path of this API (API Gateway would not route it to {id} either).
    expected.every((segment, index) => (segment.startsWith('{') ? actual[index] !== '' : segment === actual[index]))
  );
};

/** The methods served at `path`; empty when no route has that path. */
export const allowedMethods = (path: string): string[] =>
  ROUTES.filter((route) => segmentsMatch(route.path, path)).map((route) => route.method);
