import { listMovies, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.listMovies, async ({ query }) => {
  const page = await listMovies(query);
  return { records: page.movies.map(presentMovie), total: page.total, nextCursor: page.nextCursor };
});
