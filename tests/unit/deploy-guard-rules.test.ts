/**
 * What `serverless package` (and so `deploy`) refuses, and why, decided by the
 * two local plugins serverless.yml loads (lib/deploy/require-auth0.cjs and
 * lib/deploy/edge.cjs) before anything is built: every rule, in
 * milliseconds, by calling their hooks as Serverless does. That Serverless
 * really loads them and stops there is tests/unit/deploy-guard.test.ts,
 * which packages for real (docs/deploying-and-operating.md#deploying-to-aws).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Plugin {
  hooks: Record<string, () => void>;
  giveFunctionsTheKeys?: () => void;
}
type PluginClass = new (serverless: unknown) => Plugin;

const RequireAuth0 = require('../../lib/deploy/require-auth0.cjs') as PluginClass;
const Edge = require('../../lib/deploy/edge.cjs') as PluginClass;

/** Serverless's own error class, as plugins get it: what makes the CLI print the message and exit non-zero. */
class ServerlessError extends Error {}

const SETTINGS = ['AUTH0_DOMAIN', 'API_AUDIENCE', 'CURSOR_KEYS', 'EDGE', 'EDGE_ORIGIN_KEYS', 'EDGE_WEB_ACL_ARN'] as const;

/** The message the packaging of `stage` in `region` stops with under `env`, or undefined when both plugins let it through. */
const refusal = (env: Record<string, string>, { stage = 'guardtest', region = 'us-east-1' } = {}): string | undefined => {
  const saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
  for (const name of SETTINGS) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, env);
  try {
    const serverless = { classes: { Error: ServerlessError }, service: { provider: { stage, region, environment: {} } } };
    // serverless.yml lists require-auth0 first, so its refusal is the one a client sees when both would refuse.
    for (const plugin of [new RequireAuth0(serverless), new Edge(serverless)]) {
      for (const hook of ['before:package:initialize', 'before:deploy:function:initialize']) {
        expect(plugin.hooks).toHaveProperty([hook]);
      }
      plugin.hooks['before:package:initialize']!();
    }
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ServerlessError);
    return (error as Error).message;
  } finally {
    for (const name of SETTINGS) Reflect.deleteProperty(process.env, name);
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
  }
};

const AUTH0 = { AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: 'https://ensemble' };
const READY = { ...AUTH0, CURSOR_KEYS: 'c'.repeat(32) };
const EDGE_KEY = 'k'.repeat(32);

describe('packaging a stage', () => {
  it.each([
    [{}, 'AUTH0_DOMAIN and API_AUDIENCE'],
    [{ AUTH0_DOMAIN: 'tenant.eu.auth0.com' }, 'API_AUDIENCE'],
    [{ API_AUDIENCE: 'https://ensemble' }, 'AUTH0_DOMAIN'],
    [{ AUTH0_DOMAIN: '  ', API_AUDIENCE: 'https://ensemble' }, 'AUTH0_DOMAIN'],
  ] as [Record<string, string>, string][])('refuses with %j, naming what is missing', (env, missing) => {
    expect(refusal(env)).toBe(
      `Refusing to package or deploy: set ${missing} (your Auth0 tenant domain and API identifier). ` +
        'Local development tokens are accepted only by `npm start` and the tests.',
    );
  });

  it.each([
    [{}, 'unset'],
    [{ CURSOR_KEYS: '   ' }, 'blank'],
    [{ CURSOR_KEYS: `${'k'.repeat(32)},short` }, 'a key of fewer than 32 characters'],
    [{ CURSOR_KEYS: 'k'.repeat(31) }, 'one character short'],
  ] as [Record<string, string>, string][])('refuses with the Auth0 settings but CURSOR_KEYS %j (%s), naming it', (env) => {
    expect(refusal({ ...AUTH0, ...env })).toMatch(/^Refusing to package or deploy: set CURSOR_KEYS to this stage's list-cursor keys .*at least 32 characters/);
  });

  it('accepts cursor keys of 32 characters and more, several of them', () => {
    expect(refusal({ ...AUTH0, CURSOR_KEYS: `${'n'.repeat(40)}, ${'o'.repeat(32)}`, EDGE: 'off' })).toBeUndefined();
  });

  // guardtest is a kept stage: it has the edge (docs/deploying-and-operating.md#the-edge) unless EDGE=off.
  it.each([
    [{}, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE_ORIGIN_KEYS: 'short' }, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE_ORIGIN_KEYS: `${EDGE_KEY},short` }, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE: 'on' }, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE: 'maybe', EDGE_ORIGIN_KEYS: EDGE_KEY }, 'EDGE to on or off'],
    [{ EDGE_ORIGIN_KEYS: EDGE_KEY, EDGE_WEB_ACL_ARN: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/1' }, 'EDGE_WEB_ACL_ARN to the ARN'],
  ] as [Record<string, string>, string][])('refuses a kept stage with the edge on and %j, naming %s', (env, named) => {
    expect(refusal({ ...READY, ...env })).toMatch(new RegExp(`^Refusing to package or deploy: set ${named}`));
  });

  it('refuses a kept stage outside us-east-1 with the edge on and no web ACL, which only us-east-1 can create', () => {
    expect(refusal({ ...READY, EDGE_ORIGIN_KEYS: EDGE_KEY }, { region: 'eu-west-1' })).toMatch(
      /^Refusing to package or deploy: set EDGE_WEB_ACL_ARN: a CloudFront web ACL can only be created in us-east-1, and this stage deploys to eu-west-1/,
    );
    expect(
      refusal({ ...READY, EDGE_ORIGIN_KEYS: EDGE_KEY, EDGE_WEB_ACL_ARN: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1' }, { region: 'eu-west-1' }),
    ).toBeUndefined();
  });

  it('lets a kept stage through with its edge keys, or with EDGE=off; a disposable stage needs no edge keys', () => {
    expect(refusal({ ...READY, EDGE_ORIGIN_KEYS: EDGE_KEY })).toBeUndefined();
    expect(refusal({ ...READY, EDGE: 'off' })).toBeUndefined();
    expect(refusal({ ...READY, EDGE: 'OFF ' })).toBeUndefined();
    expect(refusal(READY, { stage: 'dev' })).toBeUndefined();
    expect(refusal(READY, { stage: 'prod' })).toMatch(/set EDGE_ORIGIN_KEYS/);
  });

  it('gives the functions no edge keys on a kept stage with EDGE=off, and the first-listed keys when on', () => {
    const environmentOf = (env: Record<string, string>) => {
      const saved = { EDGE: process.env.EDGE, EDGE_ORIGIN_KEYS: process.env.EDGE_ORIGIN_KEYS };
      Object.assign(process.env, env);
      try {
        const provider = { stage: 'guardtest', region: 'us-east-1', environment: { CURSOR_KEYS: 'c'.repeat(32) } };
        new Edge({ classes: { Error: ServerlessError }, service: { provider } }).hooks.initialize!();
        return provider.environment;
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) Reflect.deleteProperty(process.env, name);
          else process.env[name] = value;
        }
      }
    };
    expect(environmentOf({ EDGE: 'off', EDGE_ORIGIN_KEYS: EDGE_KEY })).toEqual({ CURSOR_KEYS: 'c'.repeat(32) });
    expect(environmentOf({ EDGE: 'on', EDGE_ORIGIN_KEYS: ` ${EDGE_KEY} , ${'j'.repeat(32)}` })).toEqual({
      CURSOR_KEYS: 'c'.repeat(32),
      EDGE_ORIGIN_KEYS: `${EDGE_KEY},${'j'.repeat(32)}`,
    });
  });
});
