import { createActorOnce, presentActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.createActor, async ({ body, idempotency }) => {
  const { result, replayed } = await createActorOnce(body, idempotency);
  return { record: presentActor(result), replayed };
});
