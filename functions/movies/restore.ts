import { restoreMovieOnce } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.restoreMovie, ({ params, idempotency }) => restoreMovieOnce(params.id, idempotency));
