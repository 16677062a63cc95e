import { MethodNotAllowedError, NotFoundError } from '../lib/http/errors';
import { operation } from '../lib/http/operation';
import { allowedMethods } from '../lib/http/routes';
import { anyQuery } from '../lib/validation/schemas';

/** API Gateway's $default route: whatever no other route took. */
export const handler = operation({
  query: anyQuery,
  run: async ({ method, path }) => {
    const allowed = allowedMethods(path);
    if (allowed.length === 0) throw new NotFoundError(`No route matches ${method} ${path.slice(0, 200)}.`);
    throw new MethodNotAllowedError(method, allowed);
  },
});
