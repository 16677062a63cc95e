/**
 * The OpenAPI 3.1 description of the API, built from the route table
 * (lib/http/route-table.ts) and the very zod schemas the handlers validate
 * with, so it cannot drift from them; the prose of each route comes from
 * lib/http/route-docs.ts, what it says of the request schemas beyond zod from
 * lib/validation/schema-docs.ts.
 *
 * `npm run openapi` writes it to openapi.json (lib/dev/write-openapi.ts); the
 * openapi and docs functions serve that file, tests/unit/openapi.test.ts keeps
 * it current and valid, and the HTTP tests check every response against it.
 */
import * as z from 'zod/mini';
import { ROLES } from '../auth/permissions';
import { actorResource, errorResource, movieResource } from '../validation/resources';
import { jsonSchemaHints } from '../validation/schema-docs';
import { IDEMPOTENCY_KEY } from './preconditions';
import { ROUTE_DOCS, TAGS, type RouteDocsFields } from './route-docs';
import type { ErrorStatus, Resource, RouteDefinition } from './route-table';
import { errorStatuses, routes, type RouteName } from './routes';

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

const SCHEMA_NAMES = { actor: 'Actor', movie: 'Movie' } as const satisfies Record<Resource, string>;

const list = (resource: Resource) => ({ type: 'array', items: ref('schemas', SCHEMA_NAMES[resource]) });
const oneRecord = (resource: Resource) => json(envelope({ [resource]: ref('schemas', SCHEMA_NAMES[resource]) }));
const DOCUMENT_HEADERS = { ETag: ref('headers', 'DocumentETag'), 'Cache-Control': ref('headers', 'DocumentCacheControl') };

/** The response of docs/endpoints.md#endpoints-with-examples that the route's response kind names. */
const successResponse = (route: RouteDefinition, docs: RouteDocsFields) => {
  const { response } = route;
  switch (response.kind) {
    case 'document':
      return {
        description: docs.responseDescription,
        headers: DOCUMENT_HEADERS,
        content: { [response.mediaType]: { schema: docs.responseSchema } },
      };
    case 'health':
      return { description: 'The service is up.', content: json(envelope({ status: { const: 'ok' } })) };
    case 'page':
      return {
        description: `A page of ${response.resource}s.`,
        content: json(
          envelope({
            [`${response.resource}s`]: list(response.resource),
            total: {
              type: ['integer', 'null'],
              minimum: 0,
              description:
                'Every record of this kind, eventually consistent: it follows creates and deletes within about a second. `null` when a filter or `q` applies.',
            },
            next_cursor: { type: ['string', 'null'], description: 'Pass it back as `cursor` for the next page; `null` on the last page.' },
          }),
        ),
      };
    case 'list':
      return { description: docs.responseDescription, content: json(envelope({ [`${response.resource}s`]: list(response.resource) })) };
    case 'deleted':
      return { description: 'Deleted.', content: json(envelope({ deleted: { type: 'string', description: 'The id of the deleted record.' } })) };
    case 'deletedPage':
      return {
        description: `A page of the ${response.resource}s deleted in the last 30 days, newest deletion first.`,
        content: json(
          envelope({
            [`deleted_${response.resource}s`]: {
              type: 'array',
              items: {
                type: 'object',
                required: [response.resource, 'deleted_at', 'deleted_by'],
                properties: {
                  [response.resource]: { ...ref('schemas', SCHEMA_NAMES[response.resource]), description: `The ${response.resource} as it was when deleted, links included.` },
                  deleted_at: { type: 'string', format: 'date-time', description: 'When it was deleted; it can be restored for 30 days after.' },
                  deleted_by: { type: ['string', 'null'], description: 'The `sub` of the token that deleted it; `null` if not deleted through the API.' },
                },
                additionalProperties: false,
              },
            },
            next_cursor: { type: ['string', 'null'], description: 'Pass it back as `cursor` for the next page; `null` on the last page.' },
          }),
        ),
      };
    case 'restored':
      return {
        description: `Restored. A replay (same \`Idempotency-Key\`) answers with the ${response.resource} as it is now and the same \`unrestored_links\`.`,
        headers: { ETag: ref('headers', 'ETag'), 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') },
        content: json(
          envelope({
            [response.resource]: ref('schemas', SCHEMA_NAMES[response.resource]),
            unrestored_links: {
              type: 'array',
              description: 'The links it had when deleted that could not come back: the other record was deleted since, or its cast or filmography is full.',
              items: {
                type: 'object',
                required: ['id', 'reason'],
                properties: { id: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' }, reason: { enum: ['deleted', 'full'] } },
                additionalProperties: false,
              },
            },
          }),
        ),
      };
    case 'created':
      return {
        description: `Created. A replay (same \`Idempotency-Key\` and body) returns the first response again.`,
        headers: { Location: ref('headers', 'Location'), ETag: ref('headers', 'ETag'), 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') },
        content: oneRecord(response.resource),
      };
    case 'record':
      return {
        description: `The ${response.resource}.`,
        headers: { ETag: ref('headers', 'ETag') },
        content: oneRecord(response.resource),
      };
  }
};

/** Every error status the route can answer, each a reference to components.responses. */
const errorResponses = (route: RouteDefinition) =>
  Object.fromEntries(errorStatuses(route).map((status) => [String(status), ref('responses', ERRORS[status].name)]));

const parametersOf = (route: RouteDefinition, docs: RouteDocsFields) => {
  const pathSchemas = route.params === undefined ? {} : propertiesOf(route.params, 'output');
  const path = [];
  let previous = '';
  for (const segment of route.path.split('/')) {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    // The segment before an id names its collection: /movies/{id}/actors/{actor_id}.
    if (name !== undefined) {
      path.push({ name, in: 'path', required: true, description: `The ${previous.replace(/s$/, '')}’s id.`, schema: pathSchemas[name] });
    }
    previous = segment;
  }
  const query =
    route.query === undefined
      ? []
      : Object.entries(propertiesOf(route.query, 'output')).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          description: docs.query?.[name],
          schema,
        }));
  const headers = [
    ...(route.ifMatch ? [ref('parameters', 'IfMatch')] : []),
    ...(route.idempotencyKey ? [ref('parameters', 'IdempotencyKey')] : []),
  ];
  return [...path, ...query, ...headers];
};

