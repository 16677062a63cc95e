import { getCast } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.getMovieCast, ({ params }) => getCast(params.id));
