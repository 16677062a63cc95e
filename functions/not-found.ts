import { MethodNotAllowedError, NotFoundError } from '../lib/http/errors';
import { operation } from '../lib/http/operation';
import { allowedMethods, catchAll } from '../lib/http/routes';

export const handler = operation(catchAll, ({ method, path }) => {
  const allowed = allowedMethods(path);
  if (allowed.length === 0) throw new NotFoundError(`No route matches ${method} ${path.slice(0, 200)}.`);
  throw new MethodNotAllowedError(method, allowed);
});
