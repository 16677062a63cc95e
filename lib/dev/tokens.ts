/** Local-mode access tokens, shaped like Auth0's: RS256, `kid`, iss/aud/sub/iat/exp and `permissions`. */
import { importPKCS8, SignJWT } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../config';
import { ensureLocalKeys, readLocalPrivateKey } from '../auth/local-keys';
import { ROLES, type RoleSlug } from '../auth/permissions';

export const DEFAULT_KEYS_DIR = '.local/keys';

export interface TokenOptions {
  permissions: readonly string[];
  /** Lifetime in seconds; negative makes an already-expired token (for tests). */
  expiresIn?: number;
  subject?: string;
  keysDir?: string;
  /** Extra or replacement claims, for tests of malformed tokens. */
  claims?: Record<string, unknown>;
}

export const mintToken = async (options: TokenOptions): Promise<string> => {
  const keysDir = options.keysDir ?? DEFAULT_KEYS_DIR;
  ensureLocalKeys(keysDir);
  const { pem, kid } = readLocalPrivateKey(keysDir);
  const now = Math.floor(Date.now() / 1000);
  // One payload object, so that `claims` can also replace or (with `undefined`) drop a standard claim.
  const payload = {
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: options.subject ?? 'local|developer',
    iat: now,
    exp: now + (options.expiresIn ?? 24 * 60 * 60),
    permissions: [...options.permissions],
    ...options.claims,
  };
  return new SignJWT(JSON.parse(JSON.stringify(payload)) as Record<string, unknown>)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
    .sign(await importPKCS8(pem, 'RS256'));
};

export const mintRoleToken = (role: RoleSlug, options: Omit<TokenOptions, 'permissions'> = {}): Promise<string> =>
  mintToken({ ...options, permissions: ROLES[role].permissions, subject: `local|${role}` });
