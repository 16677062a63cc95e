/**
 * npm run auth0:setup [-- --dry-run] [--audience <identifier>] [--name <API name>]
 *
 * Creates or updates, idempotently, what Ensemble needs in an Auth0 tenant
 * (README.md#roles-and-permissions), through the official `auth0` SDK's ManagementClient:
 *   - the API (resource server) whose identifier is API_AUDIENCE: RS256, RBAC
 *     on (`enforce_policies`), permissions in the access token
 *     (`token_dialect: access_token_authz`), access tokens valid an hour
 *     (`token_lifetime`, `--token-lifetime`), and exactly the 8 permissions of
 *     lib/auth/permissions.ts as its scopes;
 *   - the 3 roles, each granted exactly its permissions of this API (missing
 *     ones added, extra ones of this API removed; other APIs' left alone).
 *
 * It works in three parts, below in this order:
 *   1. read the tenant, once: the API, the roles, and the permissions of the
 *      roles named like Ensemble's (GETs only);
 *   2. plan: from what was read, a list of steps, each either "unchanged: …"
 *      or one Management API call (`apply`) with the changes it makes, one
 *      line each ("create role …", "add permission … to role …"); a tenant it
 *      cannot fix (the audience is a system API, two roles share a name)
 *      stops here, before any write;
 *   3. run the plan: print each step's lines, and apply it unless
 *      `--dry-run`. The same loop serves both: a dry run prints
 *      "would create role …" where a real run, after the call, prints
 *      "created role …", and that is all that differs.
 * A missing role takes two steps: one creates it, the next grants its
 * permissions with the id the first call returned.
 *
 * Credentials: AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of a
 * machine-to-machine application authorised for the Auth0 Management API
 * with the scopes in MANAGEMENT_SCOPES. Secrets and tokens are never printed.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Management, ManagementClient, ManagementError } from 'auth0';
import { PERMISSIONS, ROLE_SLUGS, ROLES, type RoleSlug } from '../auth/permissions';

/**
 * The Management API scopes the machine-to-machine application needs, by call:
 *   read:resource_servers    GET   /api/v2/resource-servers/{audience}
 *   create:resource_servers  POST  /api/v2/resource-servers
 *   update:resource_servers  PATCH /api/v2/resource-servers/{id}
 *   read:roles               GET   /api/v2/roles, GET /api/v2/roles/{id}/permissions
 *   create:roles             POST  /api/v2/roles
 *   update:roles             POST and DELETE /api/v2/roles/{id}/permissions
 * (Auth0 has no separate role-permission scopes: reading a role's permissions
 * needs read:roles, adding or removing them needs update:roles.)
 */
export const MANAGEMENT_SCOPES = [
  'read:resource_servers',
  'create:resource_servers',
  'update:resource_servers',
  'read:roles',
  'create:roles',
  'update:roles',
] as const;

/** What the API must look like (besides its scopes). */
export const API_SETTINGS = {
  signing_alg: 'RS256',
  enforce_policies: true,
  token_dialect: 'access_token_authz',
} as const;

/**
 * How long an access token for the API is valid, unless `--token-lifetime` says otherwise. A token keeps the
 * permissions it was issued with until it expires, so this bounds how long a removed role still works
 * (docs/running-and-testing.md#provisioning-auth0-with-a-script). Auth0's own default is a day.
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** A minute at least (shorter only multiplies token requests); a day at most (Auth0's default, the bound this setting exists to lower). */
const MIN_TOKEN_LIFETIME_SECONDS = 60;
const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

const badTokenLifetime = (given: string): SetupConfigError =>
  new SetupConfigError(
    `The access-token lifetime must be a whole number of seconds from ${String(MIN_TOKEN_LIFETIME_SECONDS)} to ` +
      `${String(MAX_TOKEN_LIFETIME_SECONDS)}, not ${given}.`,
  );

const readTokenLifetime = (seconds: number | undefined): number => {
  const lifetime = seconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < MIN_TOKEN_LIFETIME_SECONDS || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw badTokenLifetime(String(seconds));
  }
  return lifetime;
};

/** Everything the API's settings must be, with the access-token lifetime chosen. */
const apiSettings = (tokenLifetime: number) => ({ ...API_SETTINGS, token_lifetime: tokenLifetime });
type ApiSettings = ReturnType<typeof apiSettings>;

const SETTING_LABELS: Record<keyof ApiSettings, string> = {
  signing_alg: 'signing algorithm',
  enforce_policies: 'RBAC (enforce_policies)',
  token_dialect: 'token dialect (access_token_authz = permissions in the access token)',
  token_lifetime: 'access-token lifetime',
};

