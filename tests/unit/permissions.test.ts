/**
 * The role table of README.md#roles-and-permissions, written out here by hand: a grant added to or
 * dropped from lib/auth/permissions.ts fails this test, whatever the code says.
 */
import { PERMISSIONS, ROLE_SLUGS, ROLES } from '../../lib/auth/permissions';

// README.md#roles-and-permissions, row by row: "Casting Director = Casting Assistant + …", "Executive Producer = Casting Director + …".
const CASTING_ASSISTANT = ['get:actors', 'get:movies'];
const CASTING_DIRECTOR = [...CASTING_ASSISTANT, 'post:actors', 'delete:actors', 'patch:actors', 'patch:movies'];
const EXECUTIVE_PRODUCER = [...CASTING_DIRECTOR, 'post:movies', 'delete:movies'];

describe('permissions and roles (README.md#roles-and-permissions)', () => {
  it('names the eight Auth0 permissions of the API', () => {
    expect([...PERMISSIONS].sort()).toEqual(
      ['get:actors', 'post:actors', 'patch:actors', 'delete:actors', 'get:movies', 'post:movies', 'patch:movies', 'delete:movies'].sort(),
    );
  });

  it('has exactly the three roles, under the slugs `npm run token` takes (docs/running-and-testing.md#local-tokens)', () => {
    expect([...ROLE_SLUGS].sort()).toEqual(['casting-assistant', 'casting-director', 'executive-producer']);
    expect(Object.keys(ROLES).sort()).toEqual(['casting-assistant', 'casting-director', 'executive-producer']);
  });

  it.each([
    ['casting-assistant', 'Casting Assistant', CASTING_ASSISTANT],
    ['casting-director', 'Casting Director', CASTING_DIRECTOR],
    ['executive-producer', 'Executive Producer', EXECUTIVE_PRODUCER],
  ] as const)('gives %s (%s) exactly the permissions of its row', (slug, name, permissions) => {
    expect(ROLES[slug].name).toBe(name);
    expect([...ROLES[slug].permissions].sort()).toEqual([...permissions].sort());
    expect(new Set(ROLES[slug].permissions).size).toBe(ROLES[slug].permissions.length);
  });
});
