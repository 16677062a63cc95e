/** The route table and serverless.yml must describe the same API. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { allowedMethods, ROUTES } from '../../lib/http/routes';

const config = parseDocument(readFileSync('serverless.yml', 'utf8'), {
  customTags: ['GetAtt', 'Join', 'Ref', 'Sub'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value })),
}).toJS() as { functions: Record<string, { handler: string; events: { httpApi: string | { method: string; path: string } }[] }> };

describe('routes', () => {
  it('serverless.yml wires exactly the routes of lib/http/routes.ts, plus the catch-all', () => {
    const wired = Object.entries(config.functions).flatMap(([name, fn]) =>
      fn.events.map((event) =>
        typeof event.httpApi === 'string' ? `${name} ${event.httpApi}` : `${name} ${event.httpApi.method} ${event.httpApi.path}`,
      ),
    );
    expect(wired.sort()).toEqual([...ROUTES.map((route) => `${route.function} ${route.method} ${route.path}`), 'notFound *'].sort());
  });

  it('gives every function its own handler file', () => {
    const handlers = Object.values(config.functions).map((fn) => fn.handler);
    expect(new Set(handlers).size).toBe(handlers.length);
  });

  it('knows which methods a path allows', () => {
    expect(allowedMethods('/api/v1/actors')).toEqual(['GET', 'POST']);
    expect(allowedMethods('/api/v1/movies/abc/actors/def')).toEqual(['PUT', 'DELETE']);
    expect(allowedMethods('/api/v1/movies/abc/actors')).toEqual(['GET']);
    expect(allowedMethods('/api/v1/nothing')).toEqual([]);
    expect(allowedMethods('/api/v1/actors/a/b')).toEqual([]);
    // An empty parameter is no path of the API: a 404, not a 405 that allows the very method used.
    expect(allowedMethods('/api/v1/movies//actors/def')).toEqual([]);
    expect(allowedMethods('/api/v1/actors/')).toEqual([]);
  });
});
