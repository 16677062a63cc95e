import swaggerUiBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import swaggerUiCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import openApi from '../openapi.json' with { type: 'json' };
import { renderDocsPage } from '../lib/http/docs-page';
import { operation } from '../lib/http/operation';
import * as routes from '../lib/http/route-table';
import { staticDocument } from '../lib/http/static-document';

// Built once per cold start: Swagger UI (~1.9 MB, bundled as text by esbuild) and the document, inline in one page.
const page = renderDocsPage(openApi, { bundle: swaggerUiBundle, css: swaggerUiCss });
const respond = staticDocument(page.html, 'text/html; charset=utf-8');

export const handler = operation(routes.docs, ({ headers }) => respond(headers), {
  contentSecurityPolicy: page.contentSecurityPolicy,
});
