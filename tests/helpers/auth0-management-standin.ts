/**
 * A LOCAL STAND-IN FOR AUTH0 (not a mock of Ensemble's own API).
 *
 * `npm run auth0:setup` (lib/deploy/auth0-setup.ts) talks to a real Auth0
 * tenant through the official `auth0` SDK. The tests cannot, so this file
 * plays the tenant: a node:http server on a free 127.0.0.1 port with an
 * in-memory store, implementing exactly the Auth0 endpoints the script calls,
 * with the request and response shapes and status codes Auth0 documents:
 *
 *   POST   /oauth/token                      client_credentials grant for the Management API
 *   GET    /api/v2/resource-servers/{id}     {id} is the API's id or its identifier (audience); 404 if none
 *   POST   /api/v2/resource-servers          201; 409 on a duplicate identifier
 *   PATCH  /api/v2/resource-servers/{id}     200; 404 if none; `scopes` replaces the whole list
 *   GET    /api/v2/roles                     page, per_page, include_totals, name_filter
 *   POST   /api/v2/roles                     200; 409 on a duplicate name
 *   GET    /api/v2/roles/{id}/permissions    page, per_page, include_totals; 404 if no such role
 *   POST   /api/v2/roles/{id}/permissions    201; 404 if no such role or API; 400 if the API lacks the scope
 *   DELETE /api/v2/roles/{id}/permissions    200; 404 if no such role
 *
 * Every /api/v2 call needs a bearer token this stand-in issued, carrying the
 * Management API scope Auth0 requires for that endpoint (403
 * `insufficient_scope` otherwise), so the scopes docs/running-and-testing.md tells users to
 * grant are checked too. Anything else answers 501 and is recorded in
 * `unhandled`, so a new SDK call the stand-in does not know fails the tests
 * loudly instead of passing by accident.
 *
 * The SDK always talks HTTPS to `https://${domain}`; `standin.fetch` is a
 * fetch that sends those requests here instead (and refuses any other host),
 * passed to the script through its test-only `fetch` option.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredScope {
  value: string;
  description?: string;
}

export interface StoredResourceServer {
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: StoredScope[];
  signing_alg: string;
  signing_secret?: string;
  token_lifetime: number;
  token_lifetime_for_web: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  enforce_policies: boolean;
  token_dialect: string;
}

export interface StoredRole {
  id: string;
  name: string;
  description?: string;
}

export interface StoredRolePermission {
  resource_server_identifier: string;
  permission_name: string;
}

export interface StandinStore {
  resourceServers: StoredResourceServer[];
  roles: StoredRole[];
  /** Role id → the permissions granted by that role, across all APIs. */
  rolePermissions: Record<string, StoredRolePermission[]>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v2/roles/rol_x/permissions`. */
  path: string;
  query: string;
  status: number;
}

export interface Auth0ManagementStandin {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The tenant domain this stand-in plays, e.g. `standin-tenant.auth0.test`. */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** Management API scopes granted to the machine-to-machine client. Mutable. */
  grantedScopes: string[];
  store: StandinStore;
  /** Every request, in order. */
  requests: RecordedRequest[];
  /** Requests for endpoints the stand-in does not implement. */
  unhandled: RecordedRequest[];
  /** Access tokens handed out, so tests can check none is ever printed. */
  issuedTokens: string[];
  /** Requests that change the store (everything but GETs and the token endpoint). */
  writes(): RecordedRequest[];
  /** A fetch that routes `https://${domain}/…` to this server and refuses other hosts. */
  fetch: typeof fetch;
  close(): Promise<void>;
}

export interface StandinOptions {
  domain?: string;
  clientId?: string;
  clientSecret?: string;
  grantedScopes?: string[];
}