/** A setting's value as the change lines print it: the lifetime with its unit. */
const settingValue = (key: keyof ApiSettings, value: unknown): string =>
  key === 'token_lifetime' && typeof value === 'number' ? `${String(value)} s` : describeValue(value);

const VERBS: Record<string, string> = { get: 'Read', post: 'Create', patch: 'Update', delete: 'Delete' };

/** The API's scopes: the 8 permissions, each with a readable description. */
export const API_SCOPES = PERMISSIONS.map((permission) => {
  const [verb, resource] = permission.split(':') as [string, string];
  return { value: permission, description: `${VERBS[verb] ?? verb} ${resource}` };
});

export const DEFAULT_API_NAME = 'Ensemble';

export interface ProvisionOptions {
  /** Tenant domain, e.g. `your-tenant.us.auth0.com` (`https://` and a trailing slash are tolerated). */
  domain?: string;
  clientId?: string;
  clientSecret?: string;
  /** The API identifier, i.e. API_AUDIENCE. */
  audience?: string;
  /** Name given to the API when it is created (an existing API keeps its name). */
  apiName?: string;
  /** The access-token lifetime of the API, in seconds (default DEFAULT_TOKEN_LIFETIME_SECONDS). */
  tokenLifetime?: number;
  dryRun?: boolean;
  /** Called with each output line as it happens. */
  log?: (line: string) => void;
  /**
   * Tests only: the fetch the SDK uses, so that a local stand-in of Auth0 can
   * answer. The CLI never passes it; left out, the SDK uses the global fetch
   * against `https://${domain}`.
   */
  fetch?: typeof fetch;
}

export interface ProvisionResult {
  /** Every output line, in order. */
  lines: string[];
  /** The change lines (in a dry run: the planned changes). */
  changes: string[];
}

/** Settings are missing or malformed: nothing was attempted. */
export class SetupConfigError extends Error {
  override name = 'SetupConfigError';
}

/** A Management API call failed; `message` says which and why, without secrets. */
export class SetupApiError extends Error {
  override name = 'SetupApiError';
}

const clean = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

interface Settings {
  domain: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  tokenLifetime: number;
}

const readSettings = (options: ProvisionOptions): Settings => {
  const given = {
    AUTH0_DOMAIN: clean(options.domain),
    AUTH0_CLIENT_ID: clean(options.clientId),
    AUTH0_CLIENT_SECRET: clean(options.clientSecret),
    API_AUDIENCE: clean(options.audience),
  };
  const missing = Object.entries(given)
    .filter(([, value]) => value === undefined)
    .map(([name]) => (name === 'API_AUDIENCE' ? 'API_AUDIENCE (or --audience)' : name));
  if (missing.length > 0) {
    throw new SetupConfigError(
      `Missing setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.\n` +
        'AUTH0_DOMAIN is your tenant (e.g. your-tenant.us.auth0.com); AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET belong to a ' +
        'machine-to-machine application authorised for the Auth0 Management API with the scopes ' +
        `${MANAGEMENT_SCOPES.join(', ')}; API_AUDIENCE is the identifier of Ensemble's API (e.g. https://ensemble-api).`,
    );
  }
  const { AUTH0_DOMAIN: rawDomain, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_SECRET: clientSecret, API_AUDIENCE: audience } = given;
  if (rawDomain === undefined || clientId === undefined || clientSecret === undefined || audience === undefined) {
    throw new SetupConfigError('Unreachable: every missing setting was reported above.');
  }
  const domain = rawDomain.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(domain)) {
    throw new SetupConfigError(`AUTH0_DOMAIN must be a host name such as your-tenant.us.auth0.com, not "${domain}".`);
  }
  return { domain, clientId, clientSecret, audience, tokenLifetime: readTokenLifetime(options.tokenLifetime) };
};

const describeValue = (value: unknown): string => {
  if (value === undefined) return '(unset)';
  return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' ? String(value) : JSON.stringify(value);
};

const errorDetail = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, error_description: description, error } = body as Record<string, unknown>;
  return [message, description, error].find((candidate): candidate is string => typeof candidate === 'string');
};

/**
 * Makes one Management API call, turning an SDK failure into a SetupApiError
 * that names the call (`what`, e.g. "create the role Casting Director"), the
 * status and Auth0's own message (with a hint for the usual causes), and
 * never includes the secret.
 */
