import { getActor, presentActor } from '../../lib/data/actors';
import { operation } from '../../lib/http/operation';
import { okResource } from '../../lib/http/responses';
import { idParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'get:actors',
  params: idParams,
  run: async ({ params }) => okResource('actor', presentActor(await getActor(params.id))),
});
