import { ConfigError, LOCAL_CURSOR_KEY, readAuthConfig, readCursorKeys, readDataConfig, readLogConfig } from '../../lib/config';
import { withEnv } from '../helpers/env';

const noAuth0 = { AUTH0_DOMAIN: undefined, API_AUDIENCE: undefined };

describe('readAuthConfig', () => {
  it('uses Auth0 when both settings are given, with the trailing-slash issuer', () => {
    expect(withEnv({ AUTH0_DOMAIN: 'https://tenant.eu.auth0.com/', API_AUDIENCE: 'https://api' }, readAuthConfig)).toEqual({
      mode: 'auth0',
      issuer: 'https://tenant.eu.auth0.com/',
      audience: 'https://api',
      jwksUri: 'https://tenant.eu.auth0.com/.well-known/jwks.json',
    });
  });

  it('fails loudly when only one Auth0 setting is given', () => {
    expect(() => withEnv({ AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: undefined }, readAuthConfig)).toThrow(ConfigError);
  });

  it('allows local tokens inside serverless-offline', () => {
    expect(withEnv({ ...noAuth0, ENSEMBLE_TEST: undefined, IS_OFFLINE: 'true' }, readAuthConfig).mode).toBe('local');
  });

  it('refuses local tokens anywhere else, such as a deployed Lambda', () => {
    expect(() => withEnv({ ...noAuth0, ENSEMBLE_TEST: undefined, IS_OFFLINE: undefined }, readAuthConfig)).toThrow(ConfigError);
    expect(() =>
      withEnv({ ...noAuth0, ENSEMBLE_TEST: undefined, IS_OFFLINE: 'true', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, readAuthConfig),
    ).toThrow(ConfigError);
  });
});

describe('readCursorKeys', () => {
  const deployed = { CURSOR_KEYS: undefined, ENSEMBLE_TEST: undefined, IS_OFFLINE: undefined, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

  it('reads a comma-separated list, the signing key first', () => {
    expect(withEnv({ ...deployed, CURSOR_KEYS: ` ${'a'.repeat(32)} ,${'b'.repeat(40)}` }, readCursorKeys)).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
  });

  it('fails loudly in a deployed Lambda without keys, rather than use the key in the source code', () => {
    expect(() => withEnv(deployed, readCursorKeys)).toThrow(ConfigError);
    expect(() => withEnv({ ...deployed, IS_OFFLINE: 'true' }, readCursorKeys)).toThrow(ConfigError);
  });

  it('refuses a key shorter than 32 characters', () => {
    expect(() => withEnv({ ...deployed, CURSOR_KEYS: `${'a'.repeat(32)},short` }, readCursorKeys)).toThrow(ConfigError);
  });

  it('falls back to the built-in key only inside serverless-offline and the tests', () => {
    expect(withEnv({ CURSOR_KEYS: undefined, ENSEMBLE_TEST: undefined, IS_OFFLINE: 'true', AWS_EXECUTION_ENV: undefined }, readCursorKeys)).toEqual([
      LOCAL_CURSOR_KEY,
    ]);
  });
});

describe('readLogConfig', () => {
  it('takes LOG_LEVEL in any case, INFO when unset', () => {
    expect(withEnv({ LOG_LEVEL: 'warn', METRICS_NAMESPACE: undefined }, readLogConfig)).toEqual({ level: 'WARN', metricsNamespace: 'ensemble' });
    expect(withEnv({ LOG_LEVEL: undefined }, readLogConfig).level).toBe('INFO');
    expect(withEnv({ LOG_LEVEL: 'SILENT', METRICS_NAMESPACE: 'ensemble-prod' }, readLogConfig)).toEqual({ level: 'SILENT', metricsNamespace: 'ensemble-prod' });
  });

  it('fails loudly on a level it does not know, instead of logging at a guess', () => {
    expect(() => withEnv({ LOG_LEVEL: 'VERBOSE' }, readLogConfig)).toThrow(new ConfigError('LOG_LEVEL must be one of INFO, WARN, ERROR, SILENT, not "VERBOSE".'));
  });

  it('has no DEBUG, as the logger writes nothing below INFO: a setting that would change nothing is refused', () => {
    expect(() => withEnv({ LOG_LEVEL: 'debug' }, readLogConfig)).toThrow(new ConfigError('LOG_LEVEL must be one of INFO, WARN, ERROR, SILENT, not "DEBUG".'));
  });
});

describe('readDataConfig', () => {
  const tables = { ACTORS_TABLE: 'a', MOVIES_TABLE: 'm' };

  it('reads the tables, region, endpoint and timeout', () => {
    expect(
      withEnv({ ...tables, AWS_REGION: 'eu-west-1', DYNAMODB_ENDPOINT: 'http://localhost:8000', DYNAMODB_TIMEOUT_MS: '900' }, readDataConfig),
    ).toEqual({ actorsTable: 'a', moviesTable: 'm', region: 'eu-west-1', endpoint: 'http://localhost:8000', requestTimeoutMs: 900 });
    expect(withEnv({ ...tables, AWS_REGION: undefined, DYNAMODB_ENDPOINT: undefined, DYNAMODB_TIMEOUT_MS: undefined }, readDataConfig)).toEqual({
      actorsTable: 'a',
      moviesTable: 'm',
      region: 'us-east-1',
      endpoint: undefined,
      requestTimeoutMs: 1500,
    });
  });

  it.each([{ ACTORS_TABLE: undefined }, { MOVIES_TABLE: ' ' }, { DYNAMODB_TIMEOUT_MS: '0' }, { DYNAMODB_TIMEOUT_MS: '1.5' }, { DYNAMODB_TIMEOUT_MS: 'soon' }])(
    'fails loudly on %p',
    (wrong) => {
      expect(() => withEnv({ ...tables, ...wrong }, readDataConfig)).toThrow(ConfigError);
    },
  );
});
