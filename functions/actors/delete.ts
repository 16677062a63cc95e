import { deleteActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.deleteActor, async ({ params, expectedVersion, caller }) => {
  await deleteActor(params.id, expectedVersion, caller);
  return params.id;
});
