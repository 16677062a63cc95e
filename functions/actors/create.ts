import { createActor, presentActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import { createdResource } from '../../lib/http/responses';
import { ACTOR_READ_ONLY, actorCreateBody } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'post:actors',
  body: actorCreateBody,
  readOnlyFields: ACTOR_READ_ONLY,
  run: async ({ body }) => {
    const actor = presentActor(await createActor(body));
    return createdResource('actor', actor, `/api/v1/actors/${actor.id}`);
  },
});
