/**
 * The API reference page: Redoc rendering the OpenAPI document in the
 * browser. Both are inline in the one HTML response (no CDN, no second
 * request), and the page's Content-Security-Policy lets exactly its own two
 * scripts run and nothing load from anywhere.
 */
import { createHash } from 'node:crypto';

export interface DocsPage {
  html: string;
  /** CSP directives over the defaults of @middy/http-security-headers (`false` drops one). */
  contentSecurityPolicy: Record<string, string | false>;
}

const hashSource = (script: string): string => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/**
 * Script text that cannot end or confuse its <script> element: the HTML
 * tokenizer reacts to "</script", "<script" and "<!--" inside one. In
 * Redoc's bundle they occur only inside string and regular-expression
 * literals, where "\x3C" means the same "<".
 */
const inlineScript = (script: string): string => script.replace(/<(?=\/?script|!--)/gi, '\\x3C');

/**
 * Redoc's sidebar footer loads its maker's logo from a CDN (unconditionally,
 * in 2.x). An empty data: URL instead: the image fails to decode, and Redoc
 * then hides it. The browser test fails if any other remote load appears.
 */
const REDOCLY_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const withoutRemoteLoads = (script: string): string => script.replaceAll(REDOCLY_LOGO, 'data:,');

/** JSON that can sit in a <script type="application/json"> block: "\u003c" is the same "<" to JSON.parse. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const REDOC_OPTIONS = {
  // The download button links to the served document rather than building a blob: URL.
  downloadUrls: [{ title: 'Download openapi.json', url: 'openapi.json' }],
  expandResponses: '200,201',
  requiredPropsFirst: true,
  hideHostname: true,
  jsonSampleExpandLevel: 3,
  theme: { colors: { primary: { main: '#1f5f8b' } }, typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' }, code: { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' } } },
};

// Reads the document from the JSON block above it; marks the page when Redoc has rendered (the browser test waits for it).
const INIT = `(() => {
  const spec = JSON.parse(document.getElementById('openapi').textContent);
  Redoc.init(spec, ${JSON.stringify(REDOC_OPTIONS)}, document.getElementById('redoc'), (error) => {
    if (error) console.error('The reference could not be rendered:', error);
    else document.body.dataset.rendered = 'true';
  });
})();`;

/**
 * @param openApi the OpenAPI document (openapi.json)
 * @param redocStandalone the text of redoc/bundles/redoc.standalone.js
 */
export const renderDocsPage = (openApi: { info: { title: string } }, redocStandalone: string): DocsPage => {
  const redoc = inlineScript(withoutRemoteLoads(redocStandalone));
  const init = inlineScript(INIT);
  const title = openApi.info.title.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} reference</title>
<style>body{margin:0}</style>
</head>
<body>
<noscript><p>This reference needs JavaScript. The OpenAPI document itself is at <a href="openapi.json">openapi.json</a>.</p></noscript>
<div id="redoc"></div>
<script type="application/json" id="openapi">${inlineJson(openApi)}</script>
<script>${redoc}</script>
<script>${init}</script>
</body>
</html>
`;
  return {
    html,
    contentSecurityPolicy: {
      // Only these two inline scripts run, named by their hashes (the JSON block is data, never run).
      'script-src': `${hashSource(redoc)} ${hashSource(init)}`,
      // Redoc (styled-components) writes <style> elements and style attributes at run time; styles cannot run code.
      'style-src': "'unsafe-inline'",
      // Redoc's search index runs in a worker it creates from a blob: URL; the logo above is a data: URL.
      'worker-src': 'blob:',
      'img-src': 'data:',
      // The defaults would stop the page: sandbox forbids scripts; Trusted Types forbid React's innerHTML.
      sandbox: false,
      'require-trusted-types-for': false,
      'trusted-types': false,
      // Never shipped by any browser; Chrome logs a console error for it.
      'navigate-to': false,
    },
  };
};
