import openApi from '../openapi.json' with { type: 'json' };
import { operation } from '../lib/http/operation';
import * as routes from '../lib/http/route-table';
import { staticDocument } from '../lib/http/static-document';

// The committed document (npm run openapi writes it; a unit test keeps it current), minified once per cold start.
const respond = staticDocument(JSON.stringify(openApi), 'application/json; charset=utf-8');

export const handler = operation(routes.openapi, ({ headers }) => respond(headers));
