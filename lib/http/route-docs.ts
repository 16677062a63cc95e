/**
 * The prose of the OpenAPI document, one entry per route of the route table
 * (lib/http/route-table.ts), in the order the document lists them. A route
 * without an entry does not compile, nor does an entry that lacks what its
 * route calls for: an example of the body it takes, a description of each
 * query parameter it reads, what its list or document is.
 *
 * Only lib/http/openapi.ts imports this module, so none of it reaches a
 * function bundle.
 */
import type * as z from 'zod/mini';
import { MAX_CAST_SIZE, MAX_FILMOGRAPHY, READ_BUDGET_UNITS } from '../domain/limits';
import type * as routes from './route-table';
import type { RouteName } from './routes';

export type Tag = 'Actors' | 'Movies' | 'Cast' | 'Service';

/** The tags the document groups operations by, in its order, with their descriptions. */
export const TAGS = {
  Actors: 'The agency’s actors. `age` and `movie_ids` are derived and read-only.',
  Movies: 'The agency’s movies and their casts (`actor_ids`).',
  Cast: 'Who is cast in what: a movie’s cast, an actor’s movies, and cast changes one actor at a time.',
  Service: 'Public endpoints: no token needed.',
} satisfies Record<Tag, string>;

/** Everything an entry may say; RouteDocs says what a given route's entry must say. */
export interface RouteDocsFields {
  tag: Tag;
  summary: string;
  /** More than the summary; the document adds who may call the operation. */
  description?: string;
  /** The body's name among the document's schemas, and a body the operation accepts. */
  requestBody?: { component: string; example: unknown };
  /** Each query parameter's description. */
  query?: Record<string, string>;
  /** What a successful answer is, where the response kind alone cannot say (a list of what, which document). */
  responseDescription?: string;
  /** The JSON Schema of a document's body. */
  responseSchema?: Record<string, unknown>;
}

/** The entry a route `R` needs. */
export type RouteDocs<R> = Omit<RouteDocsFields, 'requestBody' | 'query' | 'responseDescription' | 'responseSchema'> &
  (R extends { body: infer B extends z.ZodMiniType } ? { requestBody: { component: string; example: z.input<B> } } : unknown) &
  (R extends { query: infer Q extends z.ZodMiniType } ? { query: { [P in keyof z.output<Q>]-?: string } } : unknown) &
  (R extends { response: { kind: 'list' } } ? { responseDescription: string } : unknown) &
  (R extends { response: { kind: 'document' } } ? { responseDescription: string; responseSchema: Record<string, unknown> } : unknown);

const PAGING = {
  limit: 'Page size.',
  cursor: 'The `next_cursor` of the previous page of this list, unchanged, with the same filters (a cursor is bound to both).',
};
const SEARCH =
  'Matches the start of any word, ignoring case and accents (`han` finds "Tom Hanks"); with several words, every word must match. Needs a letter or digit. ' +
  `Like every list request, one page reads at most ${READ_BUDGET_UNITS} DynamoDB read units, whatever the query: past that it answers a short page (even an empty one) with a \`next_cursor\` to go on.`;

