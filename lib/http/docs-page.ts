/**
 * The API reference page: Swagger UI rendering the OpenAPI document in the
 * browser, with its built-in client, so a developer can paste a bearer
 * token ("Authorize") and send any request ("Try it out"). Everything is
 * inline in the one HTML response (no CDN, no second request), and the
 * page's Content-Security-Policy lets exactly its own two scripts run, load
 * nothing from anywhere, and send requests only to this API.
 *
 * Swagger UI's 1.9 MB are files packaged next to the function's bundle
 * (serverless.yml, `docs`), read on the first request: imported, they made
 * the bundle 2 MB and its cold init the one over the bar (BENCHMARKS.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ApiResponse } from './responses';
import { staticDocument } from './static-document';

export interface DocsPage {
  html: string;
  /** CSP directives over the defaults of @middy/http-security-headers (`false` drops one). */
  contentSecurityPolicy: Record<string, string | false>;
}

const hashSource = (script: string): string => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/**
 * Script or style text that cannot end or confuse its element: the HTML
 * tokenizer reacts to "</script", "<script", "</style" and "<!--" inside
 * one. In the bundles they occur only inside string and regular-expression
 * literals (or CSS strings), where "\x3C" means the same "<".
 */
const inlineText = (text: string): string => text.replace(/<(?=\/?script|\/style|!--)/gi, '\\x3C');

/** JSON that can sit in a <script type="application/json"> block: "\u003c" is the same "<" to JSON.parse. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const SWAGGER_UI_OPTIONS = {
  dom_id: '#reference',
  deepLinking: true,
  // Swagger UI would otherwise send the document to validator.swagger.io for a badge.
  validatorUrl: null,
  // Each operation shows how long its request took; tokens are not kept across reloads.
  displayRequestDuration: true,
  persistAuthorization: false,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
};

// Reads the document from the JSON block above it; marks the page when Swagger UI has rendered (the browser test waits for it).
const INIT = `(() => {
  const spec = JSON.parse(document.getElementById('openapi').textContent);
  window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(SWAGGER_UI_OPTIONS)}, {
    spec,
    presets: [SwaggerUIBundle.presets.apis],
    onComplete: () => { document.body.dataset.rendered = 'true'; },
  }));
})();`;

/** The texts of swagger-ui-dist's swagger-ui-bundle.js and swagger-ui.css. */
export interface SwaggerUiFiles {
  bundle: string;
  css: string;
}

/**
 * Swagger UI's files wherever Node finds the package from here: in the
 * Lambda package (node_modules/swagger-ui-dist beside functions/), or in
 * the repository's node_modules locally.
 */
export const readSwaggerUi = (): SwaggerUiFiles => {
  const resolvePackaged = createRequire(import.meta.url).resolve;
  return {
    bundle: readFileSync(resolvePackaged('swagger-ui-dist/swagger-ui-bundle.js'), 'utf8'),
    css: readFileSync(resolvePackaged('swagger-ui-dist/swagger-ui.css'), 'utf8'),
  };
};

/** The page's directives besides `script-src`. */
const POLICY: Record<string, string | false> = {
  // Swagger UI (React) sets style attributes at run time; styles cannot run code.
  'style-src': "'unsafe-inline'",
  // Its icons are data: URLs in its stylesheet.
  'img-src': 'data:',
  // "Try it out" sends requests to this API only.
  'connect-src': "'self'",
  // The defaults would stop the page: sandbox forbids scripts; Trusted Types forbid React's innerHTML.
  sandbox: false,
  'require-trusted-types-for': false,
  'trusted-types': false,
  // Never shipped by any browser; Chrome logs a console error for it.
  'navigate-to': false,
};

/**
 * @param openApi the OpenAPI document (openapi.json)
 * @param swaggerUi Swagger UI's files
 */
export const renderDocsPage = (openApi: { info: { title: string } }, swaggerUi: SwaggerUiFiles): DocsPage => {
  const bundle = inlineText(swaggerUi.bundle);
  const init = inlineText(INIT);
  const title = openApi.info.title.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} reference</title>
<style>${inlineText(swaggerUi.css)}</style>
<style>body{margin:0}</style>
</head>
<body>
<noscript><p>This reference needs JavaScript. The OpenAPI document itself is at <a href="openapi.json">openapi.json</a>.</p></noscript>
<div id="reference"></div>
<script type="application/json" id="openapi">${inlineJson(openApi)}</script>
<script>${bundle}</script>
<script>${init}</script>
</body>
</html>
`;
  return {
    html,
    contentSecurityPolicy: {
      // Only these two inline scripts run, named by their hashes (the JSON block is data, never run).
      'script-src': `${hashSource(bundle)} ${hashSource(init)}`,
      ...POLICY,
    },
  };
};

export interface DocsPageServer {
  respond: (headers: Record<string, string | undefined>) => ApiResponse;
  /** For operation(): its `script-src` (the scripts' hashes) is known once the page is built. */
  contentSecurityPolicy: Record<string, string | false>;
}

/**
 * The reference page, built (Swagger UI read, scripts hashed) on the first
 * request rather than at cold start. The security-headers middleware reads
 * the policy's directives after the handler has answered, so `script-src`
 * can wait for the page; read earlier, it builds the page itself.
 */
export const docsPageOnFirstRequest = (openApi: { info: { title: string } }, swaggerUi: () => SwaggerUiFiles = readSwaggerUi): DocsPageServer => {
  let page: DocsPage | undefined;
  let respond: ((headers: Record<string, string | undefined>) => ApiResponse) | undefined;
  const built = (): DocsPage => (page ??= renderDocsPage(openApi, swaggerUi()));
  return {
    respond: (headers) => (respond ??= staticDocument(built().html, 'text/html; charset=utf-8'))(headers),
    contentSecurityPolicy: {
      get 'script-src'() {
        return built().contentSecurityPolicy['script-src'] as string;
      },
      ...POLICY,
    },
  };
};
