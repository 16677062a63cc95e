/**
 * The route table: every operation of the API, one export each, keyed by its
 * function's name in serverless.yml. Each entry is the single source of how
 * the operation is reached, who may call it, what it reads, what it answers
 * and which errors it can answer:
 *
 * - its handler is built from it (`operation(routes.getActor, …)`,
 *   lib/http/operation.ts), which reads and checks the request as the entry
 *   says and shapes the response the entry names;
 * - the OpenAPI document (lib/http/openapi.ts) describes it, with the prose of
 *   lib/http/route-docs.ts, which must name every entry to compile;
 * - serverless.yml wires the same functions, methods, paths and handler
 *   files (tests/unit/routes.test.ts keeps the two equal).
 *
 * Handlers import this module as a namespace (`import * as routes`) and name
 * their own entry, so esbuild keeps only that entry in a function's bundle.
 * That is why the entries are separate exports, why nothing but entries may
 * be exported here (types aside: lib/http/routes.ts reads every export as a
 * route), and why the prose lives elsewhere.
 */
import type * as z from 'zod/mini';
import type { Permission } from '../auth/permissions';
import type { RecordKindName } from '../domain/records';
import {
  ACTOR_READ_ONLY,
  actorCreateBody,
  actorListQuery,
  actorUpdateBody,
  castMemberParams,
  deletedListQuery,
  idParams,
  MOVIE_READ_ONLY,
  movieCreateBody,
  movieListQuery,
  movieUpdateBody,
} from '../validation/schemas';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The kinds of record the API serves; a list of them is keyed by the plural (`actors`). */
export type Resource = RecordKindName;

/**
 * What a successful call answers (docs/endpoints.md#endpoints-with-examples). operation() builds the response
 * from what the handler returns; the OpenAPI document describes it.
 */
export type ResponseKind =
  /** 200 `{"success":true,"<resource>":{…}}` with the record's ETag. */
  | { kind: 'record'; resource: Resource }
  /**
   * 201 `{"success":true,"<resource>":{…}}` with its ETag, its Location
   * (`location` with the new id for `{id}`) and, on a replay,
   * `Idempotent-Replayed: true`.
   */
  | { kind: 'created'; resource: Resource; location: string }
  /** 200 `{"success":true,"<resource>s":[…],"total":n|null,"next_cursor":s|null}`. */
  | { kind: 'page'; resource: Resource }
  /** 200 `{"success":true,"<resource>s":[…]}`: every related record, unpaged. */
  | { kind: 'list'; resource: Resource }
  /** 200 `{"success":true,"deleted":"<id>"}`. */
  | { kind: 'deleted' }
  /**
   * 200 `{"success":true,"deleted_<resource>s":[{"<resource>":{…},"deleted_at":t,"deleted_by":s|null}],"next_cursor":s|null}`:
   * records as they were when deleted, newest deletion first.
   */
  | { kind: 'deletedPage'; resource: Resource }
  /**
   * 200 `{"success":true,"<resource>":{…},"unrestored_links":[{"id":s,"reason":r}]}` with its
   * ETag and, on a replay, `Idempotent-Replayed: true`.
   */
  | { kind: 'restored'; resource: Resource }
  /** 200 `{"success":true,"status":"ok"}`. */
  | { kind: 'health' }
  /**
   * A document that does not change within a deployment (lib/http/static-document.ts):
   * 200 with a strong ETag, Cache-Control and gzip when accepted, or 304.
   */
  | { kind: 'document'; mediaType: 'application/json' | 'text/html' };

/** The error statuses of docs/endpoints.md#errors. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 500 | 503;

/** What operation() needs to run a handler: its permission and how to read the request. */
export interface OperationDefinition {
  /** The permission the token must carry (401/403 otherwise); null for the public endpoints. */
  permission: Permission | null;
  /** Path parameters; a malformed one is a 400. */
  params?: z.ZodMiniType;
  /** Query parameters; without a schema, any query parameter is a 400. */
  query?: z.ZodMiniType;
  /** The JSON body the operation requires (400/413/415/422 otherwise). */
  body?: z.ZodMiniType;
  /** Fields a client may read but not send; named in the 422 rather than called unknown. */
  readOnlyFields?: readonly string[];
  /** Honours `If-Match: "<version>"`: the handler gets `expectedVersion`; a mismatch is a 412. */
  ifMatch?: true;
  /** Honours `Idempotency-Key`: the handler gets `idempotency`; the key reused with another body is a 422. */
  idempotencyKey?: true;
  /** What a successful call answers; without one, the operation only ever throws (the catch-all). */
  response?: ResponseKind;
}

