/**
 * `npm run auth0:setup` against a local stand-in of the Auth0 Management API
 * (tests/helpers/auth0-management-standin.ts): the real `auth0` SDK, the real
 * HTTP calls, an in-memory tenant whose state the tests inspect and tamper with.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PERMISSIONS, ROLE_SLUGS, ROLES } from '../../lib/auth/permissions';
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  MANAGEMENT_SCOPES,
  provisionAuth0,
  SetupApiError,
  SetupConfigError,
  type ProvisionOptions,
} from '../../lib/deploy/auth0-setup';
import { startAuth0ManagementStandin, type Auth0ManagementStandin, type RecordedRequest } from '../helpers/auth0-management-standin';

const AUDIENCE = 'https://ensemble-api.test';
const ROLE_NAMES = ROLE_SLUGS.map((slug) => ROLES[slug].name);

let standin: Auth0ManagementStandin;

beforeEach(async () => {
  standin = await startAuth0ManagementStandin({ grantedScopes: [...MANAGEMENT_SCOPES] });
});

afterEach(async () => {
  await standin.close();
});

const run = async (extra: Partial<ProvisionOptions> = {}) => {
  const printed: string[] = [];
  const result = await provisionAuth0({
    domain: standin.domain,
    clientId: standin.clientId,
    clientSecret: standin.clientSecret,
    audience: AUDIENCE,
    fetch: standin.fetch,
    log: (line) => printed.push(line),
    ...extra,
  });
  expect(printed).toEqual(result.lines);
  expectNoSecrets(printed.join('\n'));
  expect(standin.unhandled).toEqual([]);
  return result;
};

const expectNoSecrets = (text: string) => {
  expect(text).not.toContain(standin.clientSecret);
  for (const token of standin.issuedTokens) expect(text).not.toContain(token);
};

const api = () => standin.store.resourceServers.find((server) => server.identifier === AUDIENCE);
const role = (name: string) => standin.store.roles.find((candidate) => candidate.name === name);
/** The permissions of this API that the role grants, sorted. */
const granted = (name: string) =>
  (standin.store.rolePermissions[role(name)!.id] ?? [])
    .filter((permission) => permission.resource_server_identifier === AUDIENCE)
    .map((permission) => permission.permission_name)
    .sort();
const expected = (name: string) => [...ROLES[ROLE_SLUGS.find((slug) => ROLES[slug].name === name)!].permissions].sort();
const writesSince = (start: number) =>
  standin.requests.slice(start).filter((request) => request.method !== 'GET' && request.path !== '/oauth/token');
const expectProvisioned = () => {
  expect(api()).toMatchObject({ signing_alg: 'RS256', enforce_policies: true, token_dialect: 'access_token_authz', is_system: false });
  expect(api()!.token_lifetime).toBe(3600);
  expect(api()!.scopes.map((scope) => scope.value).sort()).toEqual([...PERMISSIONS].sort());
  expect(standin.store.roles.map((candidate) => candidate.name).sort()).toEqual([...ROLE_NAMES].sort());
  for (const name of ROLE_NAMES) expect(granted(name)).toEqual(expected(name));
};

/**
 * Drift on a provisioned tenant: what it is, how to cause it, the change
 * lines that repair it, and the write requests those take.
 */
