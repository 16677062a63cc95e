/**
 * One schema per request body and query string. Handlers receive only what
 * these schemas produce, already trimmed and typed.
 *
 * Written with `zod/mini`: the same validator as zod, in a tree-shakable
 * form that adds ~20 KB to a function bundle instead of ~450 KB.
 *
 * Function bundles hold this module (each, the schemas its route uses), so
 * it says nothing but what a client is told when a request breaks a rule:
 * what the OpenAPI document says about these schemas beyond what zod derives
 * lives in lib/validation/schema-docs.ts, which only the document imports.
 */
import * as z from 'zod/mini';
import { parseCalendarDate, todayUtc } from '../domain/dates';
import {
  DEFAULT_PAGE_SIZE,
  EARLIEST_DATE,
  MAX_CAST_SIZE,
  MAX_GENDER_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
  MAX_TITLE_LENGTH,
} from '../domain/limits';
import { BIDI_CONTROLS, FORBIDDEN_IN_TEXT } from '../domain/text';
import { ULID } from '../domain/records';

/**
 * `pure(() => x)` is `x`, built as the module loads; the annotation tells
 * esbuild that the call has no side effects, so a function's bundle keeps
 * only the schemas its route uses, and only the parts of zod those need,
 * instead of every schema below: 7 to 18 KB less per bundle when it came in.
 * Every top-level schema is built through it, and nothing here may have an
 * effect beyond building its schema (tests/unit/bundle-contents.test.ts).
 */
/* @__NO_SIDE_EFFECTS__ */
const pure = <T>(build: () => T): T => build();

const requiredString = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const text = (max: number) =>
  requiredString('a string').check(
    z.refine((value) => !FORBIDDEN_IN_TEXT.test(value), {
      error: 'must not contain control characters or unpaired surrogates',
      abort: true,
    }),
    z.refine((value) => !BIDI_CONTROLS.test(value), {
      error: 'must not contain bidi embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)',
      abort: true,
    }),
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
  );

// `abort` stops at the first broken rule: "2031-02-30" is unreal, and saying it is also in the future helps nobody.
const calendarDate = (...rules: z.core.$ZodCheck<string>[]) =>
  requiredString('a date in YYYY-MM-DD form').check(
    z.refine((value) => parseCalendarDate(value) !== undefined, {
      error: 'must be a real calendar date in YYYY-MM-DD form',
      abort: true,
    }),
    z.refine((value) => value >= EARLIEST_DATE, { error: `must not be before ${EARLIEST_DATE}`, abort: true }),
    ...rules,
  );


const recordId = pure(() => z.string({ error: 'must be an id string' }).check(z.regex(ULID, 'must be an id (26-character ULID)')));

// ---- actors -------------------------------------------------------------

const actorFields = pure(() => ({
  name: text(MAX_NAME_LENGTH),
  gender: text(MAX_GENDER_LENGTH),
  birth_date: calendarDate(z.refine((value) => value <= todayUtc(), 'must not be in the future')),
}));

/** Fields a client may read but never write. */
export const ACTOR_READ_ONLY = ['id', 'age', 'movie_ids', 'version', 'created_at', 'updated_at'] as const;

const atLeastOneField = (fields: string) =>
  z.refine((body: unknown) => Object.keys(body as object).length > 0, `must change at least one of ${fields}`);

export const actorCreateBody = pure(() => z.strictObject(actorFields));
export const actorUpdateBody = pure(() => z.partial(z.strictObject(actorFields)).check(atLeastOneField('name, gender, birth_date')));

export type ActorCreate = z.infer<typeof actorCreateBody>;
export type ActorUpdate = z.infer<typeof actorUpdateBody>;

// ---- movies -------------------------------------------------------------

/** One schema per use, so each can carry its own description into the OpenAPI document (schema-docs.ts). */
const castIds = () =>
  z
    .array(recordId, { error: 'must be an array of actor ids' })
    .check(
      z.maxLength(MAX_CAST_SIZE, `must name at most ${MAX_CAST_SIZE} actors`),
      z.refine((ids) => new Set(ids).size === ids.length, 'must not repeat an actor'),
    );

const movieFields = pure(() => ({
  title: text(MAX_TITLE_LENGTH),
  release_date: calendarDate(),
  actor_ids: castIds(),
}));

export const MOVIE_READ_ONLY = ['id', 'version', 'created_at', 'updated_at'] as const;

export const movieCreateBody = pure(() => z.strictObject({ ...movieFields, actor_ids: z.optional(movieFields.actor_ids) }));
// The cast a PATCH sends replaces the whole cast: a schema of its own, which the document describes apart.
export const movieUpdateBody = pure(() =>
  z.partial(z.strictObject({ ...movieFields, actor_ids: castIds() })).check(atLeastOneField('title, release_date, actor_ids')),
);

export type MovieCreate = z.infer<typeof movieCreateBody>;
export type MovieUpdate = z.infer<typeof movieUpdateBody>;

// ---- query strings -----------------------------------------------------

const wholeNumber = (min: number, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\d{1,4}$/, 'must be a whole number')), z.transform(Number)),
    z.number().check(z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
  );

const searchText = pure(() =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`),
      z.refine((value) => /[\p{L}\p{N}]/u.test(value), 'must contain a letter or digit'),
    ),
);

const paging = pure(() => ({
  limit: z._default(wholeNumber(1, MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE),
  cursor: z.optional(
    z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is not a cursor this API issued')),
  ),
}));

export const actorListQuery = pure(() =>
  z
    .strictObject({
      ...paging,
      q: z.optional(searchText),
      gender: z.optional(text(MAX_GENDER_LENGTH)),
      min_age: z.optional(wholeNumber(0, 200)),
      max_age: z.optional(wholeNumber(0, 200)),
      not_in_movie: z.optional(recordId),
    })
    .check(
      z.refine((query) => query.min_age === undefined || query.max_age === undefined || query.min_age <= query.max_age, {
        error: 'must not be greater than max_age',
        path: ['min_age'],
      }),
    ),
);

export const movieListQuery = pure(() =>
  z
    .strictObject({
      ...paging,
      q: z.optional(searchText),
      released_after: z.optional(calendarDate()),
      released_before: z.optional(calendarDate()),
    })
    .check(
      z.refine(
        (query) =>
          query.released_after === undefined ||
          query.released_before === undefined ||
          query.released_after <= query.released_before,
        { error: 'must not be later than released_before', path: ['released_after'] },
      ),
    ),
);

/** The deleted records of a kind: paged, newest first, no filters. */
export const deletedListQuery = pure(() => z.strictObject(paging));

export type ActorListQuery = z.infer<typeof actorListQuery>;
export type DeletedListQuery = z.infer<typeof deletedListQuery>;
export type MovieListQuery = z.infer<typeof movieListQuery>;

/** No query parameters at all: anything sent is a 400, not silently ignored. */
export const noQuery = pure(() => z.strictObject({}));
/** For the catch-all route, which answers 404/405 whatever the query string. */
export const anyQuery = pure(() => z.record(z.string(), z.unknown()));

// ---- path parameters ---------------------------------------------------

export const idParams = pure(() => z.strictObject({ id: recordId }));
export const castMemberParams = pure(() => z.strictObject({ id: recordId, actor_id: recordId }));
