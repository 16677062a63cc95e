import { presentActor, restoreActorOnce } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.restoreActor, async ({ params, idempotency }) => {
  const { result, replayed } = await restoreActorOnce(params.id, idempotency);
  return { record: presentActor(result.record), unrestored: result.unrestored, replayed };
});
