import { listActors, presentActors } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.listActors, async ({ query }) => {
  const page = await listActors(query);
  return { records: presentActors(page.actors), total: page.total, nextCursor: page.nextCursor };
});
