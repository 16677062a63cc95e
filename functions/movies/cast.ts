import { presentActors } from '../../lib/data/actors';
import { getCast } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.getMovieCast, async ({ params }) => presentActors(await getCast(params.id)));
