/**
 * The life of Auth0 signing keys, against a JWKS served over HTTP by this
 * test (a stand-in for the tenant's /.well-known/jwks.json, on a free port):
 * a new key is accepted at once, a withdrawn key stops being accepted within
 * the stated bound on a warm instance, verified-token cache included. Time
 * is moved by a controllable clock, never waited for.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importPKCS8, SignJWT } from 'jose';
import { FetchError } from 'aws-jwt-verify/error';
import { verifyToken } from '../../lib/http/authorize';
import { forgetVerifiedTokens } from '../../lib/auth/verified-tokens';
import { createVerifier, JWKS_MAX_AGE_MS, type TokenVerifier } from '../../lib/auth/verifier';
import { ServiceUnavailableError, UnauthorizedError } from '../../lib/http/errors';
import { handler as listActors } from '../../functions/actors/list';
import { logger } from '../../lib/log';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { customToken } from '../helpers/tokens';

const ISSUER = 'https://tenant.example.auth0.com/';
const AUDIENCE = 'https://ensemble-api';

const newKey = (kid: string) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
};
type Key = ReturnType<typeof newKey>;

// ---- the clock: Date.now, which aws-jwt-verify and our caches read, moved forward at will --------
const realNow = Date.now;
let offsetMs = 0;
const advance = (ms: number) => {
  offsetMs += ms;
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---- the JWKS server --------------------------------------------------------------------------
let published: Key[] = [];
let fetches = 0;
/** How the stand-in tenant answers: normally, or as an outage does. */
let tenant: 'up' | 'error 500' | 'connection reset' | 'not JSON' = 'up';
let server: Server;
let jwksUri: string;

