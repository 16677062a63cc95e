/**
 * What the OpenAPI document says about the request schemas of
 * lib/validation/schemas.ts beyond what z.toJSONSchema derives: a refinement
 * is opaque to it, so the rules a text, a date or a cast follows are written
 * here, in words, and bodies that must change something get `minProperties`.
 *
 * Only lib/http/openapi.ts imports this module, so none of it reaches a
 * function bundle: the bundles hold the schemas, and the prose would count
 * against the bundle-size bar (BENCHMARKS.md) for nothing, as clients read it
 * in openapi.json (tests/unit/bundle-contents.test.ts checks). A field added
 * to a request body needs an entry here (tests/unit/openapi.test.ts checks).
 */
import type * as z from 'zod/mini';
import { EARLIEST_DATE, MAX_CAST_SIZE, MAX_CHANGE_ITEMS, MAX_GENDER_LENGTH, MAX_NAME_LENGTH, MAX_TITLE_LENGTH } from '../domain/limits';
import { actorCreateBody, actorListQuery, actorUpdateBody, deletedListQuery, movieCreateBody, movieListQuery, movieUpdateBody } from './schemas';

type JsonSchema = Record<string, unknown>;

const text = (max: number): JsonSchema => ({
  description: `Trimmed, 1–${max} characters (code points). No control characters (NUL, tab, line breaks…), unpaired surrogates or bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).`,
});
const DATE = { format: 'date', description: `A real calendar date, from ${EARLIEST_DATE} on.` };
/** A query parameter read as a whole number (zod sees a string piped into a number). */
const INTEGER = { type: 'integer' };
const cast = (description: string): JsonSchema => ({ uniqueItems: true, description });

/**
 * A cast change is one DynamoDB transaction, which holds at most 100 items:
 * the movie plus one per actor joining or leaving.
 */
const CAST_REPLACEMENT = cast(
  `Replaces the whole cast (at most ${MAX_CAST_SIZE} actors). The change is made in one transaction of at most ${MAX_CHANGE_ITEMS} items: ` +
    `the movie plus one per actor joining or leaving. So replacing a full cast of ${MAX_CAST_SIZE} with ${MAX_CAST_SIZE} other actors (${2 * MAX_CAST_SIZE + 1} items) is a 422; ` +
    'do it in two requests: first `{"actor_ids":[]}` (or a smaller cast), then the new cast.',
);

/** The schema an optional or defaulted field wraps, which z.toJSONSchema describes the value by. */
const unwrap = (schema: z.core.$ZodType): z.core.$ZodType => {
  const { def } = schema._zod;
  return def.type === 'optional' || def.type === 'default' ? unwrap((def as z.core.$ZodOptionalDef).innerType) : schema;
};

/** What a schema's JSON Schema gets over zod's, keyed by the very schema objects the handlers validate with. */
export const jsonSchemaHints = new Map<z.core.$ZodType, JsonSchema>();

const describe = (schema: z.core.$ZodType, jsonSchema: JsonSchema) => {
  jsonSchemaHints.set(schema, { ...jsonSchemaHints.get(schema), ...jsonSchema });
};
/** Hints for fields of an object schema, by name. */
const fields = <S extends z.ZodMiniObject>(object: S, hints: { [K in keyof S['shape']]?: JsonSchema }) => {
  for (const [name, jsonSchema] of Object.entries(hints) as [keyof S['shape'] & string, JsonSchema][]) {
    describe(unwrap(object.shape[name] as z.core.$ZodType), jsonSchema);
  }
};

// An update body's fields are its create body's, made optional: described once, through the create body.
fields(actorCreateBody, {
  name: text(MAX_NAME_LENGTH),
  gender: text(MAX_GENDER_LENGTH),
  birth_date: { ...DATE, description: `A real calendar date, from ${EARLIEST_DATE} on, not in the future (UTC).` },
});
describe(actorUpdateBody, { minProperties: 1 });

fields(movieCreateBody, {
  title: text(MAX_TITLE_LENGTH),
  release_date: DATE,
  actor_ids: cast(`The cast: at most ${MAX_CAST_SIZE} actors.`),
});
// But for its cast, a schema of its own: a PATCH replaces the whole cast.
fields(movieUpdateBody, { actor_ids: CAST_REPLACEMENT });
describe(movieUpdateBody, { minProperties: 1 });

// The three queries share one `limit`.
fields(actorListQuery, { limit: INTEGER, gender: text(MAX_GENDER_LENGTH), min_age: INTEGER, max_age: INTEGER });
fields(movieListQuery, { limit: INTEGER, released_after: DATE, released_before: DATE });
fields(deletedListQuery, { limit: INTEGER });
