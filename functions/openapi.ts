import { openApiDocument } from '../lib/http/openapi';
import { operation } from '../lib/http/operation';
import { rawOk } from '../lib/http/responses';

const document = JSON.stringify(openApiDocument());

export const handler = operation({
  run: async () => rawOk(document, 'application/json; charset=utf-8'),
});
