import openApi from '../openapi.json' with { type: 'json' };
import { docsPageOnFirstRequest } from '../lib/http/docs-page';
import { operation } from '../lib/http/operation';
import * as routes from '../lib/http/route-table';

// Swagger UI is read and the page built on the first request, not at cold start.
const page = docsPageOnFirstRequest(openApi);

export const handler = operation(routes.docs, ({ headers }) => page.respond(headers), {
  contentSecurityPolicy: page.contentSecurityPolicy,
});
