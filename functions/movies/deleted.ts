import { listDeletedMovies, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.listDeletedMovies, async ({ query }) => {
  const page = await listDeletedMovies(query);
  return { entries: page.items.map((entry) => ({ ...entry, record: presentMovie(entry.record) })), nextCursor: page.nextCursor };
});
