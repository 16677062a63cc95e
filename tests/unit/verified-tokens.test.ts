import { cachedPayload, forgetVerifiedTokens, rememberVerified } from '../../lib/auth/verified-tokens';

const T0 = 1_800_000_000_000;
const payload = (expSeconds: number) => ({ sub: 'u', exp: expSeconds, permissions: ['get:actors'] }) as never;

beforeEach(() => forgetVerifiedTokens());

describe('verified-token cache', () => {
  it('knows only the exact token string that was verified', () => {
    rememberVerified('aaa.bbb.ccc', payload(T0 / 1000 + 3600), T0);
    expect(cachedPayload('aaa.bbb.ccc', T0 + 1)).toMatchObject({ sub: 'u' });
    expect(cachedPayload('aaa.bbb.ccd', T0 + 1)).toBeUndefined();
    expect(cachedPayload('aaa.bbb.cc', T0 + 1)).toBeUndefined();
  });

  it('forgets a token when it expires', () => {
    rememberVerified('t', payload(T0 / 1000 + 60), T0);
    expect(cachedPayload('t', T0 + 59_999)).toBeDefined();
    expect(cachedPayload('t', T0 + 60_000)).toBeUndefined();
  });

  it('re-verifies at the latest five minutes after verifying, however long the token lives', () => {
    rememberVerified('t', payload(T0 / 1000 + 86_400), T0);
    expect(cachedPayload('t', T0 + 299_999)).toBeDefined();
    expect(cachedPayload('t', T0 + 300_000)).toBeUndefined();
  });

  it('never keeps a token that is already expired or has no exp', () => {
    rememberVerified('old', payload(T0 / 1000 - 1), T0);
    rememberVerified('none', { sub: 'u' }, T0);
    expect(cachedPayload('old', T0)).toBeUndefined();
    expect(cachedPayload('none', T0)).toBeUndefined();
  });

  it('holds at most 1,000 tokens, dropping the oldest', () => {
    for (let i = 0; i <= 1000; i += 1) rememberVerified(`token-${i}`, payload(T0 / 1000 + 3600), T0);
    expect(cachedPayload('token-0', T0 + 1)).toBeUndefined();
    expect(cachedPayload('token-1', T0 + 1)).toBeDefined();
    expect(cachedPayload('token-1000', T0 + 1)).toBeDefined();
  });
});
