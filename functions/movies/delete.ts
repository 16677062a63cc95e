import { deleteMovie } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.deleteMovie, ({ params, expectedVersion, caller }) =>
  deleteMovie(params.id, expectedVersion, caller),
);
