import { presentMovie, restoreMovieOnce } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.restoreMovie, async ({ params, idempotency }) => {
  const { result, replayed } = await restoreMovieOnce(params.id, idempotency);
  return { record: presentMovie(result.record), unrestored: result.unrestored, replayed };
});
