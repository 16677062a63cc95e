/** The route table and serverless.yml must describe the same API, and the table must say what the API does. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { allowedMethods, catchAll, errorStatuses, ROUTES, type Route, type RouteName } from '../../lib/http/routes';

const config = parseDocument(readFileSync('serverless.yml', 'utf8'), {
  customTags: ['GetAtt', 'Join', 'Ref', 'Sub'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value })),
}).toJS() as { functions: Record<string, { handler: string; events: { httpApi?: string | { method: string; path: string }; stream?: unknown }[] }> };

/** Functions not behind the HTTP API: the stream consumer that keeps `total`. */
const STREAM_FUNCTIONS = { countRecords: 'functions/streams/count-records.handler' };

describe('routes', () => {
  it('serverless.yml wires exactly the routes of lib/http/route-table.ts, plus the catch-all', () => {
    const wired = Object.entries(config.functions).flatMap(([name, fn]) =>
      fn.events.flatMap((event) =>
        event.httpApi === undefined ? [] : typeof event.httpApi === 'string' ? [`${name} ${event.httpApi}`] : [`${name} ${event.httpApi.method} ${event.httpApi.path}`],
      ),
    );
    expect(wired.sort()).toEqual([...ROUTES.map((route) => `${route.function} ${route.method} ${route.path}`), `${catchAll.function} *`].sort());
  });

  it('gives every function the handler file the table names, built from its own entry', () => {
    const handlers = Object.fromEntries(Object.entries(config.functions).map(([name, fn]) => [name, fn.handler]));
    const builders: Record<string, { file: string; call: string }> = {
      ...Object.fromEntries(ROUTES.map((route) => [route.function, { file: route.handler, call: `operation(routes.${route.function},` }])),
      [catchAll.function]: { file: catchAll.handler, call: 'operation(catchAll,' },
    };
    for (const [name, { file, call }] of Object.entries(builders)) {
      expect({ name, handler: handlers[name] }).toEqual({ name, handler: `${file.replace(/\.ts$/, '')}.handler` });
      // Read, not imported: importing a handler would set up its database client. A copied file that kept another route's entry fails here.
      expect({ file, calls: readFileSync(file, 'utf8').includes(call) }).toEqual({ file, calls: true });
    }
    expect(new Set(Object.values(handlers)).size).toBe(Object.keys(handlers).length);
    const withoutRoute = Object.keys(handlers).filter((name) => !(name in builders));
    expect(Object.fromEntries(withoutRoute.map((name) => [name, handlers[name]]))).toEqual(STREAM_FUNCTIONS);
    for (const name of withoutRoute) expect(config.functions[name]!.events.every((event) => event.stream !== undefined)).toBe(true);
  });

  it('knows which methods a path allows, in a fixed order', () => {
    expect(allowedMethods('/api/v1/actors')).toEqual(['GET', 'POST']);
    expect(allowedMethods('/api/v1/actors/abc')).toEqual(['GET', 'PATCH', 'DELETE']);
    expect(allowedMethods('/api/v1/movies/abc/actors/def')).toEqual(['PUT', 'DELETE']);
    expect(allowedMethods('/api/v1/movies/abc/actors')).toEqual(['GET']);
    // The list of deleted actors is a literal path beside /actors/{id}, whose methods also reach it (a PATCH there is a 400: no id).
    expect(allowedMethods('/api/v1/actors/deleted')).toEqual(['GET', 'PATCH', 'DELETE']);
    expect(allowedMethods('/api/v1/movies/abc/restore')).toEqual(['POST']);
    expect(allowedMethods('/api/v1/nothing')).toEqual([]);
    expect(allowedMethods('/api/v1/actors/a/b')).toEqual([]);
    // An empty parameter is no path of the API: a 404, not a 405 that allows the very method used.
    expect(allowedMethods('/api/v1/movies//actors/def')).toEqual([]);
    expect(allowedMethods('/api/v1/actors/')).toEqual([]);
  });

  it('answers each route with exactly the error statuses docs/endpoints.md#endpoints-with-examples and docs/endpoints.md#errors allow it', () => {
    // Written out, not derived: a GET by id can be a 404 but never a 409 or 412; only writes with a body see 413/415.
    const PUBLIC = [400, 500];
    const READ = [400, 401, 403, 404, 500, 503];
    const EXPECTED: Record<RouteName, number[]> = {
      health: PUBLIC,
      openapi: PUBLIC,
      docs: PUBLIC,
      listActors: READ, // not_in_movie names a movie
      listMovies: [400, 401, 403, 500, 503],
      getActor: READ,
      getMovie: READ,
      getActorMovies: READ,
      getMovieCast: READ,
      createActor: [400, 401, 403, 409, 413, 415, 422, 500, 503],
      createMovie: [400, 401, 403, 409, 413, 415, 422, 500, 503],
      updateActor: [400, 401, 403, 404, 409, 412, 413, 415, 422, 500, 503],
      updateMovie: [400, 401, 403, 404, 409, 412, 413, 415, 422, 500, 503],
      deleteActor: [400, 401, 403, 404, 412, 500, 503],
      deleteMovie: [400, 401, 403, 404, 412, 500, 503],
      listDeletedActors: [400, 401, 403, 500, 503],
      listDeletedMovies: [400, 401, 403, 500, 503],
      // 409: the name (or title and date) was taken meanwhile; 422: an Idempotency-Key reused for another id.
      restoreActor: [400, 401, 403, 404, 409, 422, 500, 503],
      restoreMovie: [400, 401, 403, 404, 409, 422, 500, 503],
      addMovieActor: [400, 401, 403, 404, 412, 422, 500, 503],
      removeMovieActor: [400, 401, 403, 404, 412, 500, 503],
    };
    expect(Object.fromEntries(ROUTES.map((route) => [route.function, errorStatuses(route)]))).toEqual(EXPECTED);
  });

  it('puts each created record where a GET of the same kind serves it', () => {
    const created = ROUTES.flatMap((route) => (route.response.kind === 'created' ? [route.response] : []));
    expect(created.map((response) => response.resource).sort()).toEqual(['actor', 'movie']);
    for (const { resource, location } of created) {
      expect(ROUTES.filter((route) => route.method === 'GET' && route.path === location).map((route) => route.response)).toEqual([
        { kind: 'record', resource },
      ]);
    }
  });

  it('lets the conditional and idempotent headers reach exactly the writes docs/endpoints.md#endpoints-with-examples names', () => {
    const names = (has: (route: Route) => boolean | undefined) => ROUTES.filter(has).map((route) => route.function).sort();
    expect(names((route) => route.ifMatch)).toEqual(
      ['updateActor', 'deleteActor', 'updateMovie', 'deleteMovie', 'addMovieActor', 'removeMovieActor'].sort(),
    );
    expect(names((route) => route.idempotencyKey)).toEqual(['createActor', 'createMovie', 'restoreActor', 'restoreMovie']);
  });
});