const DRIFTS: [string, () => void, string[], string[]][] = [
  [
    'a permission removed from a role',
    () => {
      const id = role('Casting Director')!.id;
      standin.store.rolePermissions[id] = standin.store.rolePermissions[id]!.filter((p) => p.permission_name !== 'patch:movies');
    },
    ['added permission patch:movies to role Casting Director'],
    ['POST /api/v2/roles/{id}/permissions'],
  ],
  [
    'a stray permission added to a role',
    () => {
      standin.store.rolePermissions[role('Casting Assistant')!.id]!.push({
        resource_server_identifier: AUDIENCE,
        permission_name: 'delete:movies',
      });
    },
    ['removed permission delete:movies from role Casting Assistant'],
    ['DELETE /api/v2/roles/{id}/permissions'],
  ],
  [
    'RBAC turned off on the API',
    () => {
      api()!.enforce_policies = false;
    },
    [`updated API ${AUDIENCE}: RBAC (enforce_policies) false → true`],
    ['PATCH /api/v2/resource-servers/{id}'],
  ],
  [
    '"permissions in the access token" turned off on the API',
    () => {
      api()!.token_dialect = 'access_token';
    },
    [`updated API ${AUDIENCE}: token dialect (access_token_authz = permissions in the access token) access_token → access_token_authz`],
    ['PATCH /api/v2/resource-servers/{id}'],
  ],
  [
    "the access-token lifetime back at Auth0's default of a day",
    () => {
      api()!.token_lifetime = 86400;
    },
    [`updated API ${AUDIENCE}: access-token lifetime 86400 s → 3600 s`],
    ['PATCH /api/v2/resource-servers/{id}'],
  ],
  [
    'a permission missing from the API and a stray one on it',
    () => {
      api()!.scopes = [...api()!.scopes.filter((scope) => scope.value !== 'delete:actors'), { value: 'read:secrets' }];
    },
    [`added permission delete:actors to API ${AUDIENCE}`, `removed permission read:secrets from API ${AUDIENCE}`],
    ['PATCH /api/v2/resource-servers/{id}'],
  ],
  [
    'a role deleted',
    () => {
      const gone = role('Executive Producer')!;
      standin.store.roles = standin.store.roles.filter((candidate) => candidate !== gone);
      standin.store.rolePermissions = Object.fromEntries(Object.entries(standin.store.rolePermissions).filter(([id]) => id !== gone.id));
    },
    ['created role Executive Producer', ...ROLES['executive-producer'].permissions.map((p) => `added permission ${p} to role Executive Producer`)],
    ['POST /api/v2/roles', 'POST /api/v2/roles/{id}/permissions'],
  ],
];

/** A dry run's line in the tense of a real run: "would create …" → "created …". */
const PAST_TENSE: Record<string, string> = { create: 'created', add: 'added', update: 'updated', remove: 'removed' };
const asApplied = (line: string) => line.replace(/^would (\w+)/, (whole, verb: string) => PAST_TENSE[verb] ?? whole);

