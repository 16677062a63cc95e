/**
 * GET /api/v1/openapi.json and /api/v1/docs: cacheable (ETag, 304 on
 * If-None-Match, Cache-Control) and gzip-compressed for clients that accept it.
 */
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { api, apiUrl } from '../helpers/api';

/** A raw GET, so the body arrives exactly as sent (fetch would undo the gzip itself). */
const rawGet = (path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const url = new URL(path, apiUrl());
    const outgoing = request({ host: url.hostname, port: url.port, path: url.pathname, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode!, headers: incoming.headers, body: Buffer.concat(chunks) }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });

describe.each(['/api/v1/openapi.json', '/api/v1/docs'])('%s', (path) => {
  it('carries a strong ETag and Cache-Control, and answers 304 with no body to If-None-Match naming it', async () => {
    const first = await api(path);
    expect(first.status).toBe(200);
    const tag = first.headers.etag!;
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const again = await api(path, { headers: { 'if-none-match': tag } });
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(tag);
    expect(again.body).toBe('');
    expect((await api(path, { headers: { 'if-none-match': 'W/' + tag } })).status).toBe(304);
    expect((await api(path, { headers: { 'if-none-match': '"something-else"' } })).status).toBe(200);
  });

  it('is gzip-compressed for a client that accepts it, and plain for one that does not', async () => {
    const plain = await rawGet(path, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const compressed = await rawGet(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers.vary).toContain('Accept-Encoding');
    expect(compressed.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(compressed.body).equals(plain.body)).toBe(true);
    expect((await rawGet(path, { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
  });
});
