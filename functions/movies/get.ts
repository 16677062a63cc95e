import { getMovie, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { okResource } from '../../lib/http/responses';
import { idParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'get:movies',
  params: idParams,
  run: async ({ params }) => okResource('movie', presentMovie(await getMovie(params.id))),
});
