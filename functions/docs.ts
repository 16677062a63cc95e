import { renderDocsPage } from '../lib/http/docs-page';
import { operation } from '../lib/http/operation';
import { rawOk } from '../lib/http/responses';

const page = renderDocsPage();

export const handler = operation({
  htmlStyles: true,
  run: async () => rawOk(page, 'text/html; charset=utf-8'),
});
