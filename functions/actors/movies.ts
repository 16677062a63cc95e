import { getFilmography, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { ok } from '../../lib/http/responses';
import { idParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'get:actors',
  params: idParams,
  run: async ({ params }) => ok({ movies: (await getFilmography(params.id)).map(presentMovie) }),
});