describe('npm run auth0:setup', () => {
  it('on an empty tenant creates the API, its 8 permissions and the 3 roles with exactly their permissions', async () => {
    const { changes, lines } = await run();

    const server = api()!;
    expect(server).toMatchObject({
      name: 'Ensemble',
      identifier: AUDIENCE,
      signing_alg: 'RS256',
      enforce_policies: true,
      token_dialect: 'access_token_authz',
      // An hour, not Auth0's default day: a removed role stops working when the tokens issued before expire.
      token_lifetime: 3600,
    });
    expect(server.scopes.map((scope) => scope.value)).toEqual([...PERMISSIONS]);
    expect(server.scopes.every((scope) => (scope.description ?? '').length > 0)).toBe(true);
    expectProvisioned();
    expect(granted('Casting Assistant')).toEqual(['get:actors', 'get:movies']);
    expect(granted('Executive Producer')).toEqual([...PERMISSIONS].sort());

    const permissionLines = ROLE_SLUGS.flatMap((slug) =>
      ROLES[slug].permissions.map((permission) => `added permission ${permission} to role ${ROLES[slug].name}`),
    );
    expect(changes).toHaveLength(1 + ROLE_SLUGS.length + permissionLines.length);
    expect(changes[0]).toMatch(new RegExp(`^created API ${AUDIENCE} `));
    expect(changes[0]).toContain('access tokens valid 3600 s');
    for (const name of ROLE_NAMES) expect(changes).toContain(`created role ${name}`);
    for (const line of permissionLines) expect(changes).toContain(line);
    expect(lines.filter((line) => line.startsWith('unchanged'))).toEqual([]);

    // One write per thing: the API, each role, each role's permissions in one call.
    expect(standin.writes().map((request) => `${request.method} ${request.path.replace(/rol_\w+/, '{id}')} ${request.status}`)).toEqual([
      'POST /api/v2/resource-servers 201',
      ...ROLE_SLUGS.flatMap(() => ['POST /api/v2/roles 200', 'POST /api/v2/roles/{id}/permissions 201']),
    ]);
  });

  it('a second run changes nothing and reports only "unchanged"', async () => {
    await run();
    const before = structuredClone(standin.store);
    const start = standin.requests.length;

    const { changes, lines } = await run();

    expect(changes).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^unchanged: /);
    expect(lines).toContain(`unchanged: API ${AUDIENCE} (RS256, RBAC on, permissions in the access token, access tokens valid 3600 s)`);
    for (const name of ROLE_NAMES) expect(lines.some((line) => line.startsWith(`unchanged: permissions of role ${name}`))).toBe(true);
    expect(writesSince(start)).toEqual([]);
    expect(standin.store).toEqual(before);
  });

  describe('repairs drift, changing exactly what drifted', () => {

    it.each(DRIFTS)('%s', async (_what, tamper, expectedChanges, expectedWrites) => {
      await run();
      tamper();
      const start = standin.requests.length;

      const { changes } = await run();

      expect(changes).toEqual(expectedChanges);
      expect(writesSince(start).map((request) => `${request.method} ${request.path.replace(/\/api\/v2\/resource-servers\/.+$/, '/api/v2/resource-servers/{id}').replace(/rol_\w+/, '{id}')}`)).toEqual(expectedWrites);
      expectProvisioned();
      expect((await run()).changes).toEqual([]);
    });

    it("leaves the roles' permissions of other APIs alone", async () => {
      await run();
      standin.store.resourceServers.push({
        ...structuredClone(api()!),
        id: 'other-api',
        identifier: 'https://other-api.test',
        scopes: [{ value: 'read:reports' }],
      });
      const other = { resource_server_identifier: 'https://other-api.test', permission_name: 'read:reports' };
      standin.store.rolePermissions[role('Casting Assistant')!.id]!.push(other);

      expect((await run()).changes).toEqual([]);
      expect(standin.store.rolePermissions[role('Casting Assistant')!.id]).toContainEqual(other);
    });
  });

  describe('--dry-run', () => {
    it('on an empty tenant prints the whole plan and writes nothing', async () => {
      const before = structuredClone(standin.store);

      const plan = await run({ dryRun: true });

      expect(standin.writes()).toEqual([]);
      expect(standin.store).toEqual(before);
      expect(plan.changes.every((line) => line.startsWith('would '))).toBe(true);
      expect(plan.changes[0]).toMatch(new RegExp(`^would create API ${AUDIENCE} `));
      expect(plan.changes).toContain('would create role Casting Director');
      expect(plan.changes).toContain('would add permission patch:movies to role Casting Director');

      // The plan is what a real run then does, line for line.
      const applied = await run();
      expect(plan.changes.map(asApplied)).toEqual(applied.changes);
    });

    it('on a drifted tenant prints only the fixes and leaves the drift in place', async () => {
      await run();
      api()!.enforce_policies = false;
      const id = role('Casting Assistant')!.id;
      standin.store.rolePermissions[id] = standin.store.rolePermissions[id]!.filter((p) => p.permission_name !== 'get:movies');
      const before = structuredClone(standin.store);
      const start = standin.requests.length;

      const { changes } = await run({ dryRun: true });

      expect(changes).toEqual([
        `would update API ${AUDIENCE}: RBAC (enforce_policies) false → true`,
        'would add permission get:movies to role Casting Assistant',
      ]);
      expect(writesSince(start)).toEqual([]);
      expect(standin.store).toEqual(before);
    });
  });

  describe('--dry-run and the real run share every line', () => {
    const reads = (requests: RecordedRequest[]) =>
      requests.filter((request) => request.method === 'GET').map((request) => `GET ${request.path}${request.query}`);

    const startingTenants: [string, () => Promise<unknown>][] = [
      ['an empty tenant', () => Promise.resolve(undefined)],
      ['a provisioned tenant', () => run()],
      ...DRIFTS.map(([what, tamper]): [string, () => Promise<unknown>] => [what, () => run().then(tamper)]),
      [
        'every drift above at once',
        async () => {
          await run();
          for (const [, tamper] of DRIFTS) tamper();
        },
      ],
    ];

    it.each(startingTenants)('%s: the dry run reads what the real run reads, writes nothing, and prints what the real run prints', async (_what, arrange) => {
      await arrange();
      const before = structuredClone(standin.store);
      const dryStart = standin.requests.length;

      const planned = await run({ dryRun: true });

      const dryRequests = standin.requests.slice(dryStart);
      expect(writesSince(dryStart)).toEqual([]);
      expect(standin.store).toEqual(before);
      for (const line of planned.lines) expect(line).toMatch(/^(unchanged:|would (create|add|update|remove)) /);

      const realStart = standin.requests.length;
      const applied = await run();

      // Every line, "unchanged" ones included, in the same order; only the tense differs.
      expect(planned.lines.map(asApplied)).toEqual(applied.lines);
      expect(planned.changes.map(asApplied)).toEqual(applied.changes);
      // Both read the whole tenant the same way, and the real run reads all of it before its first write.
      const realRequests = standin.requests.slice(realStart).filter((request) => request.path !== '/oauth/token');
      expect(reads(realRequests)).toEqual(reads(dryRequests));
      expect(reads(realRequests.slice(0, reads(dryRequests).length))).toEqual(reads(dryRequests));
      expectProvisioned();
    });

    it('a dry run needs only the read scopes: it never attempts a write, even on an empty tenant', async () => {
      standin.grantedScopes = MANAGEMENT_SCOPES.filter((scope) => scope.startsWith('read:'));

      const planned = await run({ dryRun: true });

      expect(planned.changes.length).toBeGreaterThan(0);
      expect(standin.requests.filter((request) => request.status === 403)).toEqual([]);
      expect(standin.writes()).toEqual([]);
    });

    const unfixable: [string, () => void, () => Partial<ProvisionOptions>, RegExp][] = [
      [
        "two roles share one of Ensemble's names",
        () => {
          standin.store.roles.push({ id: 'rol_duplicate', name: 'Casting Director' });
          standin.store.rolePermissions.rol_duplicate = [];
        },
        () => ({}),
        /There are 2 roles named "Casting Director"/,
      ],
      [
        'the audience is an Auth0 system API',
        () => undefined,
        () => ({ audience: standin.store.resourceServers.find((server) => server.is_system)!.identifier }),
        /is an Auth0 system API/,
      ],
    ];

    it.each(unfixable)('a tenant it cannot fix (%s) is refused before any write, by the dry run and the real run alike', async (_what, tamper, options, message) => {
      await run();
      api()!.enforce_policies = false; // something a run would write, had it got that far
      tamper();
      const before = structuredClone(standin.store);
      const start = standin.requests.length;

      for (const dryRun of [true, false]) {
        const attempt = run({ ...options(), dryRun });
        await expect(attempt).rejects.toThrow(SetupConfigError);
        await expect(attempt).rejects.toThrow(message);
      }

      expect(writesSince(start)).toEqual([]);
      expect(standin.store).toEqual(before);
    });
  });

  describe('the access-token lifetime', () => {
    it('defaults to an hour', () => {
      expect(DEFAULT_TOKEN_LIFETIME_SECONDS).toBe(3600);
    });

    it('takes another lifetime, which the dry run shows and the real run sets', async () => {
      await run();
      const planned = await run({ dryRun: true, tokenLifetime: 900 });
      expect(planned.changes).toEqual([`would update API ${AUDIENCE}: access-token lifetime 3600 s → 900 s`]);
      expect(api()!.token_lifetime).toBe(3600);
      const applied = await run({ tokenLifetime: 900 });
      expect(applied.changes).toEqual([`updated API ${AUDIENCE}: access-token lifetime 3600 s → 900 s`]);
      expect(api()!.token_lifetime).toBe(900);
      expect((await run({ tokenLifetime: 900 })).changes).toEqual([]);
    });

    it('creates a new API with the lifetime given', async () => {
      const { changes } = await run({ tokenLifetime: 1800 });
      expect(changes[0]).toContain('access tokens valid 1800 s');
      expect(api()!.token_lifetime).toBe(1800);
    });

    it.each([0, 59, 86401, 1.5, Number.NaN])('refuses %p seconds before any request', async (seconds) => {
      const attempt = run({ tokenLifetime: seconds });
      await expect(attempt).rejects.toThrow(SetupConfigError);
      await expect(attempt).rejects.toThrow('The access-token lifetime must be a whole number of seconds from 60 to 86400');
      expect(standin.requests).toEqual([]);
    });

    it.each(['abc', '3600s', '', '-5'])('the CLI refuses --token-lifetime %j with status 2, before any request', (value) => {
      const { AUTH0_DOMAIN: _d, AUTH0_CLIENT_ID: _i, AUTH0_CLIENT_SECRET: _s, API_AUDIENCE: _a, ...env } = process.env;
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/deploy/auth0-setup.ts', '--dry-run', `--token-lifetime=${value}`], {
        env: { ...env, AUTH0_DOMAIN: 'unreachable.invalid', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'do-not-print-me', API_AUDIENCE: AUDIENCE },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('The access-token lifetime must be a whole number of seconds from 60 to 86400');
      expect(result.stderr).not.toContain('do-not-print-me');
    });
  });

  describe('settings and credentials', () => {
    it.each([
      ['domain', 'AUTH0_DOMAIN'],
      ['clientId', 'AUTH0_CLIENT_ID'],
      ['clientSecret', 'AUTH0_CLIENT_SECRET'],
      ['audience', 'API_AUDIENCE'],
    ] as const)('refuses without %s, naming %s, before any request', async (option, variable) => {
      const attempt = run({ [option]: '  ' });
      await expect(attempt).rejects.toThrow(SetupConfigError);
      await expect(attempt).rejects.toThrow(new RegExp(`Missing setting: ${variable}`));
      expect(standin.requests).toEqual([]);
    });

    it('the CLI exits non-zero with a clear message when settings are missing', () => {
      const { AUTH0_DOMAIN: _d, AUTH0_CLIENT_ID: _i, AUTH0_CLIENT_SECRET: _s, API_AUDIENCE: _a, ...env } = process.env;
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/deploy/auth0-setup.ts', '--dry-run'], {
        env: { ...env, AUTH0_DOMAIN: 'tenant.eu.auth0.com', AUTH0_CLIENT_SECRET: 'do-not-print-me' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Missing settings: AUTH0_CLIENT_ID, API_AUDIENCE (or --audience).');
      expect(result.stderr).toContain(MANAGEMENT_SCOPES.join(', '));
      expect(result.stderr).not.toContain('do-not-print-me');
    });

    it('the scopes it documents are exactly enough: without create:roles it stops with a clear 403', async () => {
      standin.grantedScopes = MANAGEMENT_SCOPES.filter((scope) => scope !== 'create:roles');
      const attempt = run();
      await expect(attempt).rejects.toThrow(SetupApiError);
      const message = ((await attempt.catch((error: unknown) => error)) as Error).message;
      expect(message).toContain('Auth0 refused to create the role Casting Assistant (HTTP 403): Insufficient scope, expected any of: create:roles');
      expect(message).toContain(MANAGEMENT_SCOPES.join(', '));
      expectNoSecrets(message);
    });

    it('wrong client credentials give a clear 401 without echoing the secret', async () => {
      const wrongSecret = `${standin.clientSecret}-wrong`;
      const attempt = run({ clientSecret: wrongSecret });
      const error = (await attempt.catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(SetupApiError);
      expect(error.message).toContain(`Auth0 refused to read the API ${AUDIENCE} (HTTP 401): Unauthorized`);
      expect(error.message).toContain('Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET');
      expect(error.message).not.toContain(wrongSecret);
      expect(standin.writes()).toEqual([]);
    });

    it('accepts AUTH0_DOMAIN written as a URL', async () => {
      await run({ domain: `https://${standin.domain}/` });
      expectProvisioned();
    });
  });

  it('docs/running-and-testing.md#provisioning-auth0-with-a-script documents the command, its settings, the Management API scopes and --dry-run', () => {
    const document = readFileSync(resolve('docs/running-and-testing.md'), 'utf8');
    const start = document.indexOf('\n### Provisioning Auth0 with a script\n');
    const section = document.slice(start, document.indexOf('\n## ', start + 1));
    expect(start).toBeGreaterThan(0);
    expect(section.length).toBeGreaterThan(100);
    for (const text of ['npm run auth0:setup', '--dry-run', '--token-lifetime', 'AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'API_AUDIENCE', ...MANAGEMENT_SCOPES]) {
      expect(section).toContain(text);
    }
  });
});
