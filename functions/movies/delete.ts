import { deleteMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { expectedVersion } from '../../lib/http/preconditions';
import { ok } from '../../lib/http/responses';
import { idParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'delete:movies',
  params: idParams,
  run: async ({ params, headers }) => {
    await deleteMovie(params.id, expectedVersion(headers));
    return ok({ deleted: params.id });
  },
});
