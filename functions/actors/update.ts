import { updateActor } from '../../lib/services/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.updateActor, ({ params, body, expectedVersion }) => updateActor(params.id, body, expectedVersion));