const callAuth0 = async <T>(what: string, secret: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    let message: string;
    if (error instanceof ManagementError) {
      const status = error.statusCode;
      const detail = errorDetail(error.body) ?? (status === undefined ? error.message.split('\n')[0] : undefined);
      message = `Auth0 refused to ${what}${status === undefined ? '' : ` (HTTP ${status})`}${detail === undefined ? '' : `: ${detail}`}`;
      if (status === 401) {
        message += '\nCheck AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (a machine-to-machine application of this tenant).';
      } else if (status === 403) {
        message +=
          '\nAuthorise the machine-to-machine application for the Auth0 Management API (Applications → APIs → Auth0 Management API → ' +
          `Machine to Machine Applications) with the scopes ${MANAGEMENT_SCOPES.join(', ')}.`;
      }
    } else {
      const cause = (error as { cause?: unknown }).cause;
      const reason = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
      message = `Could not ${what}: ${reason}`;
    }
    throw new SetupApiError(message.split(secret).join('***'), { cause: error });
  }
};

// ---------------------------------------------------------------------------
// 1. Read the tenant, once.

interface TenantRole {
  id?: string | undefined;
  name?: string | undefined;
  type?: string | undefined;
}

/** Everything the plan depends on, read before anything is planned or written. */
interface Tenant {
  /** The API whose identifier is the audience, or undefined if there is none. */
  api: Management.GetResourceServerResponseContent | undefined;
  roles: TenantRole[];
  /** Role id → the permissions of this API it grants, for each role named like one of Ensemble's. */
  granted: Map<string, string[]>;
}

/** The tenant's roles that are Ensemble's role `name` (normally one; none if missing). */
const rolesNamed = (roles: TenantRole[], name: string): TenantRole[] =>
  roles.filter((role) => role.name === name && (role.type === undefined || role.type === 'tenant'));

type Call = <T>(what: string, call: () => Promise<T>) => Promise<T>;

const readTenant = async (management: ManagementClient, audience: string, call: Call): Promise<Tenant> => {
  // GET /resource-servers/{id} accepts the identifier (audience) as the id.
  const api = await call(`read the API ${audience}`, async () => {
    try {
      return await management.resourceServers.get(audience);
    } catch (error) {
      if (error instanceof ManagementError && error.statusCode === 404) return undefined;
      throw error;
    }
  });
  const roles = await call('list roles', async () => {
    const found: TenantRole[] = [];
    for await (const role of await management.roles.list({ per_page: 100 })) found.push(role);
    return found;
  });
  const granted = new Map<string, string[]>();
  for (const slug of ROLE_SLUGS) {
    const { name } = ROLES[slug];
    for (const { id } of rolesNamed(roles, name)) {
      if (id === undefined) continue;
      const permissions = await call(`read the permissions of role ${name}`, async () => {
        const found: string[] = [];
        for await (const permission of await management.roles.permissions.list(id, { per_page: 100 })) {
          if (permission.resource_server_identifier === audience && permission.permission_name !== undefined) {
            found.push(permission.permission_name);
          }
        }
        return found;
      });
      granted.set(id, permissions);
    }
  }
  return { api, roles, granted };
};

// ---------------------------------------------------------------------------
// 2. Plan: the steps that bring the tenant in line, computed from what was read.

type Verb = 'create' | 'add' | 'update' | 'remove';
const PAST_TENSE: Record<Verb, string> = { create: 'created', add: 'added', update: 'updated', remove: 'removed' };

/**
 * One step of the plan. Either something already right, printed
 * "unchanged: <what>", or one Management API call (`apply`) and the changes
 * it makes, one line each, written once as verb + object and printed
 * "would <verb> <object>" in a dry run or "<verb, past tense> <object>" once
 * applied.
 */
type Step =
  | { kind: 'unchanged'; what: string }
  | {
      kind: 'change';
      changes: [Verb, string][];
      /** The call, for an error message: "Auth0 refused to <call> …". */
      call: string;
      apply: (management: ManagementClient) => Promise<unknown>;
    };

const unchanged = (what: string): Step => ({ kind: 'unchanged', what });

/** The lines a step prints: in a dry run before nothing is applied, otherwise after its call succeeded. */
const describe = (step: Step, dryRun: boolean): string[] =>
  step.kind === 'unchanged'
    ? [`unchanged: ${step.what}`]
    : step.changes.map(([verb, object]) => `${dryRun ? `would ${verb}` : PAST_TENSE[verb]} ${object}`);

const sameScope = (a: { value: string; description?: string | undefined }, b: { value: string; description?: string | undefined }) =>
  a.value === b.value && (a.description ?? '') === (b.description ?? '');

