/**
 * The OpenAPI 3.1 description of the API, built from the route table and the
 * very zod schemas the handlers validate with, so it cannot drift from them.
 */
import * as z from 'zod/mini';
import { ROLES } from '../auth/permissions';
import {
  actorCreateBody,
  actorListQuery,
  actorResource,
  actorUpdateBody,
  errorResource,
  movieCreateBody,
  movieListQuery,
  movieResource,
  movieUpdateBody,
} from '../validation/schemas';
import { ROUTES, type Route } from './routes';

const schema = (zodSchema: z.ZodMiniType) => {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(zodSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (body: unknown) => ({ 'application/json': { schema: body } });
const success = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: ['success', ...Object.keys(properties)],
  properties: { success: { const: true }, ...properties },
});

const bodies: Record<string, string> = {
  createActor: 'ActorCreate',
  updateActor: 'ActorUpdate',
  createMovie: 'MovieCreate',
  updateMovie: 'MovieUpdate',
};

const queries: Record<string, z.ZodMiniType> = { listActors: actorListQuery, listMovies: movieListQuery };

const successBody = (route: Route): unknown => {
  const fn = route.function;
  if (fn === 'health') return success({ status: { const: 'ok' } });
  if (fn === 'openapi') return { type: 'object' };
  if (fn === 'docs') return undefined;
  if (fn === 'listActors') return success({ actors: { type: 'array', items: ref('Actor') }, total: { type: ['integer', 'null'] }, next_cursor: { type: ['string', 'null'] } });
  if (fn === 'listMovies') return success({ movies: { type: 'array', items: ref('Movie') }, total: { type: ['integer', 'null'] }, next_cursor: { type: ['string', 'null'] } });
  if (fn === 'getMovieCast') return success({ actors: { type: 'array', items: ref('Actor') } });
  if (route.method === 'DELETE' && fn !== 'removeMovieActor') return success({ deleted: { type: 'string' } });
  return success(fn.includes('Actor') && !fn.includes('Movie') ? { actor: ref('Actor') } : { movie: ref('Movie') });
};

const errorStatuses = (route: Route): string[] => {
  const statuses = new Set<string>();
  if (route.permission !== null) statuses.add('401').add('403');
  if (route.path.includes('{')) statuses.add('400').add('404');
  if (route.function in queries) statuses.add('400');
  if (route.function in bodies) statuses.add('413').add('415').add('422').add('400');
  if (route.method === 'POST' || route.method === 'PATCH') statuses.add('409').add('422');
  if (route.method === 'PUT') statuses.add('422');
  if (route.method === 'PATCH' || route.method === 'DELETE' || route.method === 'PUT') statuses.add('412');
  statuses.add('500').add('503');
  return [...statuses].sort();
};

const operationFor = (route: Route) => {
  const body = successBody(route);
  const okStatus = route.method === 'POST' ? '201' : '200';
  const queryParameters = queries[route.function]
    ? Object.entries((schema(queries[route.function]!) as { properties: Record<string, unknown> }).properties).map(
        ([name, parameterSchema]) => ({ name, in: 'query', required: false, schema: parameterSchema }),
      )
    : [];
  const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' },
  }));
  const ifMatch =
    route.method === 'PATCH' || route.method === 'PUT' || (route.method === 'DELETE')
      ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The record\'s ETag, e.g. "3": the write happens only if it is still at that version (412 otherwise).' }]
      : [];
  const idempotency =
    route.method === 'POST'
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 }, description: 'Makes the create safe to retry: the same key and body within 24 h return the first response (with Idempotent-Replayed: true) and create nothing new; the same key with another body is a 422.' }]
      : [];
  return {
    operationId: route.function,
    summary: `${route.method} ${route.path.replace('/api/v1', '')}`,
    ...(route.permission === null
      ? { security: [] }
      : { security: [{ bearerAuth: [route.permission] }], description: `Needs the \`${route.permission}\` permission.` }),
    parameters: [...pathParameters, ...queryParameters, ...ifMatch, ...idempotency],
    ...(bodies[route.function] ? { requestBody: { required: true, content: jsonContent(ref(bodies[route.function]!)) } } : {}),
    responses: {
      [okStatus]: {
        description: 'Success',
        ...(route.function === 'docs'
          ? { content: { 'text/html': { schema: { type: 'string' } } } }
          : body === undefined
            ? {}
            : { content: jsonContent(body) }),
      },
      ...Object.fromEntries(errorStatuses(route).map((status) => [status, { $ref: '#/components/responses/Error' }])),
    },
  };
};

export const openApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationFor(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ensemble',
      version: '1.0.0',
      description:
        'The casting agency API: actors, movies and who is cast in what. Roles: ' +
        Object.values(ROLES)
          .map((role) => `${role.name} (${role.permissions.join(', ')})`)
          .join('; ') +
        '.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: { Error: { description: 'Error (SPEC §5 format)', content: jsonContent(ref('Error')) } },
      schemas: {
        Actor: schema(actorResource),
        Movie: schema(movieResource),
        Error: schema(errorResource),
        ActorCreate: schema(actorCreateBody),
        ActorUpdate: schema(actorUpdateBody),
        MovieCreate: schema(movieCreateBody),
        MovieUpdate: schema(movieUpdateBody),
      },
    },
  };
};
