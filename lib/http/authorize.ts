/**
 * The middy middleware that admits a request: a valid bearer token (401
 * otherwise) carrying the operation's permission (403 otherwise). It is the
 * one place that reads the token's claims: what follows reads the caller
 * from the request context (request-context.ts).
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  FetchError,
  JwkValidationError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ForbiddenError, ServiceUnavailableError, UnauthorizedError } from './errors';
import type { Caller, RequestContext } from './request-context';
import type { Permission } from '../auth/permissions';
import { cachedPayload, rememberVerified } from '../auth/verified-tokens';
import { createVerifier, JWKS_RETRY_MS, type TokenVerifier } from '../auth/verifier';

// Built on first use, not at import, so that public functions never pay for it
// and a misconfigured stage fails on the first authenticated request with a logged 500.
let defaultVerifier: TokenVerifier | undefined;

const BEARER = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i; // the scheme is case-insensitive (RFC 9110 §11.1)
/** Real Auth0 access tokens are ~1 KB; anything far beyond is not worth parsing. */
const MAX_TOKEN_LENGTH = 8192;

const bearerToken = (header: string | undefined): string => {
  if (header === undefined || header.trim() === '') {
    throw new UnauthorizedError('This request needs an access token: send "Authorization: Bearer <token>".', { reason: 'missing_token' });
  }
  const match = BEARER.exec(header);
  if (match?.[1] === undefined || match[1].length > MAX_TOKEN_LENGTH) {
    throw new UnauthorizedError('The Authorization header must be "Bearer <token>".', { reason: 'malformed_header' });
  }
  return match[1];
};

/**
 * The synchronous check is a third cheaper and suffices whenever the JWKS is
 * cached (every request after the first, in Auth0 mode); only a token whose
 * key is not cached yet goes the asynchronous way, which fetches the JWKS.
 */
const verifyWithCachedKeys = async (token: string, verifier: TokenVerifier): Promise<JwtPayload> => {
  try {
    return verifier.verifySync(token);
  } catch (error) {
    if (error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError) return verifier.verify(token);
    throw error;
  }
};

// aws-jwt-verify's errors are all named "Error", and minified bundles rename classes: the log names them from here.
const VERIFIER_ERRORS: [abstract new (...args: never[]) => Error, string][] = [
  [JwtExpiredError, 'JwtExpiredError'],
  [JwtNotBeforeError, 'JwtNotBeforeError'],
  [JwtInvalidIssuerError, 'JwtInvalidIssuerError'],
  [JwtInvalidAudienceError, 'JwtInvalidAudienceError'],
  [JwtInvalidClaimError, 'JwtInvalidClaimError'],
  [JwtInvalidSignatureError, 'JwtInvalidSignatureError'],
  [JwtInvalidSignatureAlgorithmError, 'JwtInvalidSignatureAlgorithmError'],
  [JwtParseError, 'JwtParseError'],
  [JwtWithoutValidKidError, 'JwtWithoutValidKidError'],
  [KidNotFoundInJwksError, 'KidNotFoundInJwksError'],
  [WaitPeriodNotYetEndedJwkError, 'WaitPeriodNotYetEndedJwkError'],
  [JwksValidationError, 'JwksValidationError'],
  [JwkValidationError, 'JwkValidationError'],
];

const named = (error: JwtBaseError): JwtBaseError => {
  if (error.name === 'Error') error.name = VERIFIER_ERRORS.find(([type]) => error instanceof type)?.[1] ?? 'JwtBaseError';
  return error;
};

/** The token's verified claims, or the 401 (503 when the JWKS cannot be fetched) that rejects it. */
export const verifyToken = async (token: string, verifier: TokenVerifier = (defaultVerifier ??= createVerifier())): Promise<JwtPayload> => {
  const known = cachedPayload(token);
  if (known !== undefined) return known;
  try {
    const payload = await verifyWithCachedKeys(token, verifier);
    rememberVerified(token, payload);
    return payload;
  } catch (error) {
    if (error instanceof FetchError) {
      throw new ServiceUnavailableError('The identity provider could not be reached to check the token.', {
        retryAfterSeconds: JWKS_RETRY_MS / 1000,
        cause: error,
      });
    }
    if (error instanceof JwtExpiredError) throw new UnauthorizedError('The access token has expired.', { reason: 'expired', cause: named(error) });
    if (error instanceof JwtNotBeforeError) throw new UnauthorizedError('The access token is not valid yet.', { reason: 'not_yet_valid', cause: named(error) });
    if (error instanceof JwtBaseError) throw new UnauthorizedError('The access token is invalid.', { reason: 'invalid_token', cause: named(error) });
    throw error;
  }
};

/**
 * The caller a verified token names. The verifier admits only tokens with a
 * `sub` (lib/auth/verifier.ts); the `permissions` claim is read as Auth0 puts
 * it in access tokens, and anything else there grants nothing.
 */
const callerOf = (payload: JwtPayload): Caller => {
  const claim = payload.permissions;
  return {
    sub: payload.sub ?? '',
    permissions: Array.isArray(claim) ? claim.filter((p): p is string => typeof p === 'string') : [],
  };
};

export const authorize = (permission: Permission): middy.MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, RequestContext> => ({
  before: async (request) => {
    const caller = callerOf(await verifyToken(bearerToken(request.event.headers.authorization)));
    // Known before the permission check, so that a 403's request line names who tried.
    request.context.caller = caller;
    if (!caller.permissions.includes(permission)) {
      throw new ForbiddenError(`This action needs the ${permission} permission.`);
    }
  },
});
