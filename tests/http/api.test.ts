/** The HTTP surface through serverless-offline: routing errors, headers, lists, and a race over the network. */
import { api, apiUrl, uniqueName } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

let producer: string;
beforeAll(async () => {
  producer = await roleToken('executive-producer');
});

describe('routing', () => {
  it.each(['/api/v1/nowhere', '/api/v2/actors', '/', '/api/v1/actors/ABC/extra', '/api/v1/movies//actors/01ARZ3NDEKTSV4RRFFQ69G5FAV'])('answers an unknown route %s with a JSON 404', async (path) => {
    const response = await api(path, { token: producer });
    expectError(response, 404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each([
    ['PUT', '/api/v1/actors', 'GET, POST'],
    ['POST', '/api/v1/actors/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'GET, PATCH, DELETE'],
    ['PATCH', '/api/v1/movies/01ARZ3NDEKTSV4RRFFQ69G5FAV/actors', 'GET'],
    ['GET', '/api/v1/movies/01ARZ3NDEKTSV4RRFFQ69G5FAV/actors/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'PUT, DELETE'],
    ['DELETE', '/api/v1/health', 'GET'],
    ['POST', '/api/v1/actors/deleted', 'GET, PATCH, DELETE'],
    ['GET', '/api/v1/movies/01ARZ3NDEKTSV4RRFFQ69G5FAV/restore', 'POST'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const response = await api(path, { method, token: producer });
    expectError(response, 405);
    expect(response.headers.allow).toBe(allow);
  });

  it('routes GET /actors/deleted to the list of deleted actors, not to an actor whose id would be "deleted"', async () => {
    const actor = (await api('/api/v1/actors', { method: 'POST', token: producer, body: { name: uniqueName('Routed'), gender: 'f', birth_date: '1990-01-01' } })).body.actor;
    expect((await api(`/api/v1/actors/${actor.id}`, { method: 'DELETE', token: producer })).status).toBe(200);
    const listed = await api('/api/v1/actors/deleted?limit=100', { token: producer });
    expect(listed.status).toBe(200);
    expect(listed.body.deleted_actors.map((entry: any) => entry.actor.id)).toContain(actor.id);
    expect((await api('/api/v1/movies/deleted', { token: producer })).status).toBe(200);
    // The other methods of that path reach /actors/{id}, where "deleted" is a malformed id.
    expect(expectError(await api('/api/v1/actors/deleted', { method: 'DELETE', token: producer }), 400).message).toMatch(/id/);
    const restored = await api(`/api/v1/actors/${actor.id}/restore`, { method: 'POST', token: producer });
    expect(restored.status).toBe(200);
    expect(restored.body.actor.id).toBe(actor.id);
  });
});

describe('headers', () => {
  it('marks authenticated answers no-store and sends security headers', async () => {
    const response = await api('/api/v1/actors', { token: producer });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('gives every error a request id', async () => {
    const [a, b] = [await api('/api/v1/actors'), await api('/api/v1/actors')];
    expect(a.body.request_id).not.toBe(b.body.request_id);
  });

  it('sends an ETag matching the version on single-resource answers', async () => {
    const created = await api('/api/v1/actors', { method: 'POST', token: producer, body: { name: uniqueName('Etag'), gender: 'f', birth_date: '1990-09-09' } });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/api/v1/actors/${created.body.actor.id}`);
  });
});

describe('request bodies over HTTP', () => {
  it.each(['POST /api/v1/actors', 'PATCH /api/v1/actors/01ARZ3NDEKTSV4RRFFQ69G5FAV'])('answers %s without a body with 400, not 500', async (route) => {
    const [method, path] = route.split(' ');
    const body = expectError(await api(path!, { method, token: producer, headers: { 'content-type': 'application/json' } }), 400);
    expect(body.message).toMatch(/empty/);
  });

  it.each([
    ['the JSON literal false', 'false', 'application/json', 422],
    ['the JSON literal 0', '0', 'application/json', 422],
    ['malformed JSON', '{"name":', 'application/json', 400],
    ['a non-JSON media type', '{}', 'text/plain', 415],
    ['a body over 64 KiB', JSON.stringify({ name: 'x'.repeat(66_000), gender: 'f', birth_date: '1990-01-01' }), 'application/json', 413],
  ])('answers %s', async (_what, body, contentType, status) => {
    expectError(await api('/api/v1/actors', { method: 'POST', token: producer, body, headers: { 'content-type': contentType } }), status);
  });
});

describe('lists', () => {
  it('pages through every movie exactly once, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      created.push((await api('/api/v1/movies', { method: 'POST', token: producer, body: { title: uniqueName('Paging'), release_date: '2005-05-05' } })).body.movie.id);
    }
    const pageThrough = async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${encodeURIComponent(cursor)}`;
        const response = await api(`/api/v1/movies${query}`, { token: producer });
        expect(response.status).toBe(200);
        expect(response.body.movies.length).toBeLessThanOrEqual(3);
        expect(typeof response.body.total).toBe('number');
        seen.push(...response.body.movies.map((movie: any) => movie.id));
        cursor = response.body.next_cursor;
        pages += 1;
      } while (cursor !== null && pages < 1000);
      return seen;
    };
    // The list index shows a write a moment later, as on DynamoDB: page through once it shows them all.
    const seen = await eventually(pageThrough, (ids) => created.every((id) => ids.includes(id)));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
    for (const id of created) expect(seen).toContain(id);
  });

  it('finds actors by the start of any word of the name, and reports total null when filtered', async () => {
    const suffix = uniqueName('').trim().replace(/\W/g, '').toLowerCase();
    const name = `Zelda Q${suffix} Hankerson`;
    await api('/api/v1/actors', { method: 'POST', token: producer, body: { name, gender: 'f', birth_date: '1980-01-01' } });
    const response = await eventually(
      () => api(`/api/v1/actors?q=${encodeURIComponent(`q${suffix.slice(0, 5).toUpperCase()}`)}`, { token: producer }),
      (answer) => answer.body.actors.length > 0,
    );
    expect(response.body.actors.map((actor: any) => actor.name)).toContain(name);
    expect(response.body.total).toBeNull();
  });

  it.each([
    'limit=0',
    'limit=101',
    'limit=abc',
    'limit=1.5',
    'min_age=-1',
    'min_age=50&max_age=40',
    'gender=',
    'cursor=tampered',
    'sort=name',
    'q=%20%20',
  ])('answers a bad query (%s) with 400 and details', async (query) => {
    const body = expectError(await api(`/api/v1/actors?${query}`, { token: producer }), 400);
    expect(body.details?.length ?? 0).toBeGreaterThan(0);
  });

  it('refuses a cursor replayed with other filters', async () => {
    const first = await api('/api/v1/actors?limit=1', { token: producer });
    const cursor = encodeURIComponent(first.body.next_cursor);
    expectError(await api(`/api/v1/actors?limit=1&gender=f&cursor=${cursor}`, { token: producer }), 400);
    expect((await api(`/api/v1/actors?limit=2&cursor=${cursor}`, { token: producer })).status).toBe(200);
  });
});

describe('concurrency over HTTP', () => {
  it('lets one of 20 simultaneous creates of one name through serverless-offline win', async () => {
    // serverless-offline starts a fresh instance per concurrent request: 20 cold starts at once on a loaded 2-core
    // machine can pass its 10 s Lambda timeout (504), which says nothing about the race. Warm 20 instances first with
    // requests that write nothing (422: no name), their answers not judged here.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${apiUrl()}/api/v1/actors`, {
          method: 'POST',
          headers: { authorization: `Bearer ${producer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ gender: 'f', birth_date: '1990-01-01' }),
        }).then((response) => response.arrayBuffer()),
      ),
    );
    const name = uniqueName('Network Race');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api('/api/v1/actors', { method: 'POST', token: producer, body: { name, gender: 'f', birth_date: '1990-01-01' } })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(19);
  });
});

describe('documentation', () => {
  it('serves the OpenAPI 3.1 document and a readable reference page without a token', async () => {
    const document = await api('/api/v1/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    const page = await api('/api/v1/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // Inline styles may apply, and exactly the page's own scripts (by hash) run; nothing loads from anywhere.
    const csp = page.headers['content-security-policy'];
    expect(csp).toMatch(/style-src 'unsafe-inline'/);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[\w+/=]+' 'sha256-[\w+/=]+';/);
    expect(csp).not.toMatch(/https?:|unsafe-eval|sandbox/);
    // The document is inline, as served at /openapi.json.
    expect(page.body).toContain(JSON.stringify(document.body.info.title));
    for (const path of Object.keys(document.body.paths)) expect(page.body).toContain(path);
  });
});
