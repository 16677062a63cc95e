/**
 * The local stack answers as the deployed HTTP API does where
 * serverless-offline would answer by itself (CORS, Range, Cookie, raw URLs).
 * The suite's stack runs without ALLOWED_ORIGINS, as a fresh deploy does.
 */
import { apiUrl } from '../helpers/api';
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
