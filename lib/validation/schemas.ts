/**
 * One schema per request body and query string. Handlers receive only what
 * these schemas produce, already trimmed and typed.
 */
import { z } from 'zod';
import { parseCalendarDate, todayUtc } from '../domain/dates';

export const MAX_CAST_SIZE = 50;
export const EARLIEST_DATE = '1800-01-01';

const requiredString = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const text = (max: number) =>
  requiredString('a string')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const calendarDate = requiredString('a date in YYYY-MM-DD form').refine(
  (value) => parseCalendarDate(value) !== undefined,
  'must be a real calendar date in YYYY-MM-DD form',
).refine((value) => value >= EARLIEST_DATE, `must not be before ${EARLIEST_DATE}`);

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const isRecordId = (value: string): boolean => ULID.test(value);

const recordId = z.string({ error: 'must be an id string' }).regex(ULID, 'must be an id (26-character ULID)');

// ---- actors -------------------------------------------------------------

const actorFields = {
  name: text(200),
  gender: text(50),
  birth_date: calendarDate.refine((value) => value <= todayUtc(), 'must not be in the future'),
};

/** Fields a client may read but never write. */
export const ACTOR_READ_ONLY = ['id', 'age', 'movie_ids', 'version', 'created_at', 'updated_at'] as const;

export const actorCreateBody = z.strictObject(actorFields);
export const actorUpdateBody = z
  .strictObject(actorFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'must change at least one of name, gender, birth_date');

export type ActorCreate = z.infer<typeof actorCreateBody>;
export type ActorUpdate = z.infer<typeof actorUpdateBody>;

// ---- movies -------------------------------------------------------------

const castIds = z
  .array(recordId, { error: 'must be an array of actor ids' })
  .max(MAX_CAST_SIZE, `must name at most ${MAX_CAST_SIZE} actors`)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an actor');

const movieFields = {
  title: text(200),
  release_date: calendarDate,
  actor_ids: castIds,
};

export const MOVIE_READ_ONLY = ['id', 'version', 'created_at', 'updated_at'] as const;

export const movieCreateBody = z.strictObject({ ...movieFields, actor_ids: castIds.optional() });
export const movieUpdateBody = z
  .strictObject(movieFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'must change at least one of title, release_date, actor_ids');

export type MovieCreate = z.infer<typeof movieCreateBody>;
export type MovieUpdate = z.infer<typeof movieUpdateBody>;

// ---- query strings -----------------------------------------------------

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const searchText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((value) => /[\p{L}\p{N}]/u.test(value), 'must contain a letter or digit');

const paging = {
  limit: wholeNumber(1, 100).default(20),
  cursor: z.string().min(1, 'must not be empty').max(1024, 'is not a cursor this API issued').optional(),
};

export const actorListQuery = z
  .strictObject({
    ...paging,
    q: searchText.optional(),
    gender: text(50).optional(),
    min_age: wholeNumber(0, 200).optional(),
    max_age: wholeNumber(0, 200).optional(),
  })
  .refine((query) => query.min_age === undefined || query.max_age === undefined || query.min_age <= query.max_age, {
    message: 'must not be greater than max_age',
    path: ['min_age'],
  });

export const movieListQuery = z
  .strictObject({
    ...paging,
    q: searchText.optional(),
    released_after: calendarDate.optional(),
    released_before: calendarDate.optional(),
  })
  .refine(
    (query) =>
      query.released_after === undefined ||
      query.released_before === undefined ||
      query.released_after <= query.released_before,
    { message: 'must not be later than released_before', path: ['released_after'] },
  );

export type ActorListQuery = z.infer<typeof actorListQuery>;
export type MovieListQuery = z.infer<typeof movieListQuery>;

/** No query parameters at all: anything sent is a 400, not silently ignored. */
export const noQuery = z.strictObject({});
/** For the catch-all route, which answers 404/405 whatever the query string. */
export const anyQuery = z.record(z.string(), z.unknown());

// ---- path parameters ---------------------------------------------------

export const idParams = z.strictObject({ id: recordId });
export const castMemberParams = z.strictObject({ id: recordId, actor_id: recordId });

// ---- responses (documentation and contract tests) ----------------------

const timestamp = z.string().describe('ISO 8601 UTC timestamp');
const resourceMeta = { created_at: timestamp, updated_at: timestamp, version: z.number().int().min(1) };

export const actorResource = z.strictObject({
  id: z.string().regex(ULID),
  name: z.string(),
  gender: z.string(),
  birth_date: z.string().describe('YYYY-MM-DD'),
  age: z.number().int().min(0),
  movie_ids: z.array(z.string().regex(ULID)),
  ...resourceMeta,
});

export const movieResource = z.strictObject({
  id: z.string().regex(ULID),
  title: z.string(),
  release_date: z.string().describe('YYYY-MM-DD'),
  actor_ids: z.array(z.string().regex(ULID)),
  ...resourceMeta,
});

export const errorResource = z.strictObject({
  success: z.literal(false),
  error: z.number().int(),
  message: z.string(),
  details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  request_id: z.string(),
});
