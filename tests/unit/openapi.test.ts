/** openapi.json: current with the code, a valid OpenAPI 3.1 document, and saying what the API does. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { OpenAPIV3_1 } from 'openapi-types';
import { openApiText } from '../../lib/http/openapi';
import { ROUTES } from '../../lib/http/routes';
import { dereference } from '../helpers/contract';

const committed = readFileSync('openapi.json', 'utf8');
const document = JSON.parse(committed) as OpenAPIV3_1.Document;
const operation = (method: string, path: string) =>
  (document.paths![path] as Record<string, OpenAPIV3_1.OperationObject>)[method.toLowerCase()]!;
const response = (method: string, path: string, status: string) => operation(method, path).responses![status] as OpenAPIV3_1.ResponseObject;

describe('openapi.json', () => {
  it('is exactly what lib/http/openapi.ts generates', () => {
    const fresh = openApiText();
    // A message instead of a 60 KB diff: the fix is always the same.
    expect(committed === fresh ? 'up to date' : 'openapi.json is out of date: run `npm run openapi` and commit it').toBe('up to date');
  });

  it('is a valid OpenAPI 3.1 document (@apidevtools/swagger-parser validate())', async () => {
    // In a node process of its own: swagger-parser (CommonJS) requires an ES module, which jest's loader cannot before Node 24.9.
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'lib/dev/write-openapi.ts', '--validate']);
    await expect(run.catch((error: unknown) => Promise.reject(new Error((error as { stderr: string }).stderr)))).resolves.toMatchObject({
      stdout: expect.stringContaining('valid OpenAPI 3.1'),
    });
    expect(document.openapi).toBe('3.1.0');
  });

  it('tells a client where a cast replacement is too large for one transaction, and how to do it instead', () => {
    const castOnUpdate = (document.components!.schemas!.MovieUpdate as { properties: Record<string, { description?: string }> }).properties.actor_ids!;
    expect(castOnUpdate.description).toContain('replacing a full cast of 50 with 50 other actors (101 items) is a 422');
    expect(castOnUpdate.description).toContain('two requests');
    expect((document.components!.responses!.UnprocessableEntity as OpenAPIV3_1.ResponseObject).description).toContain(
      'a cast change too large for one transaction',
    );
  });

  it('describes GET /actors/{id}/movies and the not_in_movie filter, which can answer 404', () => {
    expect(Object.keys(response('GET', '/api/v1/actors/{id}/movies', '200').content!['application/json']!.schema!)).toContain('properties');
    const parameters = operation('GET', '/api/v1/actors').parameters as OpenAPIV3_1.ParameterObject[];
    expect(parameters.map((parameter) => parameter.name)).toContain('not_in_movie');
    expect(operation('GET', '/api/v1/actors').responses!['404']).toBeDefined();
  });

  it('holds schemas that compile as strict JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    for (const [name, schema] of Object.entries(document.components!.schemas!)) {
      expect(() => ajv.compile(schema as object)).not.toThrow();
      expect(name).toMatch(/^[A-Z]\w+$/);
    }
  });

  it('gives examples that its own schemas accept', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    let checked = 0;
    const check = (schema: unknown, samples: unknown[], where: string) => {
      const validate = ajv.compile(schema as object);
      for (const sample of samples) {
        expect({ where, errors: validate(sample) ? null : validate.errors }).toEqual({ where, errors: null });
        checked += 1;
      }
    };
    const walk = (node: unknown, where: string): void => {
      if (node === null || typeof node !== 'object') return;
      const object = node as Record<string, unknown>;
      // A media type or parameter with an example, and a schema with examples (an annotation: the schema checks its own).
      if (object.schema !== undefined && object.example !== undefined) check(object.schema, [object.example], where);
      if (Array.isArray(object.examples) && ('type' in object || 'properties' in object)) check(object, object.examples, where);
      for (const [key, value] of Object.entries(object)) walk(value, `${where}/${key}`);
    };
    walk(dereference(document), '#');
    expect(checked).toBeGreaterThan(20);
  });

  it('has one operation per route, named after its function, and nothing else', () => {
    const operations = Object.entries(document.paths!).flatMap(([path, item]) =>
      Object.entries(item as object).map(([method, op]) => `${method.toUpperCase()} ${path} ${(op as OpenAPIV3_1.OperationObject).operationId ?? '(no operationId)'}`),
    );
    expect(operations.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path} ${route.function}`).sort());
  });

  it('states who may call each operation', () => {
    for (const route of ROUTES) {
      const op = operation(route.method, route.path);
      expect(op.security).toEqual(route.permission === null ? [] : [{ bearerAuth: [route.permission] }]);
      expect(Object.keys(op.responses!).includes('401')).toBe(route.permission !== null);
      expect(Object.keys(op.responses!).includes('403')).toBe(route.permission !== null);
    }
  });

  it('describes creates as 201 with Location and ETag, and takes Idempotency-Key', () => {
    for (const path of ['/api/v1/actors', '/api/v1/movies']) {
      const created = response('POST', path, '201');
      expect(Object.keys(created.headers!)).toEqual(expect.arrayContaining(['Location', 'ETag', 'Idempotent-Replayed']));
      expect(operation('POST', path).responses!['200']).toBeUndefined();
      expect(operation('POST', path).parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
      expect(operation('POST', path).requestBody).toBeDefined();
    }
  });

  it('gives every single-record answer an ETag and every conditional write If-Match and 412', () => {
    for (const route of ROUTES) {
      const op = operation(route.method, route.path);
      const ok = (op.responses!['200'] ?? op.responses!['201']) as OpenAPIV3_1.ResponseObject;
      // One record at the top of the body; a list of deleted records nests one in each entry, and has no ETag.
      const properties = (ok.content?.['application/json']?.schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      const single = 'actor' in properties || 'movie' in properties;
      // The documents carry an ETag of their own (a hash, for If-None-Match).
      const document = route.function === 'openapi' || route.function === 'docs';
      expect({ route: route.function, etag: ok.headers?.ETag !== undefined }).toEqual({ route: route.function, etag: single || document });
      if (document) expect(ok.headers?.ETag).toEqual({ $ref: '#/components/headers/DocumentETag' });
      const conditional = ['PATCH', 'PUT', 'DELETE'].includes(route.method);
      expect(op.parameters ?? []).toEqual(conditional ? expect.arrayContaining([{ $ref: '#/components/parameters/IfMatch' }]) : expect.not.arrayContaining([{ $ref: '#/components/parameters/IfMatch' }]));
      expect(Object.keys(op.responses!).includes('412')).toBe(conditional);
    }
  });

  it('describes every field of every request body (lib/validation/schema-docs.ts names each)', () => {
    const bodies = Object.values(document.paths!).flatMap((methods) =>
      Object.values(methods as Record<string, OpenAPIV3_1.OperationObject>).flatMap((op) => {
        const schema = (op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content['application/json']?.schema;
        return schema && '$ref' in schema ? [schema.$ref.split('/').pop()!] : [];
      }),
    );
    expect(bodies.sort()).toEqual(['ActorCreate', 'ActorUpdate', 'MovieCreate', 'MovieUpdate']);
    for (const name of bodies) {
      const { properties } = document.components!.schemas![name] as { properties: Record<string, { description?: string }> };
      const undescribed = Object.entries(properties).filter(([, property]) => !property.description).map(([field]) => `${name}.${field}`);
      expect(undescribed).toEqual([]);
    }
  });

  it('documents the list query parameters with their parsed types', () => {
    const names = (path: string) => (operation('GET', path).parameters as OpenAPIV3_1.ParameterObject[]).map((p) => `${p.in}:${p.name}`);
    expect(names('/api/v1/actors')).toEqual(['query:limit', 'query:cursor', 'query:q', 'query:gender', 'query:min_age', 'query:max_age', 'query:not_in_movie']);
    expect(names('/api/v1/movies')).toEqual(['query:limit', 'query:cursor', 'query:q', 'query:released_after', 'query:released_before']);
    const limit = (operation('GET', '/api/v1/actors').parameters as OpenAPIV3_1.ParameterObject[])[0]!;
    expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
  });

  it('serves the reference page as HTML and errors as the docs/endpoints.md#errors shape, with their headers', () => {
    expect(Object.keys(response('GET', '/api/v1/docs', '200').content!)).toEqual(['text/html']);
    const responses = document.components!.responses as Record<string, OpenAPIV3_1.ResponseObject>;
    expect(Object.keys(responses.MethodNotAllowed!.headers!)).toEqual(['Allow']);
    expect(Object.keys(responses.Unauthorized!.headers!)).toEqual(['WWW-Authenticate']);
    expect(Object.keys(responses.ServiceUnavailable!.headers!)).toEqual(['Retry-After']);
    for (const errorResponse of Object.values(responses)) {
      expect(JSON.stringify(errorResponse.content!['application/json']!.schema)).toContain('#/components/schemas/Error');
    }
  });
});
