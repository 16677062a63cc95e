/**
 * npm run --silent token -- <role> [--expires-in <seconds>] [--permissions a,b,c]
 * Prints one fresh local token on stdout, nothing else.
 */
import { parseArgs } from 'node:util';
import { PERMISSIONS } from '../auth/permissions';
import { ROLE_SLUGS, ROLES, type RoleSlug } from '../auth/permissions';
import { DEFAULT_KEYS_DIR, mintToken } from './tokens';

const usage = `Usage: npm run --silent token -- <${ROLE_SLUGS.join('|')}> [--expires-in <seconds>] [--permissions a,b,c]`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
};

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { 'expires-in': { type: 'string' }, permissions: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();

if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const role = positionals[0];
if (positionals.length > 1) fail('Give one role.');
if (role === undefined && values.permissions === undefined) fail('Name a role, or give --permissions.');
if (role !== undefined && !ROLE_SLUGS.includes(role as RoleSlug)) fail(`Unknown role "${role}".`);

const permissions =
  values.permissions !== undefined
    ? values.permissions.split(',').map((p) => p.trim()).filter((p) => p !== '')
    : ROLES[role as RoleSlug].permissions;
const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
if (unknown.length > 0) fail(`Unknown permission(s): ${unknown.join(', ')}. Known: ${PERMISSIONS.join(' ')}`);

const expiresIn = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
if (expiresIn !== undefined && !Number.isInteger(expiresIn)) fail('--expires-in takes a whole number of seconds.');

process.stdout.write(
  `${await mintToken({
    permissions,
    ...(expiresIn === undefined ? {} : { expiresIn }),
    subject: `local|${role ?? 'custom'}`,
    // The same key folder npm start and the functions use when ENSEMBLE_KEYS_DIR points elsewhere (the tests do).
    keysDir: process.env.ENSEMBLE_KEYS_DIR || DEFAULT_KEYS_DIR,
  })}\n`,
);
