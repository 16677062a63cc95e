import { ConfigError, readAuthConfig } from '../../lib/config';

const withEnv = <T>(env: Record<string, string | undefined>, read: () => T): T => {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return read();
  } finally {
    process.env = saved;
  }
};

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
