/**
 * Property-based tests over the whole of Unicode for names, titles, genders
 * and `q`: characters that grow under NFKC/NFKD, combining marks, zero-width
 * and other default-ignorable characters, bidi marks and controls, astral characters, unpaired surrogates (sent as JSON
 * escapes, "\ud800"), NUL and other control characters. Never a 5xx; the
 * outcome is the one the rules of docs/endpoints.md predict (written out here, apart
 * from lib/); uniqueness and search behave as docs/endpoints.md says.
 */
import fc from 'fast-check';
import { ulid } from 'ulid';
import { handler as createActor } from '../../functions/actors/create';
import { handler as getActor } from '../../functions/actors/get';
import { handler as listActors } from '../../functions/actors/list';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as listMovies } from '../../functions/movies/list';
import { integrityProblems } from '../helpers/integrity';
import { invoke } from '../helpers/invoke';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

let producer: string;
beforeAll(async () => {
  producer = await roleToken('executive-producer');
});

const SPECIAL = [
  // grow under NFKC / NFKD
  '㌀', 'ﷺ', 'ﬃ', 'ǅ', '½', '①', 'ｱ', 'Ａ',
  // combining marks, precomposed and not
  'é', 'e\u0301', '\u0301', '\u0308\u0308\u0308', 'Å', 'A\u030a', 'ñ',
  // case oddities
  'İ', 'ı', 'ß', 'ẞ', 'Σ', 'ς', 'K', 'ſ',
  // zero-width characters, soft hyphen, variation selector, bidi marks (allowed; the default-ignorable ones are ignored in comparisons)
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u061c', '\u200e', '\u200f', '\u00ad', '\ufe0f',
  // bidi embeddings, overrides and isolates (rejected)
  '\u202e', '\u202a', '\u2066', '\u2069',
  // spaces of every kind
  ' ', '  ', '\u00a0', '\u3000', '\u2003', '\u2028', '\u2029',
  // astral
  '𝐀', '😀', '👩\u200d👩\u200d👧', '𠀀',
  // unpaired surrogates and control characters (rejected)
  '\ud800', '\udfff', '\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f',
  // plain
  'a', 'B', 'z', '7', '-', "'",
];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'e', 'o', 'n', 's', 't', ' ') },
);
const anyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, minLength: 1, maxLength: 40 }) },
  // Long, and longer still once normalised.
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('㌀', 'ﷺ', 'a', ' ', 'é'), minLength: 150, maxLength: 230 }) },
);

