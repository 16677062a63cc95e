/**
 * The local stack answers as the deployed HTTP API does where
 * serverless-offline would answer by itself (CORS, Range, Cookie, raw URLs,
 * duplicate headers).
 * The suite's stack runs without ALLOWED_ORIGINS, as a fresh deploy does.
 */
import { request } from 'node:http';
import { ROUTES } from '../../lib/http/routes';
import { api, apiUrl, uniqueName } from '../helpers/api';
import { getWithRawBytes, sendRaw } from '../helpers/raw-http';
import { roleToken } from '../helpers/tokens';

const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

it('sends no CORS headers without ALLOWED_ORIGINS, whatever the Origin', async () => {
  const token = await roleToken('casting-assistant');
  const response = await fetch(`${apiUrl()}/api/v1/actors?limit=1`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(corsHeaders(response)).toEqual([]);
});

it('lets a preflight reach the routes without CORS configured: 405 with Allow, in the JSON error format', async () => {
  const response = await fetch(`${apiUrl()}/api/v1/actors`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  });
  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe('GET, POST');
  expect(await response.json()).toMatchObject({ success: false, error: 405 });
  expect(corsHeaders(response)).toEqual([]);
});

it('ignores Range: the whole response, 200', async () => {
  const response = await fetch(`${apiUrl()}/api/v1/health`, { headers: { range: 'bytes=0-3' } });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ success: true, status: 'ok' });
});

it('ignores a malformed Cookie header', async () => {
  const response = await fetch(`${apiUrl()}/api/v1/health`, { headers: { cookie: '=;;==bad"' } });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ success: true, status: 'ok' });
});

it("answers a raw non-ASCII character in the URL with API Gateway's JSON 400, not an empty body", async () => {
  const raw = await sendRaw(apiUrl(), getWithRawBytes('/api/v1/nowhere/', 'é'));
  expect(raw.statusLine).toBe('HTTP/1.1 400 Bad Request');
  expect(JSON.parse(raw.body)).toEqual({ message: 'Bad Request' });
});

/** A request carrying Authorization twice, which neither fetch nor Headers can send (they join them first). */
const withTwoAuthorizations = (
  method: string,
  path: string,
  values: [string, string],
  body?: unknown,
): Promise<{ status: number; wwwAuthenticate: string | undefined; body: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, apiUrl());
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // An array value goes out as one header line per element.
    const headers = {
      Authorization: values, // (capitalised: the typings allow one value for the lower-case name only)
      ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
    };
    const outgoing = request({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, wwwAuthenticate: response.headers['www-authenticate'], body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });

/** A valid body for the operations that take one; the token is checked first, so nothing else matters. */
const BODIES: Partial<Record<string, unknown>> = {
  createActor: { name: 'Twice Authorized', gender: 'female', birth_date: '1970-01-01' },
  updateActor: { gender: 'male' },
  createMovie: { title: 'Twice Authorized', release_date: '2000-01-01' },
  updateMovie: { release_date: '2001-01-01' },
};

// Ids that exist: with the second header dropped, as serverless-offline alone does, each request would succeed.
describe('Authorization sent twice: API Gateway joins the values with a comma, which is no "Bearer <token>": 401', () => {
  const protectedRoutes = ROUTES.filter((route) => route.permission !== null);
  let ids: { id: string; actorId: string };

  beforeAll(async () => {
    const producer = await roleToken('executive-producer');
    const actor = (await api('/api/v1/actors', { method: 'POST', token: producer, body: { name: uniqueName('Twice'), gender: 'f', birth_date: '1980-01-01' } })).body.actor;
    const movie = (await api('/api/v1/movies', { method: 'POST', token: producer, body: { title: uniqueName('Twice'), release_date: '2000-01-01' } })).body.movie;
    ids = { id: movie.id, actorId: actor.id };
  });

  it('covers the 18 operations that need a token', () => {
    expect(protectedRoutes).toHaveLength(18);
  });

  it.each(protectedRoutes.map((route) => [route.function, route] as const))('%s', async (_name, route) => {
    const producer = await roleToken('executive-producer');
    const id = route.path.startsWith('/api/v1/actors/') ? ids.actorId : ids.id;
    const path = route.path.replace('{id}', id).replace('{actor_id}', ids.actorId);
    for (const values of [[`Bearer ${producer}`, 'Bearer garbage'], ['Bearer garbage', `Bearer ${producer}`]] as [string, string][]) {
      const answer = await withTwoAuthorizations(route.method, path, values, BODIES[route.function]);
      expect(answer.status).toBe(401);
      expect(answer.wwwAuthenticate).toBe('Bearer error="invalid_token"');
      expect(JSON.parse(answer.body)).toMatchObject({ success: false, error: 401, message: 'The Authorization header must be "Bearer <token>".' });
    }
  });

  it('a public operation ignores the header, joined or not', async () => {
    const answer = await withTwoAuthorizations('GET', '/api/v1/health', ['Bearer a', 'Bearer b']);
    expect(answer.status).toBe(200);
  });
});
