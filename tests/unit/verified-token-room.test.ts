/**
 * The verified-token cache holds at most 1,000 tokens and drops the oldest
 * (lib/auth/verified-tokens.ts): what takes room, and what counts as old.
 */
import { cachedPayload, forgetVerifiedTokens, rememberVerified } from '../../lib/auth/verified-tokens';

const T0 = 1_800_000_000_000;
const hourLong = { sub: 'u', exp: T0 / 1000 + 3600, permissions: ['get:actors'] };

beforeEach(() => forgetVerifiedTokens());

const fill = (count: number, prefix: string, now = T0): void => {
  for (let i = 0; i < count; i += 1) rememberVerified(`${prefix}-${i}`, hourLong, now);
};

describe('verified-token cache room', () => {
  it('forgets everything when told to', () => {
    rememberVerified('t', hourLong, T0);
    forgetVerifiedTokens();
    expect(cachedPayload('t', T0 + 1)).toBeUndefined();
  });

  it('gives no room to a token that expires as it is verified, or has no exp', () => {
    fill(999, 'valid');
    rememberVerified('expiring-now', { sub: 'u', exp: T0 / 1000 }, T0);
    rememberVerified('no-exp', { sub: 'u' }, T0);
    rememberVerified('expired', { sub: 'u', exp: T0 / 1000 - 1 }, T0);
    // 999 valid tokens and one more fit: the oldest is still there.
    rememberVerified('one-more', hourLong, T0);
    expect(cachedPayload('valid-0', T0 + 1)).toBeDefined();
    expect(cachedPayload('one-more', T0 + 1)).toBeDefined();
  });

  it('counts a token verified again after it expired as the newest', () => {
    rememberVerified('renewed', { sub: 'u', exp: T0 / 1000 + 60 }, T0);
    fill(998, 'other');
    const later = T0 + 61_000;
    expect(cachedPayload('renewed', later)).toBeUndefined();
    rememberVerified('renewed', hourLong, later);
    // 1,000 entries, then one more: the oldest one, other-0, makes room, not the token just verified.
    rememberVerified('x1', hourLong, later);
    rememberVerified('x2', hourLong, later);
    expect(cachedPayload('renewed', later + 1)).toBeDefined();
    expect(cachedPayload('other-0', later + 1)).toBeUndefined();
    expect(cachedPayload('other-1', later + 1)).toBeDefined();
  });
});
