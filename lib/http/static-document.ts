/**
 * Responses for the documents that never change within a deployed version
 * (the OpenAPI document and the reference page): a strong ETag, so a client
 * that has the document gets a 304; five minutes of caching; and gzip for
 * clients that accept it. The body is hashed and compressed once per
 * instance, on first need, not at cold start (where every other function's
 * bar applies too) and not per request, which is what
 * @middy/http-content-encoding would do: tens of milliseconds each for the
 * 2 MB page.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ApiResponse } from './responses';

const CACHE_CONTROL = 'public, max-age=300';

/** `If-None-Match` names this tag (or `*`); weak comparison, as RFC 9110 asks for this header. */
const matches = (ifNoneMatch: string | undefined, tag: string): boolean =>
  ifNoneMatch !== undefined &&
  ifNoneMatch.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value.replace(/^W\//, '') === tag;
  });

/** `Accept-Encoding` allows gzip: listed (or `*`) without `q=0`. */
const acceptsGzip = (acceptEncoding: string | undefined): boolean =>
  (acceptEncoding ?? '').split(',').some((entry) => {
    const [coding, ...parameters] = entry.trim().toLowerCase().split(';');
    const zeroQuality = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    return (coding === 'gzip' || coding === '*') && !zeroQuality;
  });

/** Serves `body` as `contentType`, answering each request from its `If-None-Match` and `Accept-Encoding`. */
export const staticDocument = (body: string, contentType: string) => {
  let tag: string | undefined;
  let gzipped: string | undefined;
  return (headers: Record<string, string | undefined>): ApiResponse => {
    tag ??= `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;
    const common = { ETag: tag, 'Cache-Control': CACHE_CONTROL, Vary: 'Accept-Encoding' };
    if (matches(headers['if-none-match'], tag)) return { statusCode: 304, headers: common, body: '' };
    if (!acceptsGzip(headers['accept-encoding'])) return { statusCode: 200, headers: { ...common, 'Content-Type': contentType }, body };
    gzipped ??= gzipSync(body).toString('base64');
    return {
      statusCode: 200,
      headers: { ...common, 'Content-Type': contentType, 'Content-Encoding': 'gzip' },
      body: gzipped,
      isBase64Encoded: true,
    };
  };
};
