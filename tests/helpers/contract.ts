/**
 * Contract checks: every response the HTTP tests receive (tests/helpers/api.ts)
 * must be one that openapi.json describes, or the test that made the call
 * fails. The operation is found by method and path template, the response by
 * status; then its documented headers (required ones must be present, every
 * present one must match its schema), its media type and its body (JSON
 * Schema 2020-12, with ajv) are checked.
 *
 * A path no template matches must be a 404, and a matched path with a method
 * the document does not list a 405; both are checked against the document's
 * NotFound and MethodNotAllowed responses (the docs/endpoints.md#errors error body).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

interface Schema {
  [keyword: string]: unknown;
}
interface Header {
  required?: boolean;
  schema: Schema;
}
interface Response {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId: string;
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Response> };
}

const CONTRACT_FILE = 'openapi.json';

/** The document with every local $ref replaced by what it points to (it has no cycles). */
export const dereference = (root: unknown): Document => {
  const lookup = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split('/')
      .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, key) => {
        if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`${CONTRACT_FILE}: dangling $ref ${pointer}`);
        return (node as Record<string, unknown>)[key];
      }, root);
  const resolve = (node: unknown, trail: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => resolve(item, trail));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Record<string, unknown>;
    if (typeof $ref === 'string' && $ref.startsWith('#/')) {
      if (trail.includes($ref)) throw new Error(`${CONTRACT_FILE}: circular $ref ${$ref}`);
      return { ...(resolve(lookup($ref), [...trail, $ref]) as object), ...(resolve(rest, trail) as object) };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value, trail)]));
  };
  return resolve(root, []) as Document;
};

let contract: { document: Document; templates: string[] } | undefined;
const load = () => {
  if (contract === undefined) {
    const document = dereference(JSON.parse(readFileSync(CONTRACT_FILE, 'utf8')));
    // Literal segments win over parameters, as in any router.
    const parameters = (template: string) => template.split('{').length;
    contract = { document, templates: Object.keys(document.paths).sort((a, b) => parameters(a) - parameters(b)) };
  }
  return contract;
};

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validators = new WeakMap<Schema, ValidateFunction>();
const validatorFor = (schema: Schema): ValidateFunction => {
  let validate = validators.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
};

/**
 * The path template of the document that serves `path` (no query string), if
 * any. A trailing slash is dropped first, as serverless-offline's router does
 * (hapi's stripTrailingSlash) before the function sees the path.
 */
export const templateFor = (path: string, verb?: string): string | undefined => {
  const actual = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  const matching = load().templates.filter((template) => {
    const expected = template.split('/');
    return expected.length === actual.length && expected.every((segment, index) => (segment.startsWith('{') ? actual[index] !== '' : segment === actual[index]));
  });
  // API Gateway matches the method too: PATCH /actors/deleted is no route of its literal path, so it reaches /actors/{id}.
  return matching.find((template) => verb !== undefined && load().document.paths[template]![verb] !== undefined) ?? matching[0];
};

/** Compiles every schema the checks can meet (for a unit test: a schema ajv refuses would otherwise surface mid-suite). */
export const compileEveryResponseSchema = (): number => {
  const { document } = load();
  const responses = [
    ...Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((operation) => Object.values(operation.responses))),
    ...Object.values(document.components.responses),
  ];
  let count = 0;
  for (const response of responses) {
    const schemas = [
      ...Object.values(response.headers ?? {}).map((header) => header.schema),
      ...Object.values(response.content ?? {}).map((media) => media.schema),
    ];
    for (const schema of schemas) {
      validatorFor(schema);
      count += 1;
    }
  }
  return count;
};

export interface ObservedResponse {
  method: string;
  /** As requested, query string included. */
  path: string;
  status: number;
  headers: Headers;
  /** The raw body text. */
  text: string;
}

export class ContractError extends Error {
  override name = 'ContractError';
}

/** Throws a ContractError unless openapi.json describes this response. */
export const checkContract = ({ method, path, status, headers, text }: ObservedResponse): void => {
  const { document } = load();
  // The path as fetch sends it: dot segments resolved, query and fragment dropped.
  const bare = new URL(path, 'http://api.invalid').pathname;
  // A declaration, not an arrow in a const: only then does TypeScript know nothing runs after a call.
  function fail(problem: string): never {
    throw new ContractError(
      `${method} ${path} → ${status} breaks ${CONTRACT_FILE}: ${problem}.\n` +
        `Body: ${text.length > 400 ? `${text.slice(0, 400)}…` : text}\n` +
        'Fix the API, or, if the API is right, the document (lib/http/openapi.ts, then `npm run openapi`).',
    );
  }

  // HEAD is served as GET, without a body.
  const verb = method.toUpperCase() === 'HEAD' ? 'get' : method.toLowerCase();
  const template = templateFor(bare, verb);
  let response: Response | undefined;
  let where: string;
  if (template === undefined) {
    if (status !== 404) fail('no path of the document matches, so the answer must be a 404');
    response = document.components.responses.NotFound;
    where = 'components.responses.NotFound';
  } else if (document.paths[template]![verb] === undefined) {
    const served = Object.keys(document.paths[template]!).map((m) => m.toUpperCase());
    if (status !== 405) fail(`${template} serves only ${served.join(', ')}, so the answer must be a 405`);
    response = document.components.responses.MethodNotAllowed;
    where = 'components.responses.MethodNotAllowed';
  } else {
    const operation = document.paths[template]![verb];
    const code = String(status);
    const key = [code, `${code.slice(0, 1)}XX`, 'default'].find((candidate) => operation.responses[candidate] !== undefined);
    if (key === undefined) fail(`${operation.operationId} does not document a ${status} (it documents ${Object.keys(operation.responses).join(', ')})`);
    response = operation.responses[key]!;
    where = `paths['${template}'].${verb}.responses['${key}']`;
  }
  if (response === undefined) throw new Error(`${CONTRACT_FILE} lacks the response for ${method} ${path} → ${status}.`);

  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = headers.get(name);
    if (value === null) {
      if (header.required) fail(`the ${name} header that ${where} requires is missing`);
      continue;
    }
    const validate = validatorFor(header.schema);
    if (!validate(value)) fail(`header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors, { dataVar: name })} (${where})`);
  }

  if (method.toUpperCase() === 'HEAD') return;
  const media = Object.keys(response.content ?? {});
  if (media.length === 0) {
    if (text !== '') fail(`${where} has no body, yet one came`);
    return;
  }
  const contentType = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const mediaType = media.find((candidate) => candidate === contentType);
  if (mediaType === undefined) fail(`Content-Type is "${contentType}", not ${media.join(' or ')} (${where})`);
  let body: unknown = text;
  if (mediaType === 'application/json') {
    try {
      body = JSON.parse(text);
    } catch {
      fail(`the body is not JSON (${where})`);
    }
  }
  const validate = validatorFor(response.content![mediaType]!.schema);
  if (!validate(body)) fail(`${ajv.errorsText(validate.errors, { dataVar: 'body' })} (${where})`);
};
