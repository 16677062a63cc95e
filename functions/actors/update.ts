import { presentActor, updateActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.updateActor, async ({ params, body, expectedVersion }) =>
  presentActor(await updateActor(params.id, body, expectedVersion)),
);
