import { addCastMember, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { expectedVersion } from '../../lib/http/preconditions';
import { okResource } from '../../lib/http/responses';
import { castMemberParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'patch:movies',
  params: castMemberParams,
  run: async ({ params, headers }) =>
    okResource('movie', presentMovie(await addCastMember(params.id, params.actor_id, expectedVersion(headers)))),
});
