import { presentActor } from '../../lib/data/actors';
import { getCast } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import { ok } from '../../lib/http/responses';
import { idParams } from '../../lib/validation/schemas';

export const handler = operation({
  permission: 'get:movies',
  params: idParams,
  run: async ({ params }) => ok({ actors: (await getCast(params.id)).map((actor) => presentActor(actor)) }),
});
