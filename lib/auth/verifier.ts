/**
 * Access-token verification with aws-jwt-verify. Both modes use the same
 * JwtVerifier (asymmetric algorithms only, `kid` required, iss/aud/exp/nbf
 * checked); they differ only in where the JWKS comes from: Auth0's
 * well-known URL, or the key pair made for local development.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { FailedAssertionError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { readAuthConfig, type AuthConfig } from '../config';
import { readLocalJwks } from './local-keys';

/** aws-jwt-verify accepts a token without `exp`; a bearer token that never expires is not one we honour. */
class JwtMissingExpiryError extends FailedAssertionError {}

const requireExpiry = ({ payload }: { payload: JwtPayload }): void => {
  if (typeof payload.exp !== 'number') {
    throw new JwtMissingExpiryError('JWT payload has no exp claim', payload.exp, 'a number');
  }
};

export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
  verifySync(token: string): JwtPayload;
}

export const createVerifier = (config: AuthConfig = readAuthConfig()): TokenVerifier => {
  if (config.mode === 'auth0') {
    return JwtVerifier.create({
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: config.jwksUri,
      customJwtCheck: requireExpiry,
    });
  }
  const jwks = readLocalJwks(config.keysDir) as unknown as Jwks;
  // The "fetcher" serves the local JWKS from memory, so an unknown kid fails
  // like it would against Auth0 (KidNotFoundInJwksError) without any network.
  const jwksBytes = new TextEncoder().encode(JSON.stringify(jwks)).buffer;
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async () => jwksBytes } });
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: `${config.issuer}.well-known/jwks.json`,
      customJwtCheck: requireExpiry,
    },
    { jwksCache },
  );
  verifier.cacheJwks(jwks);
  return verifier;
};
