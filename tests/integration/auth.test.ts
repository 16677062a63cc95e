/**
 * Every way a token can be missing, broken or forged is a 401 (never a 5xx,
 * never a 200); a genuine token without the permission is a 403.
 */
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handler as listActors } from '../../functions/actors/list';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../lib/config';
import { readLocalJwks, readLocalPrivateKey } from '../../lib/auth/local-keys';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { customToken, roleToken } from '../helpers/tokens';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

const keysDir = () => process.env.ENSEMBLE_KEYS_DIR!;
const ourKid = () => readLocalPrivateKey(keysDir()).kid;
const goodClaims = () => ({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'attacker', iat: now(), exp: now() + 600, permissions: ['get:actors'] });

const rs256 = (header: object, payload: object, privateKeyPem: string) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKeyPem).toString('base64url')}`;
};
const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerPem = attackerKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const ourPem = () => readFileSync(join(keysDir(), 'private-key.pem'), 'utf8');

const call = (authorization?: string, extra: { query?: Record<string, string> } = {}) =>
  invoke(listActors, { headers: authorization === undefined ? {} : { authorization }, ...extra });

const expect401 = async (authorization: string | undefined, extra?: { query?: Record<string, string> }) => {
  const result = await call(authorization, extra);
  expectError(result, 401);
  return result;
};

describe('401: no usable credentials', () => {
  it('without an Authorization header, challenges with a bare "Bearer"', async () => {
    const result = await expect401(undefined);
    expect(result.headers['www-authenticate']).toBe('Bearer');
  });

  it('with the token only in the query string', async () => {
    await expect401(undefined, { query: { access_token: await roleToken('executive-producer') } });
  });

  it.each([
    ['an empty header', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without token', 'Bearer'],
    ['garbage', 'Bearer not.a.jwt'],
    ['a token of one part', 'Bearer abcdef'],
    ['a very long token', `Bearer ${'a'.repeat(20_000)}.${'b'.repeat(20)}.${'c'.repeat(20)}`],
    ['non-base64 parts', 'Bearer ###.$$$.%%%'],
  ])('with %s', async (_what, header) => {
    const result = await expect401(header);
    expect(result.headers['www-authenticate']).toMatch(/^Bearer( error="invalid_token")?$/);
  });

  it('with two Authorization headers (joined by a comma)', async () => {
    const token = await roleToken('executive-producer');
    await expect401(`Bearer ${token}, Bearer ${token}`);
  });
});

describe('401: forged or broken tokens', () => {
  const forged: [string, () => Promise<string> | string][] = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid: ourKid() })}.${b64(goodClaims())}.`],
    ['alg NONE', () => `${b64({ alg: 'NONE', kid: ourKid() })}.${b64(goodClaims())}.`],
    ['alg nOnE', () => `${b64({ alg: 'nOnE', kid: ourKid() })}.${b64(goodClaims())}.`],
    [
      'HS256 signed with the public key',
      () => {
        const publicJwk = readLocalJwks(keysDir()).keys[0]!;
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: ourKid() })}.${b64(goodClaims())}`;
        return `${input}.${createHmac('sha256', JSON.stringify(publicJwk)).update(input).digest('base64url')}`;
      },
    ],
    [
      'payload changed after signing',
      async () => {
        const [header, , signature] = (await roleToken('casting-assistant')).split('.');
        return `${header!}.${b64({ ...goodClaims(), permissions: ['delete:actors', 'get:actors'] })}.${signature!}`;
      },
    ],
    [
      'signature stripped',
      async () => {
        const [header, payload] = (await roleToken('casting-assistant')).split('.');
        return `${header!}.${payload!}.`;
      },
    ],
    ['unknown kid', () => rs256({ alg: 'RS256', kid: 'someone-else' }, goodClaims(), attackerPem)],
    ['no kid', () => rs256({ alg: 'RS256' }, goodClaims(), ourPem())],
    ['our kid, attacker key', () => rs256({ alg: 'RS256', kid: ourKid() }, goodClaims(), attackerPem)],
    [
      'attacker key embedded as jwk',
      () => rs256({ alg: 'RS256', kid: 'embedded', jwk: attackerKey.publicKey.export({ format: 'jwk' }) }, goodClaims(), attackerPem),
    ],
    ['jku pointing elsewhere', () => rs256({ alg: 'RS256', kid: 'x', jku: 'https://evil.example/jwks.json' }, goodClaims(), attackerPem)],
    ['x5u pointing elsewhere', () => rs256({ alg: 'RS256', kid: 'x', x5u: 'https://evil.example/cert.pem' }, goodClaims(), attackerPem)],
    ['wrong issuer', () => rs256({ alg: 'RS256', kid: ourKid() }, { ...goodClaims(), iss: 'https://evil.example/' }, ourPem())],
    ['issuer without the trailing slash', () => rs256({ alg: 'RS256', kid: ourKid() }, { ...goodClaims(), iss: LOCAL_ISSUER.slice(0, -1) }, ourPem())],
    ['wrong audience', () => rs256({ alg: 'RS256', kid: ourKid() }, { ...goodClaims(), aud: 'another-api' }, ourPem())],
    ['expired', () => customToken({ permissions: ['get:actors'], expiresIn: -60 })],
    ['not yet valid', () => rs256({ alg: 'RS256', kid: ourKid() }, { ...goodClaims(), nbf: now() + 3600 }, ourPem())],
    ['no exp', () => rs256({ alg: 'RS256', kid: ourKid() }, { ...goodClaims(), exp: undefined }, ourPem())],
    ['exp as a string', () => rs256({ alg: 'RS256', kid: ourKid() }, { ...goodClaims(), exp: `${now() + 600}` }, ourPem())],
    ['RS256 header but RS512 signature', () => {
      const input = `${b64({ alg: 'RS256', kid: ourKid() })}.${b64(goodClaims())}`;
      return `${input}.${createSign('RSA-SHA512').update(input).sign(ourPem()).toString('base64url')}`;
    }],
  ];

  it.each(forged)('rejects %s', async (_what, makeToken) => {
    const result = await expect401(`Bearer ${await makeToken()}`);
    expect(result.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('says when a token has expired', async () => {
    const result = await expect401(`Bearer ${await customToken({ permissions: ['get:actors'], expiresIn: -60 })}`);
    expect(result.body.message).toMatch(/expired/);
  });
});

describe('403: a genuine token without the permission', () => {
  it.each([
    ['no permissions at all', { permissions: [] }],
    ['another permission', { permissions: ['get:movies'] }],
    ['a permissions claim that is a string', { permissions: [], claims: { permissions: 'get:actors' } }],
    ['a permissions claim of non-strings', { permissions: [], claims: { permissions: [{ name: 'get:actors' }, 7] } }],
    ['scope instead of permissions', { permissions: [], claims: { scope: 'get:actors' } }],
  ])('refuses %s', async (_what, options) => {
    const result = await call(`Bearer ${await customToken(options)}`);
    expectError(result, 403);
    expect(result.body.message).toContain('get:actors');
    expect(result.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
  });

  it('admits the same token once it carries the permission', async () => {
    expect((await call(`Bearer ${await customToken({ permissions: ['get:actors'] })}`)).status).toBe(200);
    expect((await call(`bearer ${await customToken({ permissions: ['get:actors'] })}`)).status).toBe(200);
  });
});
