/**
 * Access-token verification with aws-jwt-verify. Both modes use the same
 * JwtVerifier (asymmetric algorithms only, `kid` required, iss/aud/exp/nbf
 * checked); they differ only in where the JWKS comes from: Auth0's
 * well-known URL, or the key pair made for local development.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FailedAssertionError, JwksNotAvailableInCacheError } from 'aws-jwt-verify/error';
import { decomposeUnverifiedJwt, validateJwtFields } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { readAuthConfig, type AuthConfig } from '../config';
import { readLocalJwks } from './local-keys';

/** aws-jwt-verify accepts a token without `exp`; a bearer token that never expires is not one we honour. */
class JwtMissingExpiryError extends FailedAssertionError {
  override name = 'JwtMissingExpiryError';
}
/** Callers are told apart by `sub` (Idempotency-Key scoping, audit): a token must name one. */
class JwtMissingSubjectError extends FailedAssertionError {
  override name = 'JwtMissingSubjectError';
}

const requiredClaims = ({ payload }: { payload: JwtPayload }): void => {
  if (typeof payload.exp !== 'number') {
    throw new JwtMissingExpiryError('JWT payload has no exp claim', payload.exp, 'a number');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new JwtMissingSubjectError('JWT payload has no sub claim that is a non-empty string', payload.sub, 'a string');
  }
};

/**
 * How long a fetched JWKS is trusted before it is fetched again. With the
 * five minutes a verified token is remembered (verified-tokens.ts), a key
 * withdrawn from the JWKS stops being accepted within ten minutes.
 */
export const JWKS_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * aws-jwt-verify's cache keeps a JWKS for the life of the instance and only
 * fetches again for an unknown `kid`, so a withdrawn key would be trusted
 * for as long as an instance stays warm. This one treats a JWKS older than
 * `maxAgeMs` as absent: the next token makes it fetch the current one.
 */
class ExpiringJwksCache extends SimpleJwksCache {
  private readonly fetchedAt = new Map<string, number>();

  constructor(
    private readonly maxAgeMs = JWKS_MAX_AGE_MS,
    props?: ConstructorParameters<typeof SimpleJwksCache>[0],
  ) {
    super(props);
  }

  private isStale(jwksUri: string): boolean {
    const fetchedAt = this.fetchedAt.get(jwksUri);
    return fetchedAt !== undefined && Date.now() - fetchedAt >= this.maxAgeMs;
  }

  override addJwks(jwksUri: string, jwks: Jwks): void {
    super.addJwks(jwksUri, jwks);
    this.fetchedAt.set(jwksUri, Date.now());
  }

  override async getJwks(jwksUri: string): Promise<Jwks> {
    const jwks = await super.getJwks(jwksUri);
    this.fetchedAt.set(jwksUri, Date.now());
    return jwks;
  }

  override getCachedJwk(...args: Parameters<SimpleJwksCache['getCachedJwk']>): ReturnType<SimpleJwksCache['getCachedJwk']> {
    if (this.isStale(args[0])) throw new JwksNotAvailableInCacheError(`JWKS for uri ${args[0]} is due for a refresh`);
    return super.getCachedJwk(...args);
  }

  override async getJwk(...args: Parameters<SimpleJwksCache['getJwk']>): ReturnType<SimpleJwksCache['getJwk']> {
    if (this.isStale(args[0])) await this.getJwks(args[0]);
    return super.getJwk(...args);
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
  verifySync(token: string): JwtPayload;
}

export interface VerifierOptions {
  /** How the JWKS is fetched; aws-jwt-verify's HTTPS fetcher by default. Tests serve it over plain HTTP. */
  fetcher?: Fetcher;
  jwksMaxAgeMs?: number;
}

export const createVerifier = (config: AuthConfig = readAuthConfig(), options: VerifierOptions = {}): TokenVerifier => {
  if (config.mode === 'auth0') {
    const jwksCache: JwksCache = new ExpiringJwksCache(options.jwksMaxAgeMs, options.fetcher && { fetcher: options.fetcher });
    const verifier = JwtVerifier.create(
      { issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, customJwtCheck: requiredClaims },
      { jwksCache },
    );
    return {
      verifySync: (token) => verifier.verifySync(token),
      // The claims are checked before a key is looked up, which may mean fetching the JWKS: a token of
      // another issuer or audience is a 401 even while the tenant is unreachable, and never costs a fetch.
      // (Unverified claims only ever reject here; accepting needs the signature.)
      verify: async (token) => {
        validateJwtFields(decomposeUnverifiedJwt(token).payload, { issuer: config.issuer, audience: config.audience });
        return verifier.verify(token);
      },
    };
  }
  const jwks = readLocalJwks(config.keysDir) as unknown as Jwks;
  // The "fetcher" serves the local JWKS from memory, so an unknown kid fails
  // like it would against Auth0 (KidNotFoundInJwksError) without any network.
  const jwksBytes = new TextEncoder().encode(JSON.stringify(jwks)).buffer;
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: () => Promise.resolve(jwksBytes) } });
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: `${config.issuer}.well-known/jwks.json`,
      customJwtCheck: requiredClaims,
    },
    { jwksCache },
  );
  verifier.cacheJwks(jwks);
  return verifier;
};
