import { getFilmography } from '../../lib/services/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.getActorMovies, ({ params }) => getFilmography(params.id));
