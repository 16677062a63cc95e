import { removeCastMember } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.removeMovieActor, ({ params, expectedVersion }) =>
  removeCastMember(params.id, params.actor_id, expectedVersion),
);
