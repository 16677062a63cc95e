import { getActor } from '../../lib/services/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.getActor, ({ params }) => getActor(params.id));