beforeAll(async () => {
  Date.now = () => realNow() + offsetMs;
  server = createServer((request, response) => {
    fetches += 1;
    if (tenant === 'connection reset') {
      request.socket.destroy();
      return;
    }
    if (tenant === 'error 500') {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    if (tenant === 'not JSON') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      return;
    }
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(async () => {
  Date.now = realNow;
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  forgetVerifiedTokens();
  fetches = 0;
  tenant = 'up';
});

/** aws-jwt-verify's fetcher speaks HTTPS only; this one fetches the same URL over plain HTTP. */
const httpFetcher = {
  fetch: async (uri: string) => {
    const response = await fetch(uri).catch((error: unknown) => {
      throw new FetchError(uri, error instanceof Error ? error.message : String(error));
    });
    if (!response.ok) throw new FetchError(uri, `Status code is ${response.status}`);
    return response.arrayBuffer();
  },
};

const tenantVerifier = (uri = jwksUri): TokenVerifier =>
  createVerifier({ mode: 'auth0', issuer: ISSUER, audience: AUDIENCE, jwksUri: uri }, { fetcher: httpFetcher });

const sign = async (key: Key, claims: Record<string, unknown> = {}) =>
  new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'auth0|someone', iat: nowSeconds(), exp: nowSeconds() + 24 * 3600, permissions: ['get:actors'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .sign(await importPKCS8(key.pem, 'RS256'));

const rejection = async (token: string, verifier: TokenVerifier) => {
  try {
    await verifyToken(token, verifier);
  } catch (error) {
    return error;
  }
  throw new Error('the token was accepted');
};

describe('signing-key rotation', () => {
  it('accepts a key added to the JWKS at once, and stops accepting a withdrawn key within the bound', async () => {
    const [first, second] = [newKey('key-1'), newKey('key-2')];
    published = [first];
    const verifier = tenantVerifier();
    const oldToken = await sign(first);
    expect((await verifyToken(oldToken, verifier)).sub).toBe('auth0|someone');

    // Auth0 rotates: the next key is published beside the current one, and a token signed with it works at once.
    published = [first, second];
    expect((await verifyToken(await sign(second), verifier)).sub).toBe('auth0|someone');

    // The old key is withdrawn. A warm instance may go on trusting it (and its verified tokens) for a while…
    published = [second];
    advance(JWKS_MAX_AGE_MS - 1000);
    expect((await verifyToken(oldToken, verifier)).sub).toBe('auth0|someone');
    expect((await verifyToken(await sign(first), verifier)).sub).toBe('auth0|someone');

    // …but no longer than the bound: JWKS age plus the verified-token cache's five minutes.
    advance(5 * 60 * 1000 + 2000);
    const error = await rejection(oldToken, verifier);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).cause).toEqual(expect.objectContaining({ name: 'KidNotFoundInJwksError' }));
    expect(await rejection(await sign(first), verifier)).toBeInstanceOf(UnauthorizedError);
    expect((await verifyToken(await sign(second), verifier)).sub).toBe('auth0|someone');
  });

  it('fetches the JWKS again once it is older than its maximum age, and drops the keys it no longer lists', async () => {
    const key = newKey('key-3');
    published = [key];
    const verifier = tenantVerifier();
    const token = await sign(key);
    await verifyToken(token, verifier);
    expect(fetches).toBe(1);
    published = [];
    advance(JWKS_MAX_AGE_MS + 1000);
    expect(await rejection(token, verifier)).toBeInstanceOf(UnauthorizedError);
    // One fetch because the JWKS was too old, one more by aws-jwt-verify for a kid the fresh JWKS lacks.
    expect(fetches).toBe(3);
  });
});

const HOUR_MS = 60 * 60 * 1000;

describe('an Auth0 outage', () => {
  it.each(['error 500', 'connection reset', 'not JSON'] as const)(
    'with the key set answering %s: keeps verifying with the last good key set for an hour after the last good fetch, then answers 503, and recovers',
    async (outage) => {
      const key = newKey(`outage-${outage}`);
      published = [key];
      const verifier = tenantVerifier();
      expect((await verifyToken(await sign(key), verifier)).sub).toBe('auth0|someone');
      expect(fetches).toBe(1);

      tenant = outage;
      // The key set is due for a refresh, which fails: new tokens (none of them in the verified-token cache) still verify.
      advance(JWKS_MAX_AGE_MS + 1000);
      expect((await verifyToken(await sign(key, { sub: 'auth0|after-refresh-failed' }), verifier)).sub).toBe('auth0|after-refresh-failed');
      expect(fetches).toBe(2);
      advance(HOUR_MS - JWKS_MAX_AGE_MS - 3000);
      expect((await verifyToken(await sign(key, { sub: 'auth0|near-the-hour' }), verifier)).sub).toBe('auth0|near-the-hour');

      // An hour after the last good fetch the keys are no longer trusted: fail closed, as with no keys at all.
      advance(3000);
      const closed = await rejection(await sign(key, { sub: 'auth0|past-the-hour' }), verifier);
      expect(closed).toBeInstanceOf(ServiceUnavailableError);
      expect((closed as ServiceUnavailableError).headers['Retry-After']).toBe('5');

      // The tenant answers again: the next attempt fetches the key set, and tokens verify again.
      tenant = 'up';
      advance(60 * 1000);
      const before = fetches;
      expect((await verifyToken(await sign(key, { sub: 'auth0|recovered' }), verifier)).sub).toBe('auth0|recovered');
      expect(fetches).toBe(before + 1);
    },
  );

  it('does not try the unreachable tenant on every request: one attempt per retry interval, the rest verified with the last good keys', async () => {
    const key = newKey('outage-retries');
    published = [key];
    const verifier = tenantVerifier();
    await verifyToken(await sign(key), verifier);
    tenant = 'error 500';
    advance(JWKS_MAX_AGE_MS + 1000);
    for (let i = 0; i < 20; i += 1) {
      expect((await verifyToken(await sign(key, { sub: `auth0|caller-${i}` }), verifier)).sub).toBe(`auth0|caller-${i}`);
    }
    expect(fetches).toBe(2);
  });

  it('answers 503 to a token of ours when the tenant has never been reached, and does not retry on every request', async () => {
    const key = newKey('never-reached');
    published = [key];
    tenant = 'error 500';
    const verifier = tenantVerifier();
    for (let i = 0; i < 5; i += 1) expect(await rejection(await sign(key, { sub: `auth0|cold-${i}` }), verifier)).toBeInstanceOf(ServiceUnavailableError);
    expect(fetches).toBe(1);
    tenant = 'up';
    advance(60 * 1000);
    expect((await verifyToken(await sign(key), verifier)).sub).toBe('auth0|someone');
  });
});

describe('forged tokens with a random kid', () => {
  const attacker = newKey('attacker');
  const forge = async (kid: string) =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'auth0|forger', iat: nowSeconds(), exp: nowSeconds() + 3600, permissions: ['get:actors'] })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(await importPKCS8(attacker.pem, 'RS256'));
  const randomKid = () => `forged-${Math.random().toString(36).slice(2)}`;

  it('make an instance fetch the key set at most once per kid, and at most once per window whatever the kid', async () => {
    const key = newKey('real-key');
    published = [key];
    const verifier = tenantVerifier();
    await verifyToken(await sign(key), verifier);
    expect(fetches).toBe(1);

    const repeated = randomKid();
    for (const kid of [repeated, ...Array.from({ length: 30 }, randomKid), repeated]) {
      expect(await rejection(await forge(kid), verifier)).toBeInstanceOf(UnauthorizedError);
    }
    expect(fetches).toBe(2);

    // A minute on, a kid already tried is still not worth a fetch…
    advance(60 * 1000);
    expect(await rejection(await forge(repeated), verifier)).toBeInstanceOf(UnauthorizedError);
    expect(fetches).toBe(2);
    // …but a new one is (once), so a flood of forged kids cannot hold off a key the tenant really adds.
    const added = newKey('added-during-the-flood');
    published = [key, added];
    expect((await verifyToken(await sign(added), verifier)).sub).toBe('auth0|someone');
    expect(fetches).toBe(3);
    expect(await rejection(await forge(randomKid()), verifier)).toBeInstanceOf(UnauthorizedError);
    expect(fetches).toBe(3);
  });

  it('cannot make an instance hammer an unreachable tenant', async () => {
    const key = newKey('real-key-2');
    published = [key];
    const verifier = tenantVerifier();
    await verifyToken(await sign(key), verifier);
    tenant = 'error 500';
    for (let i = 0; i < 30; i += 1) {
      const error = await rejection(await forge(randomKid()), verifier);
      expect([UnauthorizedError, ServiceUnavailableError]).toContain((error as object).constructor);
    }
    expect(fetches).toBeLessThanOrEqual(2);
    // Meanwhile genuine tokens still verify with the keys the instance has.
    expect((await verifyToken(await sign(key, { sub: 'auth0|genuine' }), verifier)).sub).toBe('auth0|genuine');
  });
});

describe('tokens of another issuer or audience', () => {
  it.each([
    ['a local development token', { iss: 'https://ensemble.local/', aud: 'ensemble-local-api' }],
    ['another tenant', { iss: 'https://other.example.auth0.com/' }],
    ['another API', { aud: 'https://other-api' }],
  ])('rejects %s with 401 without fetching the JWKS, even when the tenant is unreachable', async (_what, claims) => {
    const token = await sign(newKey('unknown-kid'), claims);
    published = [];
    const reachable = await rejection(token, tenantVerifier());
    expect(reachable).toBeInstanceOf(UnauthorizedError);
    expect(fetches).toBe(0);
    const unreachable = await rejection(token, tenantVerifier('http://127.0.0.1:9/.well-known/jwks.json'));
    expect(unreachable).toBeInstanceOf(UnauthorizedError);
    expect((unreachable as UnauthorizedError).cause).toEqual(
      expect.objectContaining({ name: expect.stringMatching(/^JwtInvalid(Issuer|Audience)Error$/) }),
    );
  });

  it('still answers 503 for a token of ours whose key cannot be fetched', async () => {
    const token = await sign(newKey('key-4'));
    expect(await rejection(token, tenantVerifier('http://127.0.0.1:9/.well-known/jwks.json'))).toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('why a token was rejected', () => {
  const capture = async (run: () => Promise<unknown>) => {
    const lines: [string, Record<string, unknown>][] = [];
    const original = logger.warn;
    logger.warn = (message, fields) => lines.push([message, fields ?? {}]);
    try {
      await run();
    } finally {
      logger.warn = original;
    }
    return lines;
  };

  it.each([
    ['an expired token', { expiresIn: -60 }, 'JwtExpiredError', 'The access token has expired.'],
    ['a token of another audience', { claims: { aud: 'https://other-api' } }, 'JwtInvalidAudienceError', 'The access token is invalid.'],
    ['a token without sub', { claims: { sub: undefined } }, 'JwtMissingSubjectError', 'The access token is invalid.'],
  ])('logs %s at WARN with the verifier error, never the token', async (_what, options, cause, reason) => {
    const token = await customToken({ permissions: ['get:actors'], ...options });
    const lines = await capture(async () => expectError(await invoke(listActors, { token }), 401));
    expect(lines).toEqual([
      ['Access token rejected', { request_id: expect.any(String), status: 401, reason, cause: { name: cause, message: expect.any(String) } }],
    ]);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[1]);
  });

  it('logs a missing token at WARN too', async () => {
    const lines = await capture(async () => expectError(await invoke(listActors, {}), 401));
    expect(lines).toEqual([['Access token rejected', { request_id: expect.any(String), status: 401, reason: expect.stringContaining('needs an access token') }]]);
  });
});

describe('tokens without a usable subject', () => {
  it.each([
    ['no sub', { sub: undefined }],
    ['a numeric sub', { sub: 42 }],
    ['an empty sub', { sub: '' }],
    ['an object sub', { sub: { id: 'x' } }],
  ])('answers a token with %s with 401', async (_what, claims) => {
    const token = await customToken({ permissions: ['get:actors'], claims });
    const result = await invoke(listActors, { token });
    expectError(result, 401);
    expect(result.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });
});
