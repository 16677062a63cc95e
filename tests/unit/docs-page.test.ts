/**
 * The reference page of lib/http/docs-page.ts is built on the first request,
 * not at cold start: Swagger UI's files are read then, once per instance,
 * and the Content-Security-Policy names the hashes of the page it served.
 * Swagger UI's files are stand-ins here, except where the real package is read.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { docsPageOnFirstRequest, readSwaggerUi } from '../../lib/http/docs-page';

const OPENAPI = { info: { title: 'Ensemble API' } };
const STAND_IN = { bundle: 'window.SwaggerUIBundle = function () {};', css: 'body { color: black }' };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

describe('docsPageOnFirstRequest', () => {
  it('reads Swagger UI on the first request only, and serves the same page after', () => {
    let reads = 0;
    const page = docsPageOnFirstRequest(OPENAPI, () => {
      reads += 1;
      return STAND_IN;
    });
    expect(reads).toBe(0);
    const first = page.respond({});
    expect(reads).toBe(1);
    expect(first.statusCode).toBe(200);
    expect(first.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(first.body).toContain(`<script>${STAND_IN.bundle}</script>`);
    expect(first.body).toContain(`<style>${STAND_IN.css}</style>`);
    expect(page.respond({ 'if-none-match': first.headers.ETag }).statusCode).toBe(304);
    expect(page.respond({}).body).toBe(first.body);
    expect(reads).toBe(1);
  });

  it('names the served bundle in script-src, with the policy’s other directives as they were', () => {
    const page = docsPageOnFirstRequest(OPENAPI, () => STAND_IN);
    const body = page.respond({}).body;
    const scripts = [...body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => `'sha256-${sha256(match[1]!)}'`);
    expect(scripts).toHaveLength(2);
    expect({ ...page.contentSecurityPolicy }).toEqual({
      'script-src': scripts.join(' '),
      'style-src': "'unsafe-inline'",
      'img-src': 'data:',
      'connect-src': "'self'",
      sandbox: false,
      'require-trusted-types-for': false,
      'trusted-types': false,
      'navigate-to': false,
    });
  });
});

describe('readSwaggerUi', () => {
  it('reads the installed swagger-ui-dist files', () => {
    const files = readSwaggerUi();
    expect(files.bundle).toBe(readFileSync('node_modules/swagger-ui-dist/swagger-ui-bundle.js', 'utf8'));
    expect(files.css).toBe(readFileSync('node_modules/swagger-ui-dist/swagger-ui.css', 'utf8'));
  });
});
