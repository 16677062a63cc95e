/**
 * The OpenAPI 3.1 description of the API, built from the route table and the
 * very zod schemas the handlers validate with, so it cannot drift from them.
 *
 * `npm run openapi` writes it to openapi.json (lib/dev/write-openapi.ts); the
 * openapi and docs functions serve that file, tests/unit/openapi.test.ts keeps
 * it current and valid, and the HTTP tests check every response against it.
 */
import * as z from 'zod/mini';
import { ROLES } from '../auth/permissions';
import { actorResource, errorResource, movieResource } from '../validation/resources';
import {
  actorCreateBody,
  actorListQuery,
  actorUpdateBody,
  castMemberParams,
  idParams,
  jsonSchemaHints,
  movieCreateBody,
  movieListQuery,
  movieUpdateBody,
} from '../validation/schemas';
import { MAX_CAST_SIZE } from '../domain/limits';
import { IDEMPOTENCY_KEY } from './preconditions';
import { ROUTES, type Route } from './routes';

type JsonSchema = Record<string, unknown>;

/** `io: 'input'` for bodies (what a client sends), `'output'` for query parameters (their parsed type). */
const toJsonSchema = (zodSchema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(zodSchema, {
    io,
    unrepresentable: 'any',
    override: ({ zodSchema: schema, jsonSchema: json }) => {
      Object.assign(json, jsonSchemaHints.get(schema));
      // z.int() bounds every integer to the safe range: true, and noise in the reference.
      if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
      if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
    },
  }) as JsonSchema;
  return jsonSchema;
};

const propertiesOf = (zodSchema: z.ZodMiniType, io: 'input' | 'output') =>
  (toJsonSchema(zodSchema, io) as { properties: Record<string, JsonSchema> }).properties;

const ref = (kind: 'schemas' | 'responses' | 'headers' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const envelope = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: ['success', ...Object.keys(properties)],
  properties: { success: { const: true }, ...properties },
  additionalProperties: false,
});

// ---- operations -----------------------------------------------------------

interface Prose {
  tag: 'Actors' | 'Movies' | 'Cast' | 'Service';
  summary: string;
  description?: string;
}

const PROSE: Record<string, Prose> = {
  health: { tag: 'Service', summary: 'Check that the service is up' },
  openapi: { tag: 'Service', summary: 'Get this OpenAPI document' },
  docs: { tag: 'Service', summary: 'Get this reference page (HTML)' },
  listActors: {
    tag: 'Actors',
    summary: 'List and search actors',
    description: 'Newest first; with `q`, by the name word that matched. `total` is `null` as soon as a filter applies.',
  },
  createActor: { tag: 'Actors', summary: 'Create an actor' },
  getActor: { tag: 'Actors', summary: 'Get an actor' },
  updateActor: { tag: 'Actors', summary: 'Change an actor', description: 'Partial: send only the fields to change.' },
  deleteActor: { tag: 'Actors', summary: 'Delete an actor', description: 'Also removes the actor from every cast.' },
  getActorMovies: {
    tag: 'Cast',
    summary: "List an actor's movies",
    description: 'The filmography as full movie records, sorted by id (creation order): the mirror of a movie’s cast.',
  },
  listMovies: {
    tag: 'Movies',
    summary: 'List and search movies',
    description: 'Newest first; with `q`, by the title word that matched. `total` is `null` as soon as a filter applies.',
  },
  createMovie: { tag: 'Movies', summary: 'Create a movie' },
  getMovie: { tag: 'Movies', summary: 'Get a movie' },
  updateMovie: {
    tag: 'Movies',
    summary: 'Change a movie',
    description: 'Partial: send only the fields to change. `actor_ids` replaces the whole cast.',
  },
  deleteMovie: { tag: 'Movies', summary: 'Delete a movie', description: 'Also removes the movie from every filmography.' },
  getMovieCast: { tag: 'Cast', summary: "List a movie's cast", description: 'The cast as full actor records.' },
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
};

