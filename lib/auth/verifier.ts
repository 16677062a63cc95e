/**
 * Access-token verification with aws-jwt-verify. Both modes use the same
 * JwtVerifier (asymmetric algorithms only, `kid` required, iss/aud/exp/nbf
 * checked); they differ only in where the JWKS comes from: Auth0's
 * well-known URL, or the key pair made for local development.
 */
// The subpath, not the package's index, which brings the Cognito verifier into every bundle (2.5 KB).
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { SimpleJwksCache, type JwksCache, type PenaltyBox } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import {
  FailedAssertionError,
  FetchError,
  JwksNotAvailableInCacheError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { decomposeUnverifiedJwt, validateJwtFields } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { readAuthConfig, type AuthConfig } from '../config';
import { countMetric, logger } from '../log';
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
 * How long a fetched JWKS is used before it is fetched again. With the five
 * minutes a verified token is remembered (verified-tokens.ts), a key
 * withdrawn from the JWKS stops being accepted within ten minutes while the
 * tenant answers (docs/design-and-limits.md#choices-where-the-spec-is-silent, "Signing-key rotation bound").
 */
export const JWKS_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * While the tenant cannot be reached (refused, 5xx, timed out, not a JWKS),
 * the last key set fetched is used for at most this long after it was
 * fetched; after that, tokens that need a key are refused with a 503 until
 * the tenant answers again. An Auth0 outage of under an hour goes unnoticed
 * by callers; a key withdrawn just before it is trusted an hour at most.
 */
export const JWKS_STALE_LIMIT_MS = 60 * 60 * 1000;

/** After a failed fetch, the tenant is not tried again for this long (matching the 503's `Retry-After`). */
export const JWKS_RETRY_MS = 5 * 1000;

/** A `kid` the key set lacked is not worth another fetch for this long… */
export const UNKNOWN_KID_BACKOFF_MS = JWKS_MAX_AGE_MS;
/** …and whatever the `kid`, an instance fetches for an unknown one at most once in this long. */
export const UNKNOWN_KID_FETCH_INTERVAL_MS = 10 * 1000;

/**
 * aws-jwt-verify's SimpleJwksCache asks a penalty box before each fetch for a
 * `kid` its key set lacks. Its SimplePenaltyBox closes per JWKS URI, only
 * after a fetch that succeeded without the `kid`, and times out on real
 * timers; so a forged `kid` still costs a fetch whenever the tenant fails,
 * and one forged `kid` every ten seconds holds off a real new key. This box
 * counts every attempt, per `kid` and over all of them, on `Date.now()`.
 */
class UnknownKidPenaltyBox implements PenaltyBox {
  private readonly triedAt = new Map<string, number>();
  private lastAttemptAt = -Infinity;

  wait(_jwksUri: string, kid: string): Promise<void> {
    const now = Date.now();
    for (const [tried, at] of this.triedAt) if (now - at >= UNKNOWN_KID_BACKOFF_MS) this.triedAt.delete(tried);
    const kidTriedAt = this.triedAt.get(kid);
    if (kidTriedAt !== undefined || now - this.lastAttemptAt < UNKNOWN_KID_FETCH_INTERVAL_MS) {
      return Promise.reject(new WaitPeriodNotYetEndedJwkError('Not fetching the JWKS again yet for an unknown kid'));
    }
    // Recorded now rather than on failure: a fetch that fails must count too.
    this.triedAt.set(kid, now);
    this.lastAttemptAt = now;
    return Promise.resolve();
  }

  registerFailedAttempt(): void {
    // Already counted in wait().
  }

  registerSuccessfulAttempt(_jwksUri: string, kid: string): void {
    this.triedAt.delete(kid);
  }
}

interface KeySetState {
  /** When the key set in the cache was fetched (or added). */
  fetchedAt?: number;
  /** No fetch before this time: the last one failed. */
  retryAt: number;
  lastFailure?: FetchError;
}

/**
 * aws-jwt-verify's cache keeps a JWKS for the life of the instance and only
 * fetches again for an unknown `kid`, so a withdrawn key would be trusted
 * for as long as an instance stays warm. This one fetches a key set again
 * once it is JWKS_MAX_AGE_MS old; if that fails it goes on with the one it
 * has, for up to JWKS_STALE_LIMIT_MS after that was fetched, trying the
 * tenant again at most once every JWKS_RETRY_MS.
 */
class ExpiringJwksCache extends SimpleJwksCache {
  private readonly keySets = new Map<string, KeySetState>();

  constructor(fetcher?: Fetcher) {
    super({ penaltyBox: new UnknownKidPenaltyBox(), ...(fetcher && { fetcher }) });
  }

  private state(jwksUri: string): KeySetState {
    let state = this.keySets.get(jwksUri);
    if (state === undefined) {
      state = { retryAt: -Infinity };
      this.keySets.set(jwksUri, state);
    }
    return state;
  }

  private age(jwksUri: string): number {
    const { fetchedAt } = this.state(jwksUri);
    return fetchedAt === undefined ? Infinity : Date.now() - fetchedAt;
  }

  private usable(jwksUri: string): boolean {
    return this.age(jwksUri) < JWKS_STALE_LIMIT_MS;
  }

  private mayFetch(jwksUri: string): boolean {
    return Date.now() >= this.state(jwksUri).retryAt;
  }

  override addJwks(jwksUri: string, jwks: Jwks): void {
    super.addJwks(jwksUri, jwks);
    this.state(jwksUri).fetchedAt = Date.now();
  }

  override async getJwks(jwksUri: string): Promise<Jwks> {
    const state = this.state(jwksUri);
    if (!this.mayFetch(jwksUri) && state.lastFailure) throw state.lastFailure;
    try {
      const jwks = await super.getJwks(jwksUri);
      Object.assign(state, { fetchedAt: Date.now(), retryAt: -Infinity, lastFailure: undefined });
      return jwks;
    } catch (error) {
      // Whatever went wrong (network, status, time-out, a body that is no JWKS), the tenant did not give us keys: a 503, never the token's fault.
      const failure = error instanceof FetchError ? error : new FetchError(jwksUri, error instanceof Error ? error.message : String(error));
      Object.assign(state, { retryAt: Date.now() + JWKS_RETRY_MS, lastFailure: failure });
      const usable = this.usable(jwksUri);
      logger.warn('JWKS fetch failed', {
        error: failure.message.slice(0, 500),
        key_set_age_s: Number.isFinite(this.age(jwksUri)) ? Math.round(this.age(jwksUri) / 1000) : null,
        using_last_good_key_set: usable,
        ...countMetric('JwksFetchFailures'),
      });
      throw failure;
    }
  }

  override getCachedJwk(...args: Parameters<SimpleJwksCache['getCachedJwk']>): ReturnType<SimpleJwksCache['getCachedJwk']> {
    const [jwksUri] = args;
    if (!this.usable(jwksUri)) throw new JwksNotAvailableInCacheError(`JWKS for uri ${jwksUri} not available`);
    if (this.age(jwksUri) >= JWKS_MAX_AGE_MS && this.mayFetch(jwksUri)) {
      throw new JwksNotAvailableInCacheError(`JWKS for uri ${jwksUri} is due for a refresh`);
    }
    return super.getCachedJwk(...args);
  }

  override async getJwk(...args: Parameters<SimpleJwksCache['getJwk']>): ReturnType<SimpleJwksCache['getJwk']> {
    const [jwksUri] = args;
    if (this.age(jwksUri) >= JWKS_MAX_AGE_MS) {
      try {
        await this.getJwks(jwksUri);
      } catch (error) {
        // Past the limit (or with no key set at all) the keys are not used: fail closed.
        if (!this.usable(jwksUri)) throw error;
      }
    }
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
}

export const createVerifier = (config: AuthConfig = readAuthConfig(), options: VerifierOptions = {}): TokenVerifier => {
  if (config.mode === 'auth0') {
    const jwksCache: JwksCache = new ExpiringJwksCache(options.fetcher);
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
