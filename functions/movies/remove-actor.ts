import { presentMovie, removeCastMember } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.removeMovieActor, async ({ params, expectedVersion }) =>
  presentMovie(await removeCastMember(params.id, params.actor_id, expectedVersion)),
);
