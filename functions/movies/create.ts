import { createMovieOnce, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.createMovie, async ({ body, idempotency }) => {
  const { result, replayed } = await createMovieOnce(body, idempotency);
  return { record: presentMovie(result), replayed };
});