/** The Management API scope Auth0 requires for each endpoint this stand-in implements. */
const REQUIRED_SCOPE = {
  'GET resource-server': 'read:resource_servers',
  'POST resource-servers': 'create:resource_servers',
  'PATCH resource-server': 'update:resource_servers',
  'GET roles': 'read:roles',
  'POST roles': 'create:roles',
  'GET role-permissions': 'read:roles',
  'POST role-permissions': 'update:roles',
  'DELETE role-permissions': 'update:roles',
} as const;

const SIGNING_ALGS = ['HS256', 'RS256', 'PS256'];
const TOKEN_DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'];
const CREATE_FIELDS = [
  'name', 'identifier', 'scopes', 'signing_alg', 'signing_secret', 'allow_offline_access', 'token_lifetime',
  'token_dialect', 'skip_consent_for_verifiable_first_party_clients', 'enforce_policies',
];
const UPDATE_FIELDS = CREATE_FIELDS.filter((field) => field !== 'identifier');

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  501: 'Not Implemented',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

const newId = (prefix: string, length = 16): string =>
  `${prefix}${randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length)}`;

const readBody = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Invalid request payload JSON format', 'invalid_body');
  }
};

const send = (response: ServerResponse, status: number, body?: unknown): void => {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Auth0's answer to a payload with fields the endpoint does not accept. */
const rejectUnknownFields = (body: Record<string, unknown>, allowed: string[]): void => {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new HttpError(400, `Payload validation error: 'Additional properties not allowed: ${extra.join(',')}'.`, 'invalid_body');
  }
};

/** A rejected value as Auth0's message quotes it: a string as is, anything else as JSON. */
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const validateResourceServerFields = (body: Record<string, unknown>): void => {
  if (body.signing_alg !== undefined && !SIGNING_ALGS.includes(body.signing_alg as string)) {
    throw new HttpError(400, `Payload validation error: 'No enum match for: "${shown(body.signing_alg)}"' on property signing_alg.`, 'invalid_body');
  }
  if (body.token_dialect !== undefined && !TOKEN_DIALECTS.includes(body.token_dialect as string)) {
    throw new HttpError(400, `Payload validation error: 'No enum match for: "${shown(body.token_dialect)}"' on property token_dialect.`, 'invalid_body');
  }
  // Auth0's bounds for an API's access-token lifetime: whole seconds, at most 30 days.
  if (body.token_lifetime !== undefined && !(Number.isInteger(body.token_lifetime) && (body.token_lifetime as number) > 0 && (body.token_lifetime as number) <= 2_592_000)) {
    throw new HttpError(400, "Payload validation error: 'Expected an integer from 1 to 2592000' on property token_lifetime.", 'invalid_body');
  }
  if (body.enforce_policies !== undefined && typeof body.enforce_policies !== 'boolean') {
    throw new HttpError(400, "Payload validation error: 'Expected type boolean' on property enforce_policies.", 'invalid_body');
  }
  if (body.scopes !== undefined) {
    const valid =
      Array.isArray(body.scopes) &&
      body.scopes.every(
        (scope) =>
          isObject(scope) &&
          typeof scope.value === 'string' &&
          scope.value !== '' &&
          (scope.description === undefined || typeof scope.description === 'string') &&
          Object.keys(scope).every((key) => key === 'value' || key === 'description'),
      );
    if (!valid) throw new HttpError(400, "Payload validation error: 'Expected an array of {value, description}' on property scopes.", 'invalid_body');
    const values = (body.scopes as StoredScope[]).map((scope) => scope.value);
    if (new Set(values).size !== values.length) throw new HttpError(400, 'Scopes must be unique.', 'invalid_body');
  }
};

const permissionPairs = (body: unknown): StoredRolePermission[] => {
  const list = isObject(body) ? body.permissions : undefined;
  const valid =
    Array.isArray(list) &&
    list.length > 0 &&
    list.every(
      (item) => isObject(item) && typeof item.resource_server_identifier === 'string' && typeof item.permission_name === 'string',
    );
  if (!valid) {
    throw new HttpError(400, "Payload validation error: 'Missing required property: permissions'.", 'invalid_body');
  }
  return (list as StoredRolePermission[]).map(({ resource_server_identifier, permission_name }) => ({
    resource_server_identifier,
    permission_name,
  }));
};

