/** Tokens for tests, signed with the suite's own key pair (ENSEMBLE_KEYS_DIR). */
import type { RoleSlug } from '../../lib/auth/permissions';
import { mintRoleToken, mintToken, type TokenOptions } from '../../lib/dev/tokens';

const keysDir = () => process.env.ENSEMBLE_KEYS_DIR!;

export const roleToken = (role: RoleSlug): Promise<string> => mintRoleToken(role, { keysDir: keysDir() });

export const customToken = (options: TokenOptions): Promise<string> => mintToken({ keysDir: keysDir(), ...options });
