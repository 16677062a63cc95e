/** The Auth0 permissions of README.md#roles-and-permissions and the roles that bundle them. */
export const PERMISSIONS = [
  'get:actors',
  'post:actors',
  'patch:actors',
  'delete:actors',
  'get:movies',
  'post:movies',
  'patch:movies',
  'delete:movies',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const CASTING_ASSISTANT: Permission[] = ['get:actors', 'get:movies'];
const CASTING_DIRECTOR: Permission[] = [
  ...CASTING_ASSISTANT,
  'post:actors',
  'delete:actors',
  'patch:actors',
  'patch:movies',
];
const EXECUTIVE_PRODUCER: Permission[] = [...CASTING_DIRECTOR, 'post:movies', 'delete:movies'];

export const ROLES = {
  'casting-assistant': { name: 'Casting Assistant', permissions: CASTING_ASSISTANT },
  'casting-director': { name: 'Casting Director', permissions: CASTING_DIRECTOR },
  'executive-producer': { name: 'Executive Producer', permissions: EXECUTIVE_PRODUCER },
} as const satisfies Record<string, { name: string; permissions: Permission[] }>;

export type RoleSlug = keyof typeof ROLES;
export const ROLE_SLUGS = Object.keys(ROLES) as RoleSlug[];
