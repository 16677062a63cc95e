/**
 * The request rules of docs/endpoints.md#resources,
 * docs/endpoints.md#lists-search-and-filters and
 * docs/endpoints.md#validation-and-limits, checked on the schemas themselves. Each
 * rejection must name the field at fault, once, with a message that says
 * what the rule is (the limit, the form, the other field).
 */
import type * as z from 'zod/mini';
import {
  actorCreateBody,
  actorListQuery,
  actorUpdateBody,
  anyQuery,
  castMemberParams,
  idParams,
  movieCreateBody,
  movieListQuery,
  movieUpdateBody,
  noQuery,
} from '../../lib/validation/schemas';

interface Issue {
  field: string;
  message: string;
}

const issuesOf = (schema: z.ZodMiniType, input: unknown): Issue[] => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
};

/** The one issue `input` raises, which must be about `field`. */
const onlyIssue = (schema: z.ZodMiniType, input: unknown, field: string): string => {
  const issues = issuesOf(schema, input);
  expect(issues.map((issue) => issue.field)).toEqual([field]);
  return issues[0]!.message;
};

const parsed = <S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> => {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`rejected: ${JSON.stringify(result.error.issues)}`);
  return result.data;
};

const ID = ['01ARZ3NDEKTSV4RRFFQ69G5FAV', '01BX5ZZKBKACTAV9WEVGEMMVRZ', '01HZX3QJ8W0000000000000000', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ'];
const ulids = (count: number): string[] => Array.from({ length: count }, (_, i) => `01ARZ3NDEKTSV4RRFFQ69G${String(i).padStart(4, '0')}`);

/** What a message about an id must say: that it is an id, and, for a malformed one, of which form. */
const AN_ID = /\ban id\b/;
const A_ULID = /\ban id\b.*\bULID\b/;

const dayOffset = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const actor = { name: 'Tom Hanks', gender: 'male', birth_date: '1956-07-09' };
const movie = { title: 'Philadelphia', release_date: '1993-12-22' };

describe('actor bodies (docs/endpoints.md#resources)', () => {
  it('accepts an actor and trims its text', () => {
    expect(parsed(actorCreateBody, { name: '  Tom Hanks ', gender: ' male  ', birth_date: '1956-07-09' })).toEqual(actor);
  });

  it.each(['name', 'gender', 'birth_date'])('requires %s', (field) => {
    const { [field as keyof typeof actor]: _left, ...rest } = actor;
    expect(onlyIssue(actorCreateBody, rest, field)).toMatch(/required/);
  });

  it.each([
    ['name', 42, /string/],
    ['gender', null, /string/],
    ['birth_date', 19560709, /YYYY-MM-DD/],
  ])('says what %s must be when it has the wrong type', (field, value, rule) => {
    const message = onlyIssue(actorCreateBody, { ...actor, [field]: value }, field);
    expect(message).toMatch(rule);
    expect(message).not.toMatch(/required/);
  });

  it.each([
    ['name', 200],
    ['gender', 50],
  ])('takes %s of 1 to %i characters after trimming', (field, max) => {
    expect(parsed(actorCreateBody, { ...actor, [field]: ` ${'x'.repeat(max)} ` })).toMatchObject({ [field]: 'x'.repeat(max) });
    expect(parsed(actorCreateBody, { ...actor, [field]: 'x' })).toMatchObject({ [field]: 'x' });
    expect(onlyIssue(actorCreateBody, { ...actor, [field]: 'x'.repeat(max + 1) }, field)).toContain(String(max));
    expect(onlyIssue(actorCreateBody, { ...actor, [field]: '   ' }, field)).toMatch(/empty/);
  });

  it('counts characters as code points: 200 emoji make a name of 200', () => {
    expect(parsed(actorCreateBody, { ...actor, name: '😀'.repeat(200) }).name).toBe('😀'.repeat(200));
    expect(issuesOf(actorCreateBody, { ...actor, name: '😀'.repeat(201) })).toHaveLength(1);
  });

  it.each(['name', 'gender'])('refuses control characters and unpaired surrogates in %s, once, with the documented message', (field) => {
    for (const bad of ['Tom\tHanks', 'Tom\u0000', '\ud800Tom', '\u0085']) {
      expect(onlyIssue(actorCreateBody, { ...actor, [field]: bad }, field)).toBe('must not contain control characters or unpaired surrogates');
    }
    // A line break alone would also be empty once trimmed: still one entry, the first rule it breaks.
    expect(onlyIssue(actorCreateBody, { ...actor, [field]: '\n' }, field)).toBe('must not contain control characters or unpaired surrogates');
  });

  it.each(['\u202e', '\u202a', '\u2066', '\u2069'])('refuses the bidi control %j in name and gender, once, with the documented message', (control) => {
    for (const field of ['name', 'gender']) {
      expect(onlyIssue(actorCreateBody, { ...actor, [field]: `Tom ${control}Cruise` }, field)).toBe(
        'must not contain bidi embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)',
      );
    }
  });

  it('refuses a bidi override in a title', () => {
    expect(onlyIssue(movieCreateBody, { title: 'The \u202eSting', release_date: '1973-12-25' }, 'title')).toBe(
      'must not contain bidi embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)',
    );
  });

  it('accepts what scripts and emoji need: joiners, bidi marks, combining accents', () => {
    const name = 'Pene\u0301lope \u200fשלום\u200e 👩‍👩‍👧';
    expect(parsed(actorCreateBody, { ...actor, name }).name).toBe(name);
  });

  it('takes a birth date from 1800-01-01 up to today (UTC)', () => {
    expect(parsed(actorCreateBody, { ...actor, birth_date: '1800-01-01' }).birth_date).toBe('1800-01-01');
    expect(parsed(actorCreateBody, { ...actor, birth_date: dayOffset(0) }).birth_date).toBe(dayOffset(0));
    expect(onlyIssue(actorCreateBody, { ...actor, birth_date: '1799-12-31' }, 'birth_date')).toContain('1800-01-01');
    expect(onlyIssue(actorCreateBody, { ...actor, birth_date: dayOffset(2) }, 'birth_date')).toBe('must not be in the future');
  });

  it.each(['2023-02-29', '2024-13-01', '2024-1-1', '1956-07-09T00:00:00Z', ''])('refuses %j as not a real date', (date) => {
    const message = onlyIssue(actorCreateBody, { ...actor, birth_date: date }, 'birth_date');
    expect(message).toMatch(/real calendar date/);
    expect(message).toMatch(/YYYY-MM-DD/);
  });

  it('reports an unreal future date once, as unreal', () => {
    expect(onlyIssue(actorCreateBody, { ...actor, birth_date: `${Number(dayOffset(0).slice(0, 4)) + 5}-02-30` }, 'birth_date')).toMatch(
      /real calendar date/,
    );
  });

  it('reports every offending field', () => {
    expect(issuesOf(actorCreateBody, { name: '', gender: 'x'.repeat(51), birth_date: '2023-02-29' }).map((issue) => issue.field).sort()).toEqual([
      'birth_date',
      'gender',
      'name',
    ]);
  });

  it('updates any one field, but not none (docs/endpoints.md#validation-and-limits: an empty PATCH is a 422)', () => {
    expect(parsed(actorUpdateBody, { gender: ' female ' })).toEqual({ gender: 'female' });
    expect(parsed(actorUpdateBody, { birth_date: '1800-01-01' })).toEqual({ birth_date: '1800-01-01' });
    const message = onlyIssue(actorUpdateBody, {}, '');
    for (const field of ['name', 'gender', 'birth_date']) expect(message).toContain(field);
  });

  it('applies the create rules to an update', () => {
    expect(onlyIssue(actorUpdateBody, { birth_date: dayOffset(2) }, 'birth_date')).toBe('must not be in the future');
    expect(onlyIssue(actorUpdateBody, { name: 'x'.repeat(201) }, 'name')).toContain('200');
  });
});

describe('movie bodies (docs/endpoints.md#resources)', () => {
  it('accepts a movie without a cast, and one released in the future', () => {
    expect(parsed(movieCreateBody, { ...movie, title: ' Philadelphia ' })).toEqual(movie);
    expect(parsed(movieCreateBody, { ...movie, release_date: '2100-01-01' }).release_date).toBe('2100-01-01');
  });

  it('takes a title of 1 to 200 characters and a real release date from 1800-01-01', () => {
    expect(onlyIssue(movieCreateBody, { ...movie, title: 'x'.repeat(201) }, 'title')).toContain('200');
    expect(onlyIssue(movieCreateBody, { release_date: movie.release_date }, 'title')).toMatch(/required/);
    expect(onlyIssue(movieCreateBody, { ...movie, title: 'Up\u0007' }, 'title')).toBe('must not contain control characters or unpaired surrogates');
    expect(onlyIssue(movieCreateBody, { ...movie, release_date: '1799-12-31' }, 'release_date')).toContain('1800-01-01');
    expect(onlyIssue(movieCreateBody, { ...movie, release_date: '1993-02-29' }, 'release_date')).toMatch(/real calendar date/);
    expect(onlyIssue(movieCreateBody, { title: movie.title }, 'release_date')).toMatch(/required/);
  });

  it('takes a cast of up to 50 distinct actor ids', () => {
    expect(parsed(movieCreateBody, { ...movie, actor_ids: ulids(50) }).actor_ids).toEqual(ulids(50));
    expect(parsed(movieCreateBody, { ...movie, actor_ids: [] }).actor_ids).toEqual([]);
    expect(onlyIssue(movieCreateBody, { ...movie, actor_ids: ulids(51) }, 'actor_ids')).toContain('50');
  });

  it('refuses a cast that repeats an actor', () => {
    expect(onlyIssue(movieCreateBody, { ...movie, actor_ids: [ID[0], ID[1], ID[0]] }, 'actor_ids')).toMatch(/repeat/);
  });

  it('names each malformed entry by its position (docs/endpoints.md#validation-and-limits: actor_ids.2)', () => {
    expect(onlyIssue(movieCreateBody, { ...movie, actor_ids: [ID[0], ID[1], 'tom-hanks'] }, 'actor_ids.2')).toMatch(A_ULID);
    expect(onlyIssue(movieCreateBody, { ...movie, actor_ids: [ID[0], 7] }, 'actor_ids.1')).toMatch(AN_ID);
  });

  it('says the cast must be an array of ids', () => {
    expect(onlyIssue(movieCreateBody, { ...movie, actor_ids: ID[0] }, 'actor_ids')).toMatch(/array/);
  });

  it('replaces the cast on update, an empty one included, and refuses an empty update', () => {
    expect(parsed(movieUpdateBody, { actor_ids: [] })).toEqual({ actor_ids: [] });
    expect(parsed(movieUpdateBody, { title: 'Big' })).toEqual({ title: 'Big' });
    expect(onlyIssue(movieUpdateBody, { actor_ids: ulids(51) }, 'actor_ids')).toContain('50');
    expect(onlyIssue(movieUpdateBody, { actor_ids: [ID[2], ID[2]] }, 'actor_ids')).toMatch(/repeat/);
    const message = onlyIssue(movieUpdateBody, {}, '');
    for (const field of ['title', 'release_date', 'actor_ids']) expect(message).toContain(field);
  });
});

describe('ids (docs/endpoints.md#resources: 26 characters of Crockford base 32, upper case)', () => {
  it.each(ID)('accepts %s', (id) => {
    expect(parsed(idParams, { id })).toEqual({ id });
  });

  it.each([
    ['lower case', ID[0]!.toLowerCase()],
    ['25 characters', ID[0]!.slice(1)],
    ['27 characters', `${ID[0]!}0`],
    ['a leading character', ` ${ID[0]!.slice(1)}`],
    ['I, L, O and U, which Crockford leaves out', '01ARZ3NDEKTSV4RRFFQ69G5FAI'],
    ['L', '01ARZ3NDEKTSV4RRFFQ69G5FAL'],
    ['O', '01ARZ3NDEKTSV4RRFFQ69G5FAO'],
    ['U', '01ARZ3NDEKTSV4RRFFQ69G5FAU'],
    ['punctuation', '01ARZ3NDEKTSV4RRFFQ69G5FA-'],
  ])('refuses an id with %s', (_what, id) => {
    expect(onlyIssue(idParams, { id }, 'id')).toMatch(A_ULID);
  });

  it('says an id is required to be a string', () => {
    expect(onlyIssue(idParams, { id: 7 }, 'id')).toMatch(AN_ID);
  });

  it('checks both ids of a cast member, and nothing else', () => {
    expect(parsed(castMemberParams, { id: ID[0], actor_id: ID[1] })).toEqual({ id: ID[0], actor_id: ID[1] });
    expect(onlyIssue(castMemberParams, { id: ID[0], actor_id: 'x' }, 'actor_id')).toMatch(A_ULID);
    expect(issuesOf(castMemberParams, { id: ID[0], actor_id: ID[1], extra: 'x' })).toHaveLength(1);
  });
});

describe('list query strings (docs/endpoints.md#lists-search-and-filters)', () => {
  it('pages by 20 unless told otherwise', () => {
    expect(parsed(actorListQuery, {})).toEqual({ limit: 20 });
    expect(parsed(movieListQuery, {})).toEqual({ limit: 20 });
  });

  it.each([
    ['1', 1],
    ['100', 100],
    ['0100', 100],
    ['37', 37],
  ])('takes limit=%s as %i', (limit, expected) => {
    expect(parsed(actorListQuery, { limit }).limit).toBe(expected);
  });

  it('refuses a limit outside 1–100, naming the bound', () => {
    expect(onlyIssue(actorListQuery, { limit: '0' }, 'limit')).toContain('1');
    expect(onlyIssue(movieListQuery, { limit: '101' }, 'limit')).toContain('100');
  });

  it.each(['', 'x5', '5x', '1.5', '-1', '+5', ' 5', '1e2', 'twenty', '10000'])('refuses limit=%j as not a whole number', (limit) => {
    expect(onlyIssue(actorListQuery, { limit }, 'limit')).toMatch(/whole number/);
  });

  it('takes a cursor of up to 1,024 characters, refusing an empty or longer one', () => {
    expect(parsed(actorListQuery, { cursor: 'c'.repeat(1024) }).cursor).toBe('c'.repeat(1024));
    expect(onlyIssue(actorListQuery, { cursor: '' }, 'cursor')).toMatch(/empty/);
    expect(onlyIssue(movieListQuery, { cursor: 'c'.repeat(1025) }, 'cursor')).toMatch(/cursor/);
  });

  it('takes q of 1 to 100 characters with a letter or a digit', () => {
    expect(parsed(actorListQuery, { q: ' han to ' }).q).toBe('han to');
    expect(parsed(movieListQuery, { q: '7' }).q).toBe('7');
    expect(parsed(movieListQuery, { q: 'é' }).q).toBe('é');
    expect(parsed(movieListQuery, { q: 'q'.repeat(100) }).q).toBe('q'.repeat(100));
    expect(onlyIssue(actorListQuery, { q: 'q'.repeat(101) }, 'q')).toContain('100');
    // A blank q also has no letter or digit, so it may be told both; what matters is that it is told it is empty.
    const blank = issuesOf(actorListQuery, { q: '   ' });
    expect(new Set(blank.map((issue) => issue.field))).toEqual(new Set(['q']));
    expect(blank.map((issue) => issue.message)).toContainEqual(expect.stringMatching(/empty/));
    expect(onlyIssue(movieListQuery, { q: '!?-' }, 'q')).toMatch(/letter or digit/);
  });

  it('applies the gender rules to the gender filter', () => {
    expect(parsed(actorListQuery, { gender: ' Female ' }).gender).toBe('Female');
    expect(onlyIssue(actorListQuery, { gender: 'x'.repeat(51) }, 'gender')).toContain('50');
    expect(onlyIssue(actorListQuery, { gender: 'fe\tmale' }, 'gender')).toBe('must not contain control characters or unpaired surrogates');
  });

  it('takes ages 0–200, min_age ≤ max_age, both inclusive', () => {
    expect(parsed(actorListQuery, { min_age: '0', max_age: '200' })).toMatchObject({ min_age: 0, max_age: 200 });
    expect(parsed(actorListQuery, { min_age: '30', max_age: '30' })).toMatchObject({ min_age: 30, max_age: 30 });
    expect(parsed(actorListQuery, { min_age: '90' })).toMatchObject({ min_age: 90 });
    expect(parsed(actorListQuery, { max_age: '5' })).toMatchObject({ max_age: 5 });
    expect(onlyIssue(actorListQuery, { max_age: '201' }, 'max_age')).toContain('200');
    expect(onlyIssue(actorListQuery, { min_age: '-1' }, 'min_age')).toMatch(/whole number/);
    expect(onlyIssue(actorListQuery, { min_age: '31', max_age: '30' }, 'min_age')).toContain('max_age');
  });

  it('takes not_in_movie as a movie id', () => {
    expect(parsed(actorListQuery, { not_in_movie: ID[0] }).not_in_movie).toBe(ID[0]);
    expect(onlyIssue(actorListQuery, { not_in_movie: 'x' }, 'not_in_movie')).toMatch(A_ULID);
  });

  it('takes released_after ≤ released_before, real dates from 1800-01-01, both inclusive', () => {
    expect(parsed(movieListQuery, { released_after: '1800-01-01', released_before: '1800-01-01' })).toMatchObject({
      released_after: '1800-01-01',
      released_before: '1800-01-01',
    });
    expect(parsed(movieListQuery, { released_before: '2100-12-31' })).toMatchObject({ released_before: '2100-12-31' });
    expect(parsed(movieListQuery, { released_after: '2000-01-01' })).toMatchObject({ released_after: '2000-01-01' });
    expect(onlyIssue(movieListQuery, { released_after: '2001-01-02', released_before: '2001-01-01' }, 'released_after')).toContain('released_before');
    expect(onlyIssue(movieListQuery, { released_before: '1799-12-31' }, 'released_before')).toContain('1800-01-01');
    expect(onlyIssue(movieListQuery, { released_after: '2001-02-29' }, 'released_after')).toMatch(/real calendar date/);
  });

  it('refuses the other list’s parameters', () => {
    expect(issuesOf(actorListQuery, { released_after: '2000-01-01' })).toHaveLength(1);
    expect(issuesOf(movieListQuery, { gender: 'female' })).toHaveLength(1);
  });

  it('refuses any parameter where none is taken, and takes any on the catch-all route', () => {
    expect(parsed(noQuery, {})).toEqual({});
    expect(issuesOf(noQuery, { verbose: '1' })).toHaveLength(1);
    expect(parsed(anyQuery, { verbose: '1', sort: 'name' })).toEqual({ verbose: '1', sort: 'name' });
  });
});
