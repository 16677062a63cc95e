import { createMovieOnce, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { idempotencyKey } from '../../lib/http/preconditions';
import { createdResource } from '../../lib/http/responses';
import { MOVIE_READ_ONLY, movieCreateBody } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'post:movies',
  body: movieCreateBody,
  readOnlyFields: MOVIE_READ_ONLY,
  run: async ({ body, headers, caller }) => {
    const key = idempotencyKey(headers);
    const { result, replayed } = await createMovieOnce(body, key === undefined ? undefined : { caller: caller!, key });
    const movie = presentMovie(result);
    return createdResource('movie', movie, `/api/v1/movies/${movie.id}`, replayed);
  },
});
