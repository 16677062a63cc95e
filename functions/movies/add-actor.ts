import { addCastMember } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.addMovieActor, ({ params, expectedVersion }) =>
  addCastMember(params.id, params.actor_id, expectedVersion),
);