/** One operation of the API. */
export interface RouteDefinition extends OperationDefinition {
  method: Method;
  /** The HTTP API route's path, `{name}` for a path parameter. */
  path: string;
  /** The handler's source file (serverless.yml: its path less `.ts`, plus `.handler`). */
  handler: string;
  response: ResponseKind;
  /**
   * The error statuses the operation's own work can answer (lib/services: an
   * unknown id, a duplicate, a cast limit…). Those that follow from the other
   * facts are added by errorStatuses().
   */
  errors: readonly ErrorStatus[];
}

export const health = {
  method: 'GET',
  path: '/api/v1/health',
  handler: 'functions/health.ts',
  permission: null,
  response: { kind: 'health' },
  errors: [],
} as const satisfies RouteDefinition;

export const openapi = {
  method: 'GET',
  path: '/api/v1/openapi.json',
  handler: 'functions/openapi.ts',
  permission: null,
  response: { kind: 'document', mediaType: 'application/json' },
  errors: [],
} as const satisfies RouteDefinition;

export const docs = {
  method: 'GET',
  path: '/api/v1/docs',
  handler: 'functions/docs.ts',
  permission: null,
  response: { kind: 'document', mediaType: 'text/html' },
  errors: [],
} as const satisfies RouteDefinition;

export const listActors = {
  method: 'GET',
  path: '/api/v1/actors',
  handler: 'functions/actors/list.ts',
  permission: 'get:actors',
  query: actorListQuery,
  response: { kind: 'page', resource: 'actor' },
  // not_in_movie names a movie that must exist.
  errors: [404],
} as const satisfies RouteDefinition;

export const createActor = {
  method: 'POST',
  path: '/api/v1/actors',
  handler: 'functions/actors/create.ts',
  permission: 'post:actors',
  body: actorCreateBody,
  readOnlyFields: ACTOR_READ_ONLY,
  idempotencyKey: true,
  response: { kind: 'created', resource: 'actor', location: '/api/v1/actors/{id}' },
  errors: [409],
} as const satisfies RouteDefinition;

export const getActor = {
  method: 'GET',
  path: '/api/v1/actors/{id}',
  handler: 'functions/actors/get.ts',
  permission: 'get:actors',
  params: idParams,
  response: { kind: 'record', resource: 'actor' },
  errors: [404],
} as const satisfies RouteDefinition;

export const updateActor = {
  method: 'PATCH',
  path: '/api/v1/actors/{id}',
  handler: 'functions/actors/update.ts',
  permission: 'patch:actors',
  params: idParams,
  body: actorUpdateBody,
  readOnlyFields: ACTOR_READ_ONLY,
  ifMatch: true,
  response: { kind: 'record', resource: 'actor' },
  errors: [404, 409],
} as const satisfies RouteDefinition;

export const deleteActor = {
  method: 'DELETE',
  path: '/api/v1/actors/{id}',
  handler: 'functions/actors/delete.ts',
  permission: 'delete:actors',
  params: idParams,
  ifMatch: true,
  response: { kind: 'deleted' },
  errors: [404],
} as const satisfies RouteDefinition;

export const listDeletedActors = {
  method: 'GET',
  // A static segment: API Gateway (and serverless-offline) prefer it to /actors/{id}, and no ULID spells it.
  path: '/api/v1/actors/deleted',
  handler: 'functions/actors/deleted.ts',
  permission: 'get:actors',
  query: deletedListQuery,
  response: { kind: 'deletedPage', resource: 'actor' },
  errors: [],
} as const satisfies RouteDefinition;

export const restoreActor = {
  method: 'POST',
  path: '/api/v1/actors/{id}/restore',
  handler: 'functions/actors/restore.ts',
  permission: 'delete:actors',
  params: idParams,
  idempotencyKey: true,
  response: { kind: 'restored', resource: 'actor' },
  // 404: not deleted in the last 30 days (or restored already); 409: its name or title and date taken meanwhile.
  errors: [404, 409],
} as const satisfies RouteDefinition;