const TAGS = [
  { name: 'Actors', description: 'The agency’s actors. `age` and `movie_ids` are derived and read-only.' },
  { name: 'Movies', description: 'The agency’s movies and their casts (`actor_ids`).' },
  { name: 'Cast', description: 'Who is cast in what: a movie’s cast, an actor’s movies, and cast changes one actor at a time.' },
  { name: 'Service', description: 'Public endpoints: no token needed.' },
];

const BODIES: Record<string, string> = {
  createActor: 'ActorCreate',
  updateActor: 'ActorUpdate',
  createMovie: 'MovieCreate',
  updateMovie: 'MovieUpdate',
};

const BODY_EXAMPLES: Record<string, unknown> = {
  createActor: { name: 'Cate Blanchett', gender: 'female', birth_date: '1969-05-14' },
  updateActor: { gender: 'woman' },
  createMovie: { title: 'The Post', release_date: '2017-12-22', actor_ids: ['01M86WTD96T7T6CKMATQ3ZVNAW'] },
  updateMovie: { release_date: '2018-01-12' },
};

const QUERIES: Record<string, z.ZodMiniType> = { listActors: actorListQuery, listMovies: movieListQuery };

const QUERY_PROSE: Record<string, string> = {
  limit: 'Page size.',
  cursor: 'The `next_cursor` of the previous page of this list, unchanged, with the same filters (a cursor is bound to both).',
  q: 'Matches the start of any word, ignoring case and accents (`han` finds "Tom Hanks"); with several words, every word must match. Needs a letter or digit.',
  gender: 'Exact match, ignoring case.',
  min_age: 'Inclusive; whole years on the day of the request (UTC). At most `max_age`.',
  max_age: 'Inclusive; whole years on the day of the request (UTC).',
  not_in_movie: 'Only actors not in this movie’s cast (for a cast picker). An unknown movie is a 404.',
  released_after: 'Inclusive. At most `released_before`.',
  released_before: 'Inclusive.',
};

const kindOf = (route: Route): 'actor' | 'movie' => (route.path.startsWith('/api/v1/actors') ? 'actor' : 'movie');