const operationFor = (name: RouteName, route: RouteDefinition, docs: RouteDocsFields) => {
  const access = route.permission === null ? 'Public: no token needed.' : `Needs the \`${route.permission}\` permission.`;
  const parameters = parametersOf(route, docs);
  return {
    operationId: name,
    tags: [docs.tag],
    summary: docs.summary,
    description: [docs.description, access].filter(Boolean).join('\n\n'),
    security: route.permission === null ? [] : [{ bearerAuth: [route.permission] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(docs.requestBody
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('schemas', docs.requestBody.component), example: docs.requestBody.example } },
          },
        }
      : {}),
    responses: {
      [route.response.kind === 'created' ? '201' : '200']: successResponse(route, docs),
      ...(route.response.kind === 'document'
        ? {
            '304': {
              description: 'Not modified: `If-None-Match` names the current `ETag`; no body.',
              headers: DOCUMENT_HEADERS,
            },
          }
        : {}),
      ...errorResponses(route),
    },
  };
};

/** Each route with its prose, in the order of lib/http/route-docs.ts. */
const documentedRoutes = (): { name: RouteName; route: RouteDefinition; docs: RouteDocsFields }[] => {
  const docsByName: Record<RouteName, RouteDocsFields> = ROUTE_DOCS;
  return (Object.keys(docsByName) as RouteName[]).map((name) => ({ name, route: routes[name], docs: docsByName[name] }));
};

// ---- errors ---------------------------------------------------------------

interface ErrorDocs {
  name: string;
  description: string;
  /** A message the API really sends with this status. */
  example: string;
  headers?: Record<string, unknown>;
}

const ERRORS: Record<ErrorStatus, ErrorDocs> = {
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
    description: 'An unknown id (or, for the cast, an actor not in it; for a restore, a record not deleted in the last 30 days or restored already), or an unknown route.',
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
    description:
      'An actor with that name, or a movie with that title and release date, already exists (ignoring case and extra spaces); for a restore, another record took it meanwhile.',
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
  const documented = documentedRoutes();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { name, route, docs } of documented) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationFor(name, route, docs) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ensemble API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/', description: 'This host' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
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
            'Makes the create (or restore) safe to retry: within 24 h, the same key and body (for a restore, the same id) return the first response (with `Idempotent-Replayed: true`) and create nothing new; the same key with another body is a 422. Keys are per caller.',
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
        ...Object.fromEntries(
          documented.flatMap(({ route, docs }) =>
            route.body === undefined || docs.requestBody === undefined ? [] : [[docs.requestBody.component, toJsonSchema(route.body, 'input')]],
          ),
        ),
      },
    },
  };
};

/** The text of openapi.json: two-space indented, keys in the order built above, a final newline. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
