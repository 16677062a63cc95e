/**
 * Tokens this function instance has already verified, so a client sending
 * the same bearer token again is not re-verified on every request: the same
 * idea as API Gateway's authorizer cache (whose default TTL is also 300 s).
 *
 * Only the exact token string that passed verification is found here, so
 * nothing forged or altered can be; an entry lasts until the token expires
 * or five minutes after it was verified, whichever comes first, which bounds
 * how long a key withdrawn from the JWKS stays trusted by a warm instance.
 * The permission is still checked on every request by the caller.
 */
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

const MAX_ENTRIES = 1000;
const MAX_AGE_MS = 5 * 60 * 1000;

interface Entry {
  payload: JwtPayload;
  /** Epoch ms after which the entry is no longer honoured. */
  until: number;
}

const entries = new Map<string, Entry>();

export const cachedPayload = (token: string, now = Date.now()): JwtPayload | undefined => {
  const entry = entries.get(token);
  if (entry === undefined) return undefined;
  if (entry.until <= now) {
    entries.delete(token);
    return undefined;
  }
  return entry.payload;
};

export const rememberVerified = (token: string, payload: JwtPayload, now = Date.now()): void => {
  const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : now;
  const until = Math.min(expiresAt, now + MAX_AGE_MS);
  if (until <= now) return;
  // Maps iterate in insertion order: the first key is the oldest entry.
  if (entries.size >= MAX_ENTRIES) {
    const oldest = entries.keys().next();
    if (oldest.done !== true) entries.delete(oldest.value);
  }
  entries.set(token, { payload, until });
};

export const forgetVerifiedTokens = (): void => entries.clear();
