/**
 * Auth0 mode, with Auth0 itself stood in for by a key pair of ours: the JWKS
 * is served by a stand-in fetcher (as if fetched from the tenant), so the
 * issuer, audience and algorithm rules are exercised exactly as deployed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { FailedAssertionError, JwtInvalidAudienceError, JwtInvalidIssuerError } from 'aws-jwt-verify/error';
import { createVerifier } from '../../lib/auth/verifier';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'tenant-key-1', alg: 'RS256', use: 'sig' }] };
const config = {
  mode: 'auth0' as const,
  issuer: 'https://tenant.eu.auth0.com/',
  audience: 'https://ensemble-api',
  jwksUri: 'https://tenant.eu.auth0.com/.well-known/jwks.json',
};

const sign = async (claims: Record<string, unknown>) =>
  new SignJWT({ permissions: ['get:actors'], sub: 'auth0|123', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'tenant-key-1' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(await importPKCS8(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'RS256'));

describe('Auth0 mode', () => {
  const jwksBytes = new TextEncoder().encode(JSON.stringify(jwks)).buffer;
  const verifier = createVerifier(config, { fetcher: { fetch: () => Promise.resolve(jwksBytes) } });

  it('accepts a tenant token for this API', async () => {
    const payload = await verifier.verify(await sign({ iss: config.issuer, aud: config.audience }));
    expect(payload.permissions).toEqual(['get:actors']);
  });

  it.each([
    ['another tenant', { iss: 'https://other.eu.auth0.com/', aud: config.audience }, JwtInvalidIssuerError],
    ['the issuer without its trailing slash', { iss: 'https://tenant.eu.auth0.com', aud: config.audience }, JwtInvalidIssuerError],
    ['another API', { iss: config.issuer, aud: 'https://other-api' }, JwtInvalidAudienceError],
    ['a local development token', { iss: 'https://ensemble.local/', aud: 'ensemble-local-api' }, JwtInvalidIssuerError],
    ['no subject', { iss: config.issuer, aud: config.audience, sub: undefined }, FailedAssertionError],
  ])('rejects a token for %s', async (_what, claims, errorName) => {
    await expect(verifier.verify(await sign(claims))).rejects.toThrow(errorName);
  });
});
