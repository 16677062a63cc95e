import { listDeletedActors } from '../../lib/storage/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.listDeletedActors, ({ query }) => listDeletedActors(query));
