import { presentActor, updateActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import { expectedVersion } from '../../lib/http/preconditions';
import { okResource } from '../../lib/http/responses';
import { ACTOR_READ_ONLY, actorUpdateBody, idParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'patch:actors',
  params: idParams,
  body: actorUpdateBody,
  readOnlyFields: ACTOR_READ_ONLY,
  run: async ({ params, body, headers }) =>
    okResource('actor', presentActor(await updateActor(params.id, body, expectedVersion(headers)))),
});
