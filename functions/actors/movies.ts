import { getFilmography, presentMovie } from '../../lib/data/movies';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';

export const handler = operation(routes.getActorMovies, async ({ params }) => (await getFilmography(params.id)).map(presentMovie));
