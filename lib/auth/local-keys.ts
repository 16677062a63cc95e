/**
 * The RS256 key pair behind local-mode tokens. It is made on first use into a
 * git-ignored folder, so every clone gets its own and no private key is ever
 * committed. Functions only ever read the public JWKS from here.
 */
import { createHash, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalJwk extends JsonWebKey {
  kty: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

const JWKS_FILE = 'jwks.json';
const PRIVATE_KEY_FILE = 'private-key.pem';

/** RFC 7638 thumbprint: a stable `kid` derived from the key itself. */
const thumbprint = (jwk: JsonWebKey): string =>
  createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');

export const ensureLocalKeys = (keysDir: string): void => {
  if (existsSync(join(keysDir, JWKS_FILE)) && existsSync(join(keysDir, PRIVATE_KEY_FILE))) return;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = publicKey.export({ format: 'jwk' });
  const jwk: LocalJwk = { ...publicJwk, kty: 'RSA', kid: thumbprint(publicJwk), alg: 'RS256', use: 'sig' };
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(keysDir, PRIVATE_KEY_FILE), privateKey.export({ format: 'pem', type: 'pkcs8' }), {
    mode: 0o600,
  });
  writeFileSync(join(keysDir, JWKS_FILE), `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`);
};

export const readLocalJwks = (keysDir: string): { keys: LocalJwk[] } =>
  JSON.parse(readFileSync(join(keysDir, JWKS_FILE), 'utf8')) as { keys: LocalJwk[] };

export const readLocalPrivateKey = (keysDir: string): { pem: string; kid: string } => {
  const [jwk] = readLocalJwks(keysDir).keys;
  if (jwk === undefined) throw new Error(`No key in ${join(keysDir, JWKS_FILE)}.`);
  return { pem: readFileSync(join(keysDir, PRIVATE_KEY_FILE), 'utf8'), kid: jwk.kid };
};
