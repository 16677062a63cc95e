import redocStandalone from 'redoc/bundles/redoc.standalone.js' with { type: 'text' };
import openApi from '../openapi.json' with { type: 'json' };
import { renderDocsPage } from '../lib/http/docs-page';
import { operation } from '../lib/http/operation';
import { rawOk } from '../lib/http/responses';

// Built once per cold start: Redoc (~1.1 MB, bundled as text by esbuild) and the document, inline in one page.
const page = renderDocsPage(openApi, redocStandalone);

export const handler = operation({
  htmlPage: page,
  run: async () => rawOk(page.html, 'text/html; charset=utf-8'),
});