const planApi = (api: Tenant['api'], audience: string, apiName: string, tokenLifetime: number): Step[] => {
  const settings = apiSettings(tokenLifetime);
  const described = `RS256, RBAC on, permissions in the access token, access tokens valid ${String(tokenLifetime)} s`;
  if (api === undefined) {
    const summary = `${audience} ("${apiName}": ${described}, ${API_SCOPES.length} permissions)`;
    return [
      {
        kind: 'change',
        changes: [['create', `API ${summary}`]],
        call: `create the API ${audience}`,
        apply: (management) => management.resourceServers.create({ name: apiName, identifier: audience, scopes: API_SCOPES, ...settings }),
      },
    ];
  }
  if (api.is_system === true) {
    throw new SetupConfigError(`${audience} is an Auth0 system API; API_AUDIENCE must be the identifier of Ensemble's own API.`);
  }

  const update: Management.UpdateResourceServerRequestContent = {};
  const settingChanges: [Verb, string][] = [];
  for (const key of Object.keys(settings) as (keyof ApiSettings)[]) {
    if (api[key] !== settings[key]) {
      Object.assign(update, { [key]: settings[key] });
      settingChanges.push(['update', `API ${audience}: ${SETTING_LABELS[key]} ${settingValue(key, api[key])} → ${settingValue(key, settings[key])}`]);
    }
  }
  const current = api.scopes ?? [];
  const scopeChanges: [Verb, string][] = [];
  for (const scope of API_SCOPES) {
    const found = current.find((candidate) => candidate.value === scope.value);
    if (found === undefined) {
      scopeChanges.push(['add', `permission ${scope.value} to API ${audience}`]);
    } else if (!sameScope(found, scope)) {
      scopeChanges.push([
        'update',
        `description of permission ${scope.value} of API ${audience}: "${found.description ?? ''}" → "${scope.description}"`,
      ]);
    }
  }
  for (const scope of current) {
    if (!API_SCOPES.some((wanted) => wanted.value === scope.value)) scopeChanges.push(['remove', `permission ${scope.value} from API ${audience}`]);
  }
  // Auth0 replaces the whole list on PATCH: send all 8 when any differs.
  if (scopeChanges.length > 0) update.scopes = API_SCOPES;

  const id = api.id ?? audience;
  return [
    ...(settingChanges.length === 0 ? [unchanged(`API ${audience} (${described})`)] : []),
    ...(settingChanges.length + scopeChanges.length === 0
      ? []
      : [
          {
            kind: 'change',
            changes: [...settingChanges, ...scopeChanges],
            call: `update the API ${audience}`,
            apply: (management: ManagementClient) => management.resourceServers.update(id, update),
          } satisfies Step,
        ]),
    ...(scopeChanges.length === 0 ? [unchanged(`the ${API_SCOPES.length} permissions of API ${audience}`)] : []),
  ];
};

const planRole = (tenant: Tenant, slug: RoleSlug, audience: string): Step[] => {
  const { name, permissions } = ROLES[slug];
  const matches = rolesNamed(tenant.roles, name);
  if (matches.length > 1) throw new SetupConfigError(`There are ${matches.length} roles named "${name}"; keep one and run again.`);
  // The role's id: known if it exists, else set by the step that creates it, for the steps after it.
  const role = { id: matches[0]?.id };
  const steps: Step[] = [];

  const granted = role.id === undefined ? [] : (tenant.granted.get(role.id) ?? []);
  if (role.id === undefined) {
    steps.push({
      kind: 'change',
      changes: [['create', `role ${name}`]],
      call: `create the role ${name}`,
      apply: async (management) => {
        role.id = (await management.roles.create({ name, description: `Ensemble: ${permissions.join(', ')}` })).id;
      },
    });
  } else {
    steps.push(unchanged(`role ${name} exists`));
  }

  const pairs = (names: string[]) => ({
    permissions: names.map((permission) => ({ resource_server_identifier: audience, permission_name: permission })),
  });
  const roleId = (): string => {
    if (role.id === undefined) throw new Error(`Auth0 returned no id for the role ${name}`);
    return role.id;
  };
  const missing = permissions.filter((permission) => !granted.includes(permission));
  const extra = granted.filter((permission) => !(permissions as readonly string[]).includes(permission));
  if (missing.length > 0) {
    steps.push({
      kind: 'change',
      changes: missing.map((permission) => ['add', `permission ${permission} to role ${name}`]),
      call: `add permissions to role ${name}`,
      apply: (management) => management.roles.permissions.add(roleId(), pairs(missing)),
    });
  }
  if (extra.length > 0) {
    steps.push({
      kind: 'change',
      changes: extra.map((permission) => ['remove', `permission ${permission} from role ${name}`]),
      call: `remove permissions from role ${name}`,
      apply: (management) => management.roles.permissions.delete(roleId(), pairs(extra)),
    });
  }
  if (missing.length === 0 && extra.length === 0) steps.push(unchanged(`permissions of role ${name} (${permissions.join(', ')})`));
  return steps;
};