/** Auth0's offset pagination: a bare array, or `{ <key>, start, limit, total }` with include_totals=true. */
const paginate = (items: unknown[], query: URLSearchParams, key: string): unknown => {
  const perPage = Number(query.get('per_page') ?? 50);
  const page = Number(query.get('page') ?? 0);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100 || !Number.isInteger(page) || page < 0) {
    throw new HttpError(400, 'Query validation error: per_page must be 1..100 and page a non-negative integer.', 'invalid_query_string');
  }
  const slice = items.slice(page * perPage, page * perPage + perPage);
  return query.get('include_totals') === 'true' ? { [key]: slice, start: page * perPage, limit: perPage, total: items.length } : slice;
};

export const startAuth0ManagementStandin = async (options: StandinOptions = {}): Promise<Auth0ManagementStandin> => {
  const domain = options.domain ?? 'standin-tenant.auth0.test';
  const clientId = options.clientId ?? newId('', 32);
  const clientSecret = options.clientSecret ?? randomBytes(48).toString('base64url');
  const managementAudience = `https://${domain}/api/v2/`;
  const tokens = new Map<string, string[]>();

  const standin = {
    domain,
    clientId,
    clientSecret,
    grantedScopes: options.grantedScopes ?? [...new Set(Object.values(REQUIRED_SCOPE))],
    store: {
      // Every tenant has the Management API itself as a system API.
      resourceServers: [
        {
          id: newId('', 24),
          name: 'Auth0 Management API',
          identifier: managementAudience,
          is_system: true,
          scopes: [...new Set(Object.values(REQUIRED_SCOPE))].map((value) => ({ value })),
          signing_alg: 'RS256',
          token_lifetime: 86400,
          token_lifetime_for_web: 7200,
          allow_offline_access: false,
          skip_consent_for_verifiable_first_party_clients: false,
          enforce_policies: false,
          token_dialect: 'access_token',
        },
      ],
      roles: [],
      rolePermissions: {},
    } as StandinStore,
    requests: [] as RecordedRequest[],
    unhandled: [] as RecordedRequest[],
    issuedTokens: [] as string[],
  };
  const { store } = standin;

  const findResourceServer = (idOrIdentifier: string): StoredResourceServer | undefined =>
    store.resourceServers.find((server) => server.id === idOrIdentifier || server.identifier === idOrIdentifier);

  const findRole = (id: string): StoredRole => {
    const role = store.roles.find((candidate) => candidate.id === id);
    if (role === undefined) throw new HttpError(404, 'The role does not exist.', 'inexistent_role');
    return role;
  };

  const oauthToken = (body: unknown): [number, unknown] => {
    const form = isObject(body) ? body : {};
    if (form.grant_type !== 'client_credentials') {
      return [400, { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${String(form.grant_type)}` }];
    }
    if (form.client_id !== clientId || form.client_secret !== clientSecret) {
      return [401, { error: 'access_denied', error_description: 'Unauthorized' }];
    }
    if (form.audience !== managementAudience) {
      return [403, { error: 'access_denied', error_description: `Service not enabled within domain: ${String(form.audience)}` }];
    }
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, [...standin.grantedScopes]);
    standin.issuedTokens.push(accessToken);
    return [200, { access_token: accessToken, scope: standin.grantedScopes.join(' '), expires_in: 86400, token_type: 'Bearer' }];
  };

  const authorize = (request: IncomingMessage, scope: string): void => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const granted = match === null ? undefined : tokens.get(match[1]!);
    if (granted === undefined) throw new HttpError(401, 'Invalid token', 'invalid_token');
    if (!granted.includes(scope)) {
      throw new HttpError(403, `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope');
    }
  };

  /** The /api/v2 routes: [route key for the scope table, handler]. */
  const route = (method: string, path: string): [keyof typeof REQUIRED_SCOPE, (body: unknown, query: URLSearchParams) => [number, unknown]] | undefined => {
    const parts = path.split('/').slice(3).map(decodeURIComponent); // drop '', 'api', 'v2'
    const [collection, id, sub, ...rest] = parts;
    if (rest.length > 0) return undefined;

    if (collection === 'resource-servers' && id === undefined && method === 'POST') {
      return ['POST resource-servers', (body) => {
        if (!isObject(body)) throw new HttpError(400, "Payload validation error: 'Expected type object'.", 'invalid_body');
        rejectUnknownFields(body, CREATE_FIELDS);
        if (typeof body.identifier !== 'string' || body.identifier === '') {
          throw new HttpError(400, "Payload validation error: 'Missing required property: identifier'.", 'invalid_body');
        }
        validateResourceServerFields(body);
        if (findResourceServer(body.identifier) !== undefined) {
          throw new HttpError(409, 'A resource server with the same identifier already exists', 'resource_server_conflict');
        }
        const created: StoredResourceServer = {
          id: newId('', 24),
          name: typeof body.name === 'string' ? body.name : body.identifier,
          identifier: body.identifier,
          is_system: false,
          scopes: (body.scopes as StoredScope[] | undefined) ?? [],
          signing_alg: (body.signing_alg as string | undefined) ?? 'RS256',
          token_lifetime: (body.token_lifetime as number | undefined) ?? 86400,
          token_lifetime_for_web: 7200,
          allow_offline_access: (body.allow_offline_access as boolean | undefined) ?? false,
          skip_consent_for_verifiable_first_party_clients:
            (body.skip_consent_for_verifiable_first_party_clients as boolean | undefined) ?? false,
          enforce_policies: (body.enforce_policies as boolean | undefined) ?? false,
          token_dialect: (body.token_dialect as string | undefined) ?? 'access_token',
        };
        store.resourceServers.push(created);
        return [201, structuredClone(created)];
      }];
    }
    if (collection === 'resource-servers' && id !== undefined && sub === undefined && (method === 'GET' || method === 'PATCH')) {
      const existing = (): StoredResourceServer => {
        const server = findResourceServer(id);
        if (server === undefined) throw new HttpError(404, 'The resource server does not exist', 'inexistent_resource_server');
        return server;
      };
      if (method === 'GET') return ['GET resource-server', () => [200, structuredClone(existing())]];
      return ['PATCH resource-server', (body) => {
        const server = existing();
        if (!isObject(body)) throw new HttpError(400, "Payload validation error: 'Expected type object'.", 'invalid_body');
        rejectUnknownFields(body, UPDATE_FIELDS);
        validateResourceServerFields(body);
        if (server.is_system) throw new HttpError(403, 'You cannot update a system resource server', 'operation_not_supported');
        Object.assign(server, structuredClone(body));
        return [200, structuredClone(server)];
      }];
    }
    if (collection === 'roles' && id === undefined && method === 'GET') {
      return ['GET roles', (_body, query) => {
        const filter = query.get('name_filter')?.toLowerCase();
        const roles = store.roles.filter((role) => filter === undefined || role.name.toLowerCase().includes(filter));
        return [200, paginate(structuredClone(roles), query, 'roles')];
      }];
    }
    if (collection === 'roles' && id === undefined && method === 'POST') {
      return ['POST roles', (body) => {
        if (!isObject(body)) throw new HttpError(400, "Payload validation error: 'Expected type object'.", 'invalid_body');
        rejectUnknownFields(body, ['name', 'description']);
        if (typeof body.name !== 'string' || body.name === '') {
          throw new HttpError(400, "Payload validation error: 'Missing required property: name'.", 'invalid_body');
        }
        if (store.roles.some((role) => role.name === body.name)) throw new HttpError(409, 'Role name already exists', 'role_conflict');
        const role: StoredRole = { id: newId('rol_'), name: body.name };
        if (typeof body.description === 'string') role.description = body.description;
        store.roles.push(role);
        store.rolePermissions[role.id] = [];
        return [200, structuredClone(role)];
      }];
    }
    if (collection === 'roles' && id !== undefined && sub === 'permissions') {
      if (method === 'GET') {
        return ['GET role-permissions', (_body, query) => {
          findRole(id);
          const permissions = (store.rolePermissions[id] ?? []).map((permission) => {
            const server = findResourceServer(permission.resource_server_identifier);
            const scope = server?.scopes.find((candidate) => candidate.value === permission.permission_name);
            return {
              permission_name: permission.permission_name,
              description: scope?.description ?? '',
              resource_server_name: server?.name ?? permission.resource_server_identifier,
              resource_server_identifier: permission.resource_server_identifier,
            };
          });
          return [200, paginate(permissions, query, 'permissions')];
        }];
      }
      if (method === 'POST') {
        return ['POST role-permissions', (body) => {
          findRole(id);
          const pairs = permissionPairs(body);
          for (const pair of pairs) {
            const server = findResourceServer(pair.resource_server_identifier);
            if (server === undefined) throw new HttpError(404, 'Resource server not found', 'inexistent_resource_server');
            if (!server.scopes.some((scope) => scope.value === pair.permission_name)) {
              throw new HttpError(400, `Permission ${pair.permission_name} does not exist on resource server ${server.identifier}`, 'invalid_body');
            }
          }
          const granted = (store.rolePermissions[id] ??= []);
          for (const pair of pairs) {
            const present = granted.some(
              (permission) =>
                permission.resource_server_identifier === pair.resource_server_identifier && permission.permission_name === pair.permission_name,
            );
            if (!present) granted.push(pair);
          }
          return [201, undefined];
        }];
      }
      if (method === 'DELETE') {
        return ['DELETE role-permissions', (body) => {
          findRole(id);
          const pairs = permissionPairs(body);
          store.rolePermissions[id] = (store.rolePermissions[id] ?? []).filter(
            (permission) =>
              !pairs.some(
                (pair) =>
                  pair.resource_server_identifier === permission.resource_server_identifier && pair.permission_name === permission.permission_name,
              ),
          );
          return [200, undefined];
        }];
      }
    }
    return undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://standin');
    const method = request.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, query: url.search, status: 0 };
    standin.requests.push(record);
    let status: number;
    let body: unknown;
    try {
      const payload = await readBody(request);
      if (method === 'POST' && url.pathname === '/oauth/token') {
        [status, body] = oauthToken(payload);
      } else {
        const matched = url.pathname.startsWith('/api/v2/') ? route(method, url.pathname) : undefined;
        if (matched === undefined) {
          standin.unhandled.push(record);
          throw new HttpError(501, `The Auth0 stand-in does not implement ${method} ${url.pathname}`);
        }
        const [key, handler] = matched;
        authorize(request, REQUIRED_SCOPE[key]);
        [status, body] = handler(payload, url.searchParams);
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      body = {
        statusCode: error.status,
        error: STATUS_TEXT[error.status] ?? 'Error',
        message: error.message,
        ...(error.errorCode === undefined ? {} : { errorCode: error.errorCode }),
      };
    }
    record.status = status;
    send(response, status, body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { statusCode: 500, error: 'Internal Server Error', message: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const routedFetch: typeof fetch = (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const origin = `https://${domain}/`;
    if (!target.startsWith(origin)) {
      return Promise.reject(new Error(`The Auth0 stand-in refuses a request to ${target}: only ${origin} is played here.`));
    }
    return fetch(`${url}/${target.slice(origin.length)}`, init);
  };

  return Object.assign(standin, {
    url,
    fetch: routedFetch,
    writes: () => standin.requests.filter((request) => request.method !== 'GET' && request.path !== '/oauth/token'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};
