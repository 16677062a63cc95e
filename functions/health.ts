import { operation } from '../lib/http/operation';
import { ok } from '../lib/http/responses';

export const handler = operation({
  run: async () => ok({ status: 'ok' }),
});
