/**
 * The settings of docs/running-and-testing.md#local-tokens,
 * docs/running-and-testing.md#using-real-auth0-tokens and
 * docs/deploying-and-operating.md#deploying-to-aws as lib/config.ts reads
 * them: blank means unset, Auth0 needs both settings, local mode only where
 * the documentation allows it, and every refusal names the setting to fix.
 */
import { ConfigError, readAuthConfig, readCursorKeys, readDataConfig } from '../../lib/config';
import { withEnv } from '../helpers/env';

const refusal = (env: Record<string, string | undefined>, read: () => unknown): Error => {
  try {
    withEnv(env, read);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the configuration was accepted');
};

/** As in the test suite (ENSEMBLE_TEST), outside any Lambda. */
const inTests = { ENSEMBLE_TEST: 'true', IS_OFFLINE: undefined, AWS_EXECUTION_ENV: undefined };
const inLambda = { ENSEMBLE_TEST: undefined, IS_OFFLINE: undefined, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

describe('readAuthConfig', () => {
  it('gives local tokens the issuer and audience of docs/running-and-testing.md#local-tokens, and keeps their key in .local/keys', () => {
    expect(withEnv({ ...inTests, AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined, ENSEMBLE_KEYS_DIR: undefined }, readAuthConfig)).toEqual({
      mode: 'local',
      issuer: 'https://ensemble.local/',
      audience: 'ensemble-local-api',
      keysDir: '.local/keys',
    });
    expect(withEnv({ ...inTests, AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined, ENSEMBLE_KEYS_DIR: '/tmp/keys' }, readAuthConfig)).toMatchObject({
      keysDir: '/tmp/keys',
    });
  });

  it('treats blank settings as unset', () => {
    expect(withEnv({ ...inTests, AUTH0_DOMAIN: '', API_AUDIENCE: '  ' }, readAuthConfig).mode).toBe('local');
  });

  it('trims what it reads', () => {
    expect(withEnv({ ...inTests, AUTH0_DOMAIN: ' tenant.eu.auth0.com ', API_AUDIENCE: ' https://ensemble-api ' }, readAuthConfig)).toMatchObject({
      issuer: 'https://tenant.eu.auth0.com/',
      audience: 'https://ensemble-api',
    });
  });

  // Auth0 issues tokens only over https, so even an http:// prefix must not end up in the issuer.
  it.each(['tenant.eu.auth0.com', 'https://tenant.eu.auth0.com', 'https://tenant.eu.auth0.com/', 'tenant.eu.auth0.com//', 'http://tenant.eu.auth0.com'])(
    'takes AUTH0_DOMAIN %j with or without https:// and trailing slash (docs/running-and-testing.md#using-real-auth0-tokens)',
    (domain) => {
      expect(withEnv({ ...inLambda, AUTH0_DOMAIN: domain, API_AUDIENCE: 'https://ensemble-api' }, readAuthConfig)).toEqual({
        mode: 'auth0',
        issuer: 'https://tenant.eu.auth0.com/',
        audience: 'https://ensemble-api',
        jwksUri: 'https://tenant.eu.auth0.com/.well-known/jwks.json',
      });
    },
  );

  it.each([
    { AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: undefined },
    { AUTH0_DOMAIN: undefined, API_AUDIENCE: 'https://ensemble-api' },
  ])('refuses one Auth0 setting without the other, even where local tokens are allowed (%p)', (auth0) => {
    const error = refusal({ ...inTests, ...auth0 }, readAuthConfig);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/AUTH0_DOMAIN and API_AUDIENCE/);
    expect(error.message).toMatch(/together/);
  });

  it('names the missing Auth0 settings when a Lambda has neither', () => {
    const error = refusal({ ...inLambda, AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined }, readAuthConfig);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/AUTH0_DOMAIN and API_AUDIENCE must be set/);
  });

  it('counts only a Lambda execution environment as a real Lambda', () => {
    const offline = { ENSEMBLE_TEST: undefined, IS_OFFLINE: 'true', AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined };
    expect(withEnv({ ...offline, AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE' }, readAuthConfig).mode).toBe('local');
    expect(() => withEnv({ ...offline, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, readAuthConfig)).toThrow(ConfigError);
  });

  it('allows local tokens in the test suite (ENSEMBLE_TEST) as in serverless-offline', () => {
    expect(withEnv({ ...inTests, AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined }, readAuthConfig).mode).toBe('local');
    expect(() => withEnv({ ...inTests, ENSEMBLE_TEST: 'false', AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined }, readAuthConfig)).toThrow(
      ConfigError,
    );
  });
});

describe('readCursorKeys', () => {
  it('says what is missing when a Lambda has no CURSOR_KEYS (docs/deploying-and-operating.md#deploying-to-aws)', () => {
    const error = refusal({ ...inLambda, CURSOR_KEYS: undefined }, readCursorKeys);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^CURSOR_KEYS must be set/);
  });

  it('names the rule a short key breaks', () => {
    const error = refusal({ ...inLambda, CURSOR_KEYS: 'k'.repeat(31) }, readCursorKeys);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/CURSOR_KEYS/);
    expect(error.message).toMatch(/32 characters/);
  });

  it('takes a key of exactly 32 characters', () => {
    expect(withEnv({ ...inLambda, CURSOR_KEYS: 'k'.repeat(32) }, readCursorKeys)).toEqual(['k'.repeat(32)]);
  });
});

describe('readDataConfig', () => {
  const tables = { ACTORS_TABLE: 'ensemble-test-actors', MOVIES_TABLE: 'ensemble-test-movies' };

  it('reads both tables, the endpoint, and a 1.5 s timeout unless told otherwise (docs/design-and-limits.md#choices-where-the-spec-is-silent)', () => {
    expect(withEnv({ ...tables, DYNAMODB_ENDPOINT: undefined, DYNAMODB_TIMEOUT_MS: undefined }, readDataConfig)).toMatchObject({
      actorsTable: 'ensemble-test-actors',
      moviesTable: 'ensemble-test-movies',
      endpoint: undefined,
      requestTimeoutMs: 1500,
    });
    expect(withEnv({ ...tables, DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', DYNAMODB_TIMEOUT_MS: '8000' }, readDataConfig)).toMatchObject({
      endpoint: 'http://127.0.0.1:8000',
      requestTimeoutMs: 8000,
    });
  });

  it.each(['ACTORS_TABLE', 'MOVIES_TABLE'])('names %s when it is missing', (name) => {
    const error = refusal({ ...tables, [name]: undefined }, readDataConfig);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(name);
  });

  it.each(['0', '-1', '1.5', 'soon'])('refuses DYNAMODB_TIMEOUT_MS=%j, naming it', (timeout) => {
    const error = refusal({ ...tables, DYNAMODB_TIMEOUT_MS: timeout }, readDataConfig);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('DYNAMODB_TIMEOUT_MS');
  });

  it('takes a timeout of 1 ms', () => {
    expect(withEnv({ ...tables, DYNAMODB_TIMEOUT_MS: '1' }, readDataConfig).requestTimeoutMs).toBe(1);
  });
});
