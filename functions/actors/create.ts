import { createActorOnce, presentActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import { idempotencyKey } from '../../lib/http/preconditions';
import { createdResource } from '../../lib/http/responses';
import { ACTOR_READ_ONLY, actorCreateBody } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'post:actors',
  body: actorCreateBody,
  readOnlyFields: ACTOR_READ_ONLY,
  run: async ({ body, headers, caller }) => {
    const key = idempotencyKey(headers);
    const { result, replayed } = await createActorOnce(body, key === undefined ? undefined : { caller: caller!, key });
    const actor = presentActor(result);
    return createdResource('actor', actor, `/api/v1/actors/${actor.id}`, replayed);
  },
});
