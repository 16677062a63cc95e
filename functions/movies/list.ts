import { listMovies, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { ok } from '../../lib/http/responses';
import { movieListQuery } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'get:movies',
  query: movieListQuery,
  run: async ({ query }) => {
    const page = await listMovies(query);
    return ok({ movies: page.movies.map(presentMovie), total: page.total, next_cursor: page.nextCursor });
  },
});
