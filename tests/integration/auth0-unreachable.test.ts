/**
 * A handler in Auth0 mode whose tenant cannot be reached (nothing listens on
 * port 9): a token of another issuer or audience is still a plain 401,
 * decided from its claims before any JWKS fetch; only a token that claims to
 * be ours, and so needs the tenant's keys, is a 503.
 */
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { customToken, roleToken } from '../helpers/tokens';

const TENANT = '127.0.0.1:9';
const AUDIENCE = 'https://ensemble-api';
const saved = { AUTH0_DOMAIN: process.env.AUTH0_DOMAIN, API_AUDIENCE: process.env.API_AUDIENCE };
let listActors: typeof import('../../functions/actors/list').handler;

beforeAll(async () => {
  Object.assign(process.env, { AUTH0_DOMAIN: TENANT, API_AUDIENCE: AUDIENCE });
  // This file's own module registry: the verifier is built, in Auth0 mode, on the first request.
  ({ handler: listActors } = await import('../../functions/actors/list'));
});

afterAll(() => {
  Object.assign(process.env, saved);
});

describe('Auth0 mode with the tenant unreachable', () => {
  it('answers a local development token with 401, not 503', async () => {
    const result = await invoke(listActors, { token: await roleToken('casting-assistant') });
    expectError(result, 401);
    expect(result.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('answers a token of our tenant for another API with 401', async () => {
    const token = await customToken({ permissions: ['get:actors'], claims: { iss: `https://${TENANT}/`, aud: 'https://other-api' } });
    expectError(await invoke(listActors, { token }), 401);
  });

  it('answers a token for this API, whose key must be fetched, with 503 and Retry-After', async () => {
    const token = await customToken({ permissions: ['get:actors'], claims: { iss: `https://${TENANT}/`, aud: AUDIENCE } });
    const result = await invoke(listActors, { token });
    expectError(result, 503);
    expect(result.headers['retry-after']).toBe('5');
  });
});
