import { createMovie, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { createdResource } from '../../lib/http/responses';
import { MOVIE_READ_ONLY, movieCreateBody } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'post:movies',
  body: movieCreateBody,
  readOnlyFields: MOVIE_READ_ONLY,
  run: async ({ body }) => {
    const movie = presentMovie(await createMovie(body));
    return createdResource('movie', movie, `/api/v1/movies/${movie.id}`);
  },
});