const successResponse = (route: Route) => {
  const fn = route.function;
  const document = { ETag: ref('headers', 'DocumentETag'), 'Cache-Control': ref('headers', 'DocumentCacheControl') };
  if (fn === 'docs') {
    return {
      description: 'The reference page (gzip-compressed for clients that accept it).',
      headers: document,
      content: { 'text/html': { schema: { type: 'string' } } },
    };
  }
  if (fn === 'openapi') {
    return {
      description: 'This document (gzip-compressed for clients that accept it).',
      headers: document,
      content: json({
        type: 'object',
        required: ['openapi', 'info', 'paths', 'components'],
        properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' }, components: { type: 'object' } },
      }),
    };
  }
  if (fn === 'health') return { description: 'The service is up.', content: json(envelope({ status: { const: 'ok' } })) };
  const page = (key: string, item: string) =>
    envelope({
      [key]: { type: 'array', items: ref('schemas', item) },
      total: { type: ['integer', 'null'], minimum: 0, description: 'Every record of this kind; `null` when a filter or `q` applies.' },
      next_cursor: { type: ['string', 'null'], description: 'Pass it back as `cursor` for the next page; `null` on the last page.' },
    });
  if (fn === 'listActors') return { description: 'A page of actors.', content: json(page('actors', 'Actor')) };
  if (fn === 'listMovies') return { description: 'A page of movies.', content: json(page('movies', 'Movie')) };
  if (fn === 'getMovieCast') {
    return { description: 'The cast.', content: json(envelope({ actors: { type: 'array', items: ref('schemas', 'Actor') } })) };
  }
  if (fn === 'getActorMovies') {
    return { description: 'The filmography.', content: json(envelope({ movies: { type: 'array', items: ref('schemas', 'Movie') } })) };
  }
  if (fn === 'deleteActor' || fn === 'deleteMovie') {
    return { description: 'Deleted.', content: json(envelope({ deleted: { type: 'string', description: 'The id of the deleted record.' } })) };
  }
  // Everything else answers with one record: the actor, or the movie (the cast endpoints return the movie).
  const kind = fn === 'addMovieActor' || fn === 'removeMovieActor' ? 'movie' : kindOf(route);
  const body = json(envelope({ [kind]: ref('schemas', kind === 'actor' ? 'Actor' : 'Movie') }));
  if (route.method === 'POST') {
    return {
      description: `Created. A replay (same \`Idempotency-Key\` and body) returns the first response again.`,
      headers: { Location: ref('headers', 'Location'), ETag: ref('headers', 'ETag'), 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') },
      content: body,
    };
  }
  return { description: `The ${kind}.`, headers: { ETag: ref('headers', 'ETag') }, content: body };
};

/** Lists whose query can name a record, which is then a 404 when it does not exist (`not_in_movie`). */
const NOT_FOUND_BY_QUERY = { listActors: true } as const;

/** Every error status an operation can answer with, each a reference to components.responses. */
const errorResponses = (route: Route): Record<string, unknown> => {
  const statuses = new Set<number>([400, 500]); // 400: every operation refuses unknown query parameters
  const authenticated = route.permission !== null;
  if (authenticated) [401, 403, 503].forEach((status) => statuses.add(status));
  if (route.path.includes('{') || route.function in NOT_FOUND_BY_QUERY) statuses.add(404);
  if (route.function in BODIES) [413, 415, 422].forEach((status) => statuses.add(status));
  if (route.method === 'POST') [409, 422].forEach((status) => statuses.add(status));
  if (route.method === 'PATCH') [409, 412].forEach((status) => statuses.add(status));
  if (route.method === 'PUT') [412, 422].forEach((status) => statuses.add(status));
  if (route.method === 'DELETE') statuses.add(412);
  return Object.fromEntries([...statuses].sort().map((status) => [String(status), ref('responses', ERRORS[status]!.name)]));
};

const parametersOf = (route: Route) => {
  const pathSchemas = propertiesOf(route.path.includes('{actor_id}') ? castMemberParams : idParams, 'output');
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: name === 'actor_id' || kindOf(route) === 'actor' ? 'The actor’s id.' : 'The movie’s id.',
    schema: pathSchemas[name!],
  }));
  const querySchema = QUERIES[route.function];
  const query = querySchema
    ? Object.entries(propertiesOf(querySchema, 'output')).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        ...(QUERY_PROSE[name] ? { description: QUERY_PROSE[name] } : {}),
        schema,
      }))
    : [];
  const headers = [
    ...(['PATCH', 'PUT', 'DELETE'].includes(route.method) ? [ref('parameters', 'IfMatch')] : []),
    ...(route.method === 'POST' ? [ref('parameters', 'IdempotencyKey')] : []),
  ];
  return [...path, ...query, ...headers];
};

const operationFor = (route: Route) => {
  const prose = PROSE[route.function];
  if (prose === undefined) throw new Error(`lib/http/openapi.ts: describe ${route.function} in PROSE.`);
  const access =
    route.permission === null ? 'Public: no token needed.' : `Needs the \`${route.permission}\` permission.`;
  const parameters = parametersOf(route);
  const bodyName = BODIES[route.function];
  return {
    operationId: route.function,
    tags: [prose.tag],
    summary: prose.summary,
    description: [prose.description, access].filter(Boolean).join('\n\n'),
    security: route.permission === null ? [] : [{ bearerAuth: [route.permission] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(bodyName
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('schemas', bodyName), example: BODY_EXAMPLES[route.function] } },
          },
        }
      : {}),
    responses: {
      [route.method === 'POST' ? '201' : '200']: successResponse(route),
      ...(route.function === 'docs' || route.function === 'openapi'
        ? {
            '304': {
              description: 'Not modified: `If-None-Match` names the current `ETag`; no body.',
              headers: { ETag: ref('headers', 'DocumentETag'), 'Cache-Control': ref('headers', 'DocumentCacheControl') },
            },
          }
        : {}),
      ...errorResponses(route),
    },
  };
};

// ---- errors ---------------------------------------------------------------

interface ErrorStatus {
  name: string;
  description: string;
  /** A message the API really sends with this status. */
  example: string;
  headers?: Record<string, unknown>;
}

