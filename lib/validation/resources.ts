/**
 * The records the API returns, as zod schemas: the OpenAPI document
 * (lib/http/openapi.ts) and, through it, the contract tests are made of
 * them, and lib/http/present.ts takes its types from them. That import is of
 * types only and no handler imports this module, so none of it reaches a
 * function bundle.
 */
import * as z from 'zod/mini';
import { ULID } from '../domain/records';

const id = z.string().check(z.regex(ULID), z.describe('Server-generated ULID (sortable by creation).'));
// As Date#toISOString writes them: UTC, milliseconds.
const timestamp = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), z.meta({ format: 'date-time', description: 'ISO 8601, UTC.' }));
const date = z.string().check(z.meta({ format: 'date' }));
const resourceMeta = {
  created_at: timestamp,
  updated_at: timestamp,
  version: z.int().check(z.gte(1), z.describe('Starts at 1 and grows by 1 on every change; sent back as the ETag.')),
};

export const actorResource = z
  .strictObject({
    id,
    name: z.string(),
    gender: z.string(),
    birth_date: date,
    age: z.int().check(z.gte(0), z.describe('Whole years, derived from birth_date on the day of the request (UTC).')),
    movie_ids: z.array(z.string().check(z.regex(ULID))).check(z.describe('The movies the actor is cast in, sorted.')),
    ...resourceMeta,
  })
  .check(
    z.meta({
      examples: [
        {
          id: '01M86WTD96T7T6CKMATQ3ZVNAW',
          name: 'Tom Hanks',
          gender: 'male',
          birth_date: '1956-07-09',
          age: 70,
          movie_ids: ['01M86WTDG57TYQ9BYQS054SJ2Q', '01M86WTDH3XYKFYVJNM1F1XQNN'],
          created_at: '2026-11-24T13:44:42.022Z',
          updated_at: '2026-11-24T13:44:42.275Z',
          version: 3,
        },
      ],
    }),
  );

export const movieResource = z
  .strictObject({
    id,
    title: z.string(),
    release_date: date,
    actor_ids: z.array(z.string().check(z.regex(ULID))).check(z.describe('The cast, sorted.')),
    ...resourceMeta,
  })
  .check(
    z.meta({
      examples: [
        {
          id: '01M86WTDG57TYQ9BYQS054SJ2Q',
          title: 'Philadelphia',
          release_date: '1993-12-22',
          actor_ids: ['01M86WTD96T7T6CKMATQ3ZVNAW', '01M86WTD98ETKSTNETQVTV3MSR'],
          created_at: '2026-11-24T13:44:42.061Z',
          updated_at: '2026-11-24T13:44:42.275Z',
          version: 2,
        },
      ],
    }),
  );

export const errorResource = z.strictObject({
  success: z.literal(false),
  error: z.int().check(z.gte(400), z.lte(599), z.describe('The HTTP status code.')),
  message: z.string().check(z.describe('One sentence a person can act on.')),
  details: z.optional(
    z
      .array(z.strictObject({ field: z.string(), message: z.string() }))
      .check(z.describe('Per-field problems (validation errors).')),
  ),
  request_id: z.string().check(z.describe('Quote it when reporting a problem: every log line of the request carries it.')),
});
