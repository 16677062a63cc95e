/** lib/http/static-document.ts: conditional and compressed answers for the documents. */
import { gunzipSync } from 'node:zlib';
import { staticDocument } from '../../lib/http/static-document';

const BODY = '{"openapi":"3.1.0"}'.repeat(200);
const respond = staticDocument(BODY, 'application/json; charset=utf-8');
const tag = respond({}).headers.ETag!;

describe('staticDocument', () => {
  it('answers 200 with the body, a strong ETag, Cache-Control and Vary', () => {
    const response = respond({});
    expect(response).toMatchObject({ statusCode: 200, body: BODY });
    expect(response.headers).toEqual({
      ETag: expect.stringMatching(/^"[A-Za-z0-9_-]{43}"$/),
      'Cache-Control': 'public, max-age=300',
      Vary: 'Accept-Encoding',
      'Content-Type': 'application/json; charset=utf-8',
    });
  });

  it('gives another body another tag', () => {
    expect(staticDocument(`${BODY} `, 'text/plain')({}).headers.ETag).not.toBe(tag);
  });

  it.each([tag, `W/${tag}`, `"other", ${tag}`, '*'])('answers 304 with no body to If-None-Match: %s', (ifNoneMatch) => {
    const response = respond({ 'if-none-match': ifNoneMatch });
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
    expect(response.headers.ETag).toBe(tag);
    expect(response.headers['Content-Type']).toBeUndefined();
  });

  it.each(['"other"', tag.slice(0, -2) + '"', ''])('answers 200 to If-None-Match: %s', (ifNoneMatch) => {
    expect(respond({ 'if-none-match': ifNoneMatch }).statusCode).toBe(200);
  });

  it.each(['gzip', 'GZIP', 'deflate, gzip;q=0.5, br', '*'])('gzips for Accept-Encoding: %s', (acceptEncoding) => {
    const response = respond({ 'accept-encoding': acceptEncoding });
    expect(response).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'Content-Encoding': 'gzip' } });
    expect(gunzipSync(Buffer.from(response.body, 'base64')).toString('utf8')).toBe(BODY);
  });

  it.each(['identity', 'br, deflate', 'gzip;q=0', 'gzip; q=0.0', ''])('sends it plain for Accept-Encoding: %s', (acceptEncoding) => {
    const response = respond({ 'accept-encoding': acceptEncoding });
    expect(response.headers['Content-Encoding']).toBeUndefined();
    expect(response.body).toBe(BODY);
  });
});