const ERRORS: Record<number, ErrorStatus> = {
  400: {
    name: 'BadRequest',
    description:
      'Malformed JSON, a missing or empty body (whatever the `Content-Type`), a bad or unknown query parameter, a malformed id, `If-Match` or `Idempotency-Key`, a tampered cursor or one from another list or filters.',
    example: 'The id in the path is malformed.',
  },
  401: {
    name: 'Unauthorized',
    description:
      'No token, or one that is malformed, badly signed, expired, not yet valid, without `exp` or `sub`, signed by a key no longer in the JWKS, or for another issuer or audience.',
    example: 'The access token has expired.',
    headers: { 'WWW-Authenticate': ref('headers', 'WWWAuthenticate') },
  },
  403: {
    name: 'Forbidden',
    description: 'A valid token without the permission the operation needs.',
    example: 'This action needs the delete:actors permission.',
    headers: { 'WWW-Authenticate': ref('headers', 'WWWAuthenticate') },
  },
  404: {
    name: 'NotFound',
    description: 'An unknown id (or, for the cast, an actor not in it), or an unknown route.',
    example: 'No actor has the id 01M86WTD96T7T6CKMATQ3ZVNAW.',
  },
  405: {
    name: 'MethodNotAllowed',
    description: 'A known path with a method it does not serve (any path of this document, any method not listed for it).',
    example: 'Method PUT is not allowed here; use GET, POST.',
    headers: { Allow: ref('headers', 'Allow') },
  },
  409: {
    name: 'Conflict',
    description: 'An actor with that name, or a movie with that title and release date, already exists (ignoring case and extra spaces).',
    example: 'An actor named "Cate Blanchett" already exists.',
  },
  412: {
    name: 'PreconditionFailed',
    description: 'The record is no longer at the version named by `If-Match`.',
    example: 'The actor has changed: it is at version 2, not 1.',
  },
  413: { name: 'PayloadTooLarge', description: 'The body is over 64 KiB.', example: 'The request body is larger than 64 KiB.' },
  415: {
    name: 'UnsupportedMediaType',
    description: 'A body that is present but not sent as `application/json`.',
    example: 'The request body must be JSON, sent with "Content-Type: application/json".',
  },
  422: {
    name: 'UnprocessableEntity',
    description:
      'Well-formed JSON that breaks a rule: an unknown or read-only field, a bad value (text with control characters or unpaired surrogates, too long, empty…), a body that is not an object, a cast or filmography over its limit, a cast change too large for one transaction (replacing a full cast of 50 with 50 others: make it in two requests, see `actor_ids` of `MovieUpdate`), an unknown actor in `actor_ids`, or an `Idempotency-Key` reused with another body. `details` names each field.',
    example: 'The request body has invalid fields.',
  },
  500: {
    name: 'InternalServerError',
    description: 'Anything else: logged with the request id; the message stays generic.',
    example: 'Something went wrong on our side; the error has been logged.',
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'The database (or the identity provider’s key set) is busy or unreachable, or the record is under heavy concurrent change: retry after `Retry-After` seconds.',
    example: 'The database is busy or unavailable; please retry shortly.',
    headers: { 'Retry-After': ref('headers', 'RetryAfter') },
  },
};

const errorResponseComponents = () =>
  Object.fromEntries(
    Object.entries(ERRORS).map(([status, { name, description, example, headers }]) => [
      name,
      {
        description,
        ...(headers ? { headers } : {}),
        content: {
          'application/json': {
            schema: { allOf: [ref('schemas', 'Error'), { type: 'object', properties: { error: { const: Number(status) } } }] },
            example: {
              success: false,
              error: Number(status),
              message: example,
              ...(status === '422'
                ? { details: [{ field: 'birth_date', message: 'must not be in the future' }, { field: 'nickname', message: 'is not a known field' }] }
                : {}),
              request_id: '974f7b0e-ea88-4901-99ac-8de4bba63bfc',
            },
          },
        },
      },
    ]),
  );

// ---- the document -----------------------------------------------------------

