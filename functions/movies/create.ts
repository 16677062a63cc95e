import { createMovieOnce } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.createMovie, ({ body, idempotency }) => createMovieOnce(body, idempotency));
