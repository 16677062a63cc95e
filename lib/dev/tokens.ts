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
  return new SignJWT({ permissions: [...options.permissions], ...options.claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(options.subject ?? 'local|developer')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 24 * 60 * 60))
    .sign(await importPKCS8(pem, 'RS256'));
};

export const mintRoleToken = (role: RoleSlug, options: Omit<TokenOptions, 'permissions'> = {}): Promise<string> =>
  mintToken({ ...options, permissions: ROLES[role].permissions, subject: `local|${role}` });
