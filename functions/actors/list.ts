import { listActors, presentActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import { ok } from '../../lib/http/responses';
import { actorListQuery } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'get:actors',
  query: actorListQuery,
  run: async ({ query }) => {
    const page = await listActors(query);
    return ok({ actors: page.actors.map((actor) => presentActor(actor)), total: page.total, next_cursor: page.nextCursor });
  },
});
