import { restoreActorOnce } from '../../lib/services/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.restoreActor, ({ params, idempotency }) => restoreActorOnce(params.id, idempotency));
