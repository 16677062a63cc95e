import { presentMovie, updateMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { expectedVersion } from '../../lib/http/preconditions';
import { okResource } from '../../lib/http/responses';
import { MOVIE_READ_ONLY, idParams, movieUpdateBody } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'patch:movies',
  params: idParams,
  body: movieUpdateBody,
  readOnlyFields: MOVIE_READ_ONLY,
  run: async ({ params, body, headers }) =>
    okResource('movie', presentMovie(await updateMovie(params.id, body, expectedVersion(headers)))),
});