export const ROUTE_DOCS = {
  health: { tag: 'Service', summary: 'Check that the service is up' },
  openapi: {
    tag: 'Service',
    summary: 'Get this OpenAPI document',
    responseDescription: 'This document (gzip-compressed for clients that accept it).',
    responseSchema: {
      type: 'object',
      required: ['openapi', 'info', 'paths', 'components'],
      properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' }, components: { type: 'object' } },
    },
  },
  docs: {
    tag: 'Service',
    summary: 'Get this reference page (HTML)',
    responseDescription: 'The reference page (gzip-compressed for clients that accept it).',
    responseSchema: { type: 'string' },
  },
  listActors: {
    tag: 'Actors',
    summary: 'List and search actors',
    description: 'Newest first; with `q`, by the name word that matched. `total` is `null` as soon as a filter applies.',
    query: {
      ...PAGING,
      q: SEARCH,
      gender: 'Exact match, ignoring case.',
      min_age: 'Inclusive; whole years on the day of the request (UTC). At most `max_age`.',
      max_age: 'Inclusive; whole years on the day of the request (UTC).',
      not_in_movie: 'Only actors not in this movie’s cast (for a cast picker). An unknown movie is a 404.',
    },
  },
  createActor: {
    tag: 'Actors',
    summary: 'Create an actor',
    requestBody: { component: 'ActorCreate', example: { name: 'Cate Blanchett', gender: 'female', birth_date: '1969-05-14' } },
  },
  getActor: { tag: 'Actors', summary: 'Get an actor' },
  updateActor: {
    tag: 'Actors',
    summary: 'Change an actor',
    description: 'Partial: send only the fields to change.',
    requestBody: { component: 'ActorUpdate', example: { gender: 'woman' } },
  },
  deleteActor: {
    tag: 'Actors',
    summary: 'Delete an actor',
    description: 'Also removes the actor from every cast. The actor, with their movies, can be restored for 30 days.',
  },
  listDeletedActors: {
    tag: 'Actors',
    summary: 'List deleted actors',
    description: 'The actors deleted in the last 30 days, as they were (with the movies they were cast in), newest deletion first, with who deleted each and when.',
    query: PAGING,
  },
  restoreActor: {
    tag: 'Actors',
    summary: 'Restore a deleted actor',
    description: `Brings back an actor deleted in the last 30 days, with the same id and \`created_at\` and the next version, cast again in every movie that still exists and has room (${MAX_CAST_SIZE} actors); \`unrestored_links\` names the others. A 409 when another actor has taken the name meanwhile (nothing changes), a 404 when the actor was not deleted in the last 30 days or was restored already.`,
  },
  getActorMovies: {
    tag: 'Cast',
    summary: "List an actor's movies",
    description: 'The filmography as full movie records, sorted by id (creation order): the mirror of a movie’s cast.',
    responseDescription: 'The filmography.',
  },
  listMovies: {
    tag: 'Movies',
    summary: 'List and search movies',
    description: 'Newest first; with `q`, by the title word that matched. `total` is `null` as soon as a filter applies.',
    query: {
      ...PAGING,
      q: SEARCH,
      released_after: 'Inclusive. At most `released_before`.',
      released_before: 'Inclusive.',
    },
  },
  createMovie: {
    tag: 'Movies',
    summary: 'Create a movie',
    requestBody: {
      component: 'MovieCreate',
      example: { title: 'The Post', release_date: '2017-12-22', actor_ids: ['01M86WTD96T7T6CKMATQ3ZVNAW'] },
    },
  },
  getMovie: { tag: 'Movies', summary: 'Get a movie' },
  updateMovie: {
    tag: 'Movies',
    summary: 'Change a movie',
    description: 'Partial: send only the fields to change. `actor_ids` replaces the whole cast.',
    requestBody: { component: 'MovieUpdate', example: { release_date: '2018-01-12' } },
  },
  deleteMovie: {
    tag: 'Movies',
    summary: 'Delete a movie',
    description: 'Also removes the movie from every filmography. The movie, with its cast, can be restored for 30 days.',
  },
  listDeletedMovies: {
    tag: 'Movies',
    summary: 'List deleted movies',
    description: 'The movies deleted in the last 30 days, as they were (with their casts), newest deletion first, with who deleted each and when.',
    query: PAGING,
  },
  restoreMovie: {
    tag: 'Movies',
    summary: 'Restore a deleted movie',
    description: `Brings back a movie deleted in the last 30 days, with the same id and \`created_at\` and the next version, with every cast member who still exists and is in fewer than ${MAX_FILMOGRAPHY} movies; \`unrestored_links\` names the others. A 409 when another movie has taken the title and release date meanwhile (nothing changes), a 404 when the movie was not deleted in the last 30 days or was restored already.`,
  },
  getMovieCast: {
    tag: 'Cast',
    summary: "List a movie's cast",
    description: 'The cast as full actor records.',
    responseDescription: 'The cast.',
  },
  addMovieActor: {
    tag: 'Cast',
    summary: 'Add an actor to the cast',
    description: `Idempotent: adding an actor already in the cast changes nothing. A cast has at most ${MAX_CAST_SIZE} actors.`,
  },
  removeMovieActor: {
    tag: 'Cast',
    summary: 'Remove an actor from the cast',
    description: 'A 404 when the actor is not in the cast.',
  },
} satisfies { [N in RouteName]: RouteDocs<(typeof routes)[N]> };