// ---- the documented rules, written out independently ------------------------------------------
/** Control characters, unpaired surrogates and bidi embeddings, overrides and isolates are refused. */
const hasForbidden = (text: string) => /[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u.test(text);
/** Default-ignorable code points (zero-width space, joiners, soft hyphen, variation selectors…) are ignored. */
const withoutIgnorables = (text: string) => text.replace(/\p{Default_Ignorable_Code_Point}/gu, '');
/** Lengths count characters (code points): an astral character is one, as a reader sees it. */
// eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points, not graphemes, are what docs/endpoints.md counts
const length = (text: string) => [...text.trim()].length;
const validText = (text: string, max: number) => !hasForbidden(text) && length(text) >= 1 && length(text) <= max;
/** Uniqueness: default-ignorables left out, then NFKC, trimmed, inner whitespace collapsed, case ignored. */
const sameName = (a: string, b: string) => {
  const key = (text: string) => withoutIgnorables(text).normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return key(a) === key(b);
};
/** Search: default-ignorables left out, words are runs of letters and digits, compared without case or accents. */
const wordsOf = (text: string) =>
  withoutIgnorables(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');

/** A word no other test uses, so searches see only this run's records. */
const tag = () => `u${ulid().slice(-10).toLowerCase()}`;

const postActor = (name: string, gender = 'g') =>
  invoke(createActor, { method: 'POST', token: producer, body: { name, gender, birth_date: '1980-01-01' } });

const expectFields = (result: Awaited<ReturnType<typeof invoke>>, status: number, fields: string[]) => {
  const body = expectError(result, status);
  // A field may break more than one rule ("must not be empty", "must contain a letter or digit").
  expect([...new Set(body.details?.map((issue: { field: string }) => issue.field))]).toEqual(fields);
};

describe('names and genders over the whole of Unicode', () => {
  it('are stored exactly as sent (trimmed), refused with a 422 naming the field, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.oneof(fc.constant('female'), anyText), async (text, gender) => {
        const name = `${tag()} ${text}`;
        const result = await postActor(name, gender);
        const invalid = [...(validText(name, 200) ? [] : ['name']), ...(validText(gender, 50) ? [] : ['gender'])];
        if (invalid.length > 0) {
          expectFields(result, 422, invalid);
          return;
        }
        expect(result.status).toBe(201);
        const stored = await invoke(getActor, { token: producer, pathParameters: { id: result.body.actor.id } });
        expect(stored.body.actor).toMatchObject({ name: name.trim(), gender: gender.trim() });
        return undefined;
      }),
      { numRuns: 150 },
    );
  }, 300_000);

  it('are unique exactly as docs/endpoints.md says: default-ignorables, NFKC, case, surrounding and repeated whitespace ignored', async () => {
    const variant = (text: string) =>
      fc.constantFrom(
        text.toUpperCase(),
        text.toLowerCase(),
        `  ${text}\u00a0`,
        text.replace(/ /g, '   '),
        text.normalize('NFKC'),
        text.normalize('NFD'),
        text.normalize('NFKD'),
        `${text}x`,
        text.replace(/[\u200b\u200d]/g, ''),
        text.replace(/ /g, ' \u200b'),
        `\u2060${text}\u00ad`,
      );
    await fc.assert(
      fc.asyncProperty(
        anyText.filter((text) => !hasForbidden(text)).chain((text) => fc.tuple(fc.constant(text), variant(text))),
        async ([text, other]) => {
          const prefix = tag();
          const [first, second] = [`${prefix} ${text}`, `${prefix} ${other}`];
          fc.pre(validText(first, 200) && validText(second, 200));
          expect((await postActor(first)).status).toBe(201);
          const again = await postActor(second);
          if (sameName(first, second)) expectError(again, 409);
          else expect(again.status).toBe(201);
        },
      ),
      { numRuns: 120 },
    );
  }, 300_000);

  it('are found by any of their words, as typed or without accents and case', async () => {
    await fc.assert(
      fc.asyncProperty(anyText.filter((text) => !hasForbidden(text)), async (text) => {
        const prefix = tag();
        const name = `${prefix} ${text}`;
        fc.pre(validText(name, 200));
        const created = await postActor(name);
        expect(created.status).toBe(201);
        for (const word of wordsOf(text).slice(0, 3)) {
          for (const q of [`${prefix} ${word}`, `${prefix} ${word.slice(0, 2)}`].filter((query) => query.length <= 100)) {
            const found = await invoke(listActors, { token: producer, query: { q } });
            expect(found.status).toBe(200);
            expect(found.body.actors.map((actor: { id: string }) => actor.id)).toContain(created.body.actor.id);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 300_000);
});

describe('titles over the whole of Unicode', () => {
  it('are stored, refused with a 422 naming title, or a 409 for the same title and date, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const title = `${tag()} ${text}`;
        const post = () => invoke(createMovie, { method: 'POST', token: producer, body: { title, release_date: '1999-09-09' } });
        const result = await post();
        if (!validText(title, 200)) {
          expectFields(result, 422, ['title']);
          return;
        }
        expect(result.status).toBe(201);
        expect(result.body.movie.title).toBe(title.trim());
        expectError(await post(), 409);
        return undefined;
      }),
      { numRuns: 100 },
    );
  }, 300_000);
});

describe('q and gender filters over the whole of Unicode, of any length', () => {
  const anyQuery = fc.oneof(anyText, fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit, minLength: 90, maxLength: 300 }));

  it('answer 200, or 400 naming the parameter, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyQuery, fc.constantFrom('actors', 'movies'), async (q, list) => {
        const result = await invoke(list === 'actors' ? listActors : listMovies, { token: producer, query: { q } });
        const valid = length(q) >= 1 && length(q) <= 100 && /[\p{L}\p{N}]/u.test(q);
        if (valid) expect(result.status).toBe(200);
        else expectFields(result, 400, ['q']);
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(anyQuery, async (gender) => {
        const result = await invoke(listActors, { token: producer, query: { gender } });
        if (validText(gender, 50)) expect(result.status).toBe(200);
        else expectFields(result, 400, ['gender']);
      }),
      { numRuns: 100 },
    );
  }, 300_000);
});

describe('afterwards', () => {
  it('every record has exactly its uniqueness claim and search words', async () => {
    expect(await integrityProblems()).toEqual([]);
  });
});
