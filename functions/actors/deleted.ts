import { listDeletedActors, presentActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.listDeletedActors, async ({ query }) => {
  const page = await listDeletedActors(query);
  return { entries: page.items.map((entry) => ({ ...entry, record: presentActor(entry.record) })), nextCursor: page.nextCursor };
});