/** The whole plan: the API first (the roles' permissions refer to its scopes), then each role. Throws SetupConfigError on a tenant it cannot fix. */
const plan = (tenant: Tenant, audience: string, apiName: string, tokenLifetime: number): Step[] => [
  ...planApi(tenant.api, audience, apiName, tokenLifetime),
  ...ROLE_SLUGS.flatMap((slug) => planRole(tenant, slug, audience)),
];

// ---------------------------------------------------------------------------
// 3. Run the plan: the same loop for a dry run and a real one.

export const provisionAuth0 = async (options: ProvisionOptions): Promise<ProvisionResult> => {
  const { domain, clientId, clientSecret, audience, tokenLifetime } = readSettings(options);
  const dryRun = options.dryRun ?? false;
  const management = new ManagementClient({
    domain,
    clientId,
    clientSecret,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const call: Call = (what, fn) => callAuth0(what, clientSecret, fn);

  const steps = plan(await readTenant(management, audience, call), audience, options.apiName ?? DEFAULT_API_NAME, tokenLifetime);

  const lines: string[] = [];
  const changes: string[] = [];
  for (const step of steps) {
    if (step.kind === 'change' && !dryRun) await call(step.call, () => step.apply(management));
    for (const line of describe(step, dryRun)) {
      lines.push(line);
      if (step.kind === 'change') changes.push(line);
      options.log?.(line);
    }
  }
  return { lines, changes };
};

const usage = `Usage: npm run auth0:setup -- [--dry-run] [--audience <API identifier>] [--name <API name>] [--token-lifetime <seconds>]

Creates or updates the Auth0 API, its ${PERMISSIONS.length} permissions and the ${ROLE_SLUGS.length} roles of Ensemble.
Environment: AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET (a machine-to-machine application authorised
for the Auth0 Management API with ${MANAGEMENT_SCOPES.join(', ')}), API_AUDIENCE (or --audience).
  --dry-run            read the tenant and print the plan; change nothing
  --token-lifetime <s> how long the API's access tokens are valid, ${MIN_TOKEN_LIFETIME_SECONDS}–${MAX_TOKEN_LIFETIME_SECONDS} s (default ${DEFAULT_TOKEN_LIFETIME_SECONDS})`;

/** The command line: returns the exit code. */
export const main = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> => {
  let values: { 'dry-run'?: boolean; audience?: string; name?: string; 'token-lifetime'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean' },
        audience: { type: 'string' },
        name: { type: 'string' },
        'token-lifetime': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    err(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    out(usage);
    return 0;
  }
  const dryRun = values['dry-run'] ?? false;
  try {
    const options: ProvisionOptions = {
      domain: env.AUTH0_DOMAIN,
      clientId: env.AUTH0_CLIENT_ID,
      clientSecret: env.AUTH0_CLIENT_SECRET,
      audience: values.audience ?? env.API_AUDIENCE,
      dryRun,
      log: out,
    };
    if (values.name !== undefined) options.apiName = values.name;
    const lifetime = values['token-lifetime'];
    if (lifetime !== undefined) {
      // Digits only: Number() would also take '', ' 60', '1e3' and '0x3c'.
      if (!/^\d+$/.test(lifetime)) throw badTokenLifetime(JSON.stringify(lifetime));
      options.tokenLifetime = Number(lifetime);
    }
    readSettings(options); // fail on missing settings before printing anything
    if (dryRun) out('Dry run: reading the tenant only; nothing will be written.');
    const { changes } = await provisionAuth0(options);
    if (dryRun) out(changes.length === 0 ? 'Plan: nothing to change.' : `Plan: ${changes.length} change(s); run without --dry-run to apply.`);
    else out(changes.length === 0 ? 'Auth0 is already set up; nothing changed.' : `Done: ${changes.length} change(s).`);
    return 0;
  } catch (error) {
    if (error instanceof SetupConfigError) {
      err(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof SetupApiError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
};

const invokedDirectly = (() => {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) process.exitCode = await main(process.argv.slice(2), process.env);
