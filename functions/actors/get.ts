import { getActor } from '../../lib/storage/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.getActor, ({ params }) => getActor(params.id));