const DESCRIPTION = `The casting agency API: actors, movies and who is cast in what.

## Access

Every endpoint except the three public ones needs an Auth0 access token, sent as \`Authorization: Bearer <token>\`, whose \`permissions\` claim holds the permission the endpoint names. The roles:

${Object.values(ROLES)
  .map((role) => `- **${role.name}**: ${role.permissions.map((permission) => `\`${permission}\``).join(', ')}`)
  .join('\n')}

## Errors

Every error, from every layer, is JSON: \`{"success":false,"error":<status>,"message":"…","request_id":"…"}\`, with \`details\` (one entry per field) where useful. An unknown route is a 404; a known path with a method it does not serve is a 405 with \`Allow\`. A rejected request changes nothing.

## Versions and retries

Every single-record response carries \`ETag: "<version>"\`. PATCH, DELETE and the cast PUT and DELETE honour \`If-Match\` (412 on a mismatch). POST honours \`Idempotency-Key\`: a retry with the same key and body returns the first response and creates nothing new.`;

export const openApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationFor(route) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ensemble API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/', description: 'This host' }],
    tags: TAGS,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An Auth0 RS256 access token for this API (locally, `npm run token -- <role>`).',
        },
      },
      parameters: {
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'The record’s `ETag`, such as `"3"` (with the quotes): the write happens only if the record is still at that version (412 otherwise). `*` means any version.',
          schema: { type: 'string', examples: ['"3"'] },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes the create safe to retry: within 24 h, the same key and body return the first response (with `Idempotent-Replayed: true`) and create nothing new; the same key with another body is a 422. Keys are per caller.',
          schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source, examples: ['5f0c7a1e-2f41-4d55-9a63-4a4f3c2b1d0e'] },
        },
      },
      headers: {
        ETag: {
          description: 'The record’s `version` as a strong entity tag: send it back in `If-Match`.',
          required: true,
          schema: { type: 'string', pattern: '^"[0-9]+"$', examples: ['"1"'] },
        },
        DocumentETag: {
          description: 'A strong entity tag of the document: send it back in `If-None-Match` for a 304 while it is current.',
          required: true,
          schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]+"$' },
        },
        DocumentCacheControl: {
          description: 'Shared caches and browsers may keep the document for five minutes.',
          required: true,
          schema: { type: 'string', const: 'public, max-age=300' },
        },
        Location: {
          description: 'Where to fetch the new record.',
          required: true,
          schema: { type: 'string', format: 'uri-reference', examples: ['/api/v1/actors/01ARZ3NDEKTSV4RRFFQ69G5FAV'] },
        },
        IdempotentReplayed: {
          description: 'Present on a replay of an earlier request with the same `Idempotency-Key`.',
          required: false,
          schema: { type: 'string', const: 'true' },
        },
        Allow: {
          description: 'The methods the path serves.',
          required: true,
          schema: { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$', examples: ['GET, POST'] },
        },
        WWWAuthenticate: {
          description: '`Bearer` when no token was sent, `Bearer error="invalid_token"` for a bad one, `Bearer error="insufficient_scope"` on a 403.',
          required: true,
          schema: { type: 'string', pattern: '^Bearer( error="(invalid_token|insufficient_scope)")?$' },
        },
        RetryAfter: {
          description: 'Seconds to wait before retrying.',
          required: true,
          schema: { type: 'string', pattern: '^[0-9]+$', examples: ['2'] },
        },
      },
      responses: errorResponseComponents(),
      schemas: {
        Actor: toJsonSchema(actorResource, 'output'),
        Movie: toJsonSchema(movieResource, 'output'),
        Error: toJsonSchema(errorResource, 'output'),
        ActorCreate: toJsonSchema(actorCreateBody, 'input'),
        ActorUpdate: toJsonSchema(actorUpdateBody, 'input'),
        MovieCreate: toJsonSchema(movieCreateBody, 'input'),
        MovieUpdate: toJsonSchema(movieUpdateBody, 'input'),
      },
    },
  };
};

/** The text of openapi.json: two-space indented, keys in the order built above, a final newline. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