export const getActorMovies = {
  method: 'GET',
  path: '/api/v1/actors/{id}/movies',
  handler: 'functions/actors/movies.ts',
  permission: 'get:actors',
  params: idParams,
  response: { kind: 'list', resource: 'movie' },
  errors: [404],
} as const satisfies RouteDefinition;

export const listMovies = {
  method: 'GET',
  path: '/api/v1/movies',
  handler: 'functions/movies/list.ts',
  permission: 'get:movies',
  query: movieListQuery,
  response: { kind: 'page', resource: 'movie' },
  errors: [],
} as const satisfies RouteDefinition;

export const createMovie = {
  method: 'POST',
  path: '/api/v1/movies',
  handler: 'functions/movies/create.ts',
  permission: 'post:movies',
  body: movieCreateBody,
  readOnlyFields: MOVIE_READ_ONLY,
  idempotencyKey: true,
  response: { kind: 'created', resource: 'movie', location: '/api/v1/movies/{id}' },
  // 422: an unknown actor in the cast, an actor at the filmography limit, a cast too large for one transaction.
  errors: [409, 422],
} as const satisfies RouteDefinition;

export const getMovie = {
  method: 'GET',
  path: '/api/v1/movies/{id}',
  handler: 'functions/movies/get.ts',
  permission: 'get:movies',
  params: idParams,
  response: { kind: 'record', resource: 'movie' },
  errors: [404],
} as const satisfies RouteDefinition;

export const updateMovie = {
  method: 'PATCH',
  path: '/api/v1/movies/{id}',
  handler: 'functions/movies/update.ts',
  permission: 'patch:movies',
  params: idParams,
  body: movieUpdateBody,
  readOnlyFields: MOVIE_READ_ONLY,
  ifMatch: true,
  response: { kind: 'record', resource: 'movie' },
  // 422: as for createMovie, for the actors joining the cast.
  errors: [404, 409, 422],
} as const satisfies RouteDefinition;

export const deleteMovie = {
  method: 'DELETE',
  path: '/api/v1/movies/{id}',
  handler: 'functions/movies/delete.ts',
  permission: 'delete:movies',
  params: idParams,
  ifMatch: true,
  response: { kind: 'deleted' },
  errors: [404],
} as const satisfies RouteDefinition;

export const listDeletedMovies = {
  method: 'GET',
  // A static segment: API Gateway (and serverless-offline) prefer it to /movies/{id}, and no ULID spells it.
  path: '/api/v1/movies/deleted',
  handler: 'functions/movies/deleted.ts',
  permission: 'get:movies',
  query: deletedListQuery,
  response: { kind: 'deletedPage', resource: 'movie' },
  errors: [],
} as const satisfies RouteDefinition;

export const restoreMovie = {
  method: 'POST',
  path: '/api/v1/movies/{id}/restore',
  handler: 'functions/movies/restore.ts',
  permission: 'delete:movies',
  params: idParams,
  idempotencyKey: true,
  response: { kind: 'restored', resource: 'movie' },
  // 404: not deleted in the last 30 days (or restored already); 409: its name or title and date taken meanwhile.
  errors: [404, 409],
} as const satisfies RouteDefinition;

export const getMovieCast = {
  method: 'GET',
  path: '/api/v1/movies/{id}/actors',
  handler: 'functions/movies/cast.ts',
  permission: 'get:movies',
  params: idParams,
  response: { kind: 'list', resource: 'actor' },
  errors: [404],
} as const satisfies RouteDefinition;

export const addMovieActor = {
  method: 'PUT',
  path: '/api/v1/movies/{id}/actors/{actor_id}',
  handler: 'functions/movies/add-actor.ts',
  permission: 'patch:movies',
  params: castMemberParams,
  ifMatch: true,
  // The cast changes one actor at a time, so the answer is the movie.
  response: { kind: 'record', resource: 'movie' },
  // 404: the movie or the actor; 422: the cast or the actor's filmography is full.
  errors: [404, 422],
} as const satisfies RouteDefinition;

export const removeMovieActor = {
  method: 'DELETE',
  path: '/api/v1/movies/{id}/actors/{actor_id}',
  handler: 'functions/movies/remove-actor.ts',
  permission: 'patch:movies',
  params: castMemberParams,
  ifMatch: true,
  response: { kind: 'record', resource: 'movie' },
  // 404: the movie, or the actor is not in its cast.
  errors: [404],
} as const satisfies RouteDefinition;
