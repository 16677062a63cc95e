import openApi from '../openapi.json' with { type: 'json' };
import { operation } from '../lib/http/operation';
import { rawOk } from '../lib/http/responses';

// The committed document (npm run openapi writes it; a unit test keeps it current), minified once per cold start.
const body = JSON.stringify(openApi);

export const handler = operation({
  run: async () => rawOk(body, 'application/json; charset=utf-8'),
});
