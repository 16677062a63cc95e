import { addCastMember, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.addMovieActor, async ({ params, expectedVersion }) =>
  presentMovie(await addCastMember(params.id, params.actor_id, expectedVersion)),
);
