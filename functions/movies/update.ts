import { presentMovie, updateMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.updateMovie, async ({ params, body, expectedVersion }) =>
  presentMovie(await updateMovie(params.id, body, expectedVersion)),
);
