/**
 * Lists read one page per request from an index. These tests check what
 * that promises: paging returns every record exactly once (even while
 * others are being inserted), search finds words by prefix and follows
 * renames and deletes, filters are exact, and `total` stays exact.
 */
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as listActors } from '../../functions/actors/list';
import { handler as updateActor } from '../../functions/actors/update';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as listMovies } from '../../functions/movies/list';
import { ageOn, todayUtc } from '../../lib/domain/dates';
import { newActor, total } from '../helpers/fixtures';
import { snapshot } from '../helpers/integrity';
import { invoke } from '../helpers/invoke';
import { eventually } from '../helpers/eventually';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';
import { ulid } from 'ulid';
import { withIndexLag } from '../helpers/index-lag';

// Lists read an index, which DynamoDB updates a moment after the table: this file meets that lag (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap).
withIndexLag();

let producer: string;
beforeAll(async () => {
  producer = await roleToken('executive-producer');
});

/** A word no other test uses, so searches see only this test's records. */
const tag = () => `t${ulid().slice(-8).toLowerCase()}`;

const pageThrough = async (handler: typeof listActors, key: 'actors' | 'movies', query: Record<string, string>, whileReading?: () => Promise<unknown>) => {
  const seen: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const result = await invoke(handler, { token: producer, query: { ...query, ...(cursor === null ? {} : { cursor }) } });
    expect(result.status).toBe(200);
    expect(result.body[key].length).toBeLessThanOrEqual(Number(query.limit ?? 20));
    seen.push(...result.body[key]);
    cursor = result.body.next_cursor;
    pages += 1;
    if (whileReading !== undefined) await whileReading();
  } while (cursor !== null && pages < 500);
  expect(cursor).toBeNull();
  return seen;
};

const ids = (records: { id: string }[]) => records.map((record) => record.id);

describe('paging', () => {
  it('returns every actor exactly once, newest first, while others are being inserted', async () => {
    const word = tag();
    const originals = [];
    for (let i = 0; i < 23; i += 1) originals.push(await newActor(producer, { name: `Pager ${word} ${i}` }));
    // The index shows a write a moment later, as on DynamoDB: paging starts once it shows them all.
    await eventually(() => pageThrough(listActors, 'actors', { q: word, limit: '100' }), (seen) => seen.length === 23);
    let inserted = 0;
    const seen = await pageThrough(listActors, 'actors', { limit: '4' }, async () => {
      await Promise.all([
        newActor(producer, { name: `Pager ${word} late ${inserted++}` }),
        newActor(producer, { name: `Pager ${word} late ${inserted++}` }),
      ]);
    });
    const seenIds = ids(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    for (const actor of originals) expect(seenIds.filter((id) => id === actor.id)).toHaveLength(1);
    expect(seenIds).toEqual([...seenIds].sort().reverse());
  });

  it('returns every search match exactly once while matching records are being inserted', async () => {
    const word = tag();
    const originals = [];
    for (let i = 0; i < 17; i += 1) originals.push(await newActor(producer, { name: `${word}${i % 3 === 0 ? 'x' : ''} Searcher ${i}` }));
    await eventually(() => pageThrough(listActors, 'actors', { q: word, limit: '100' }), (seen) => seen.length === 17);
    let inserted = 0;
    const seen = await pageThrough(listActors, 'actors', { limit: '3', q: word }, () => newActor(producer, { name: `${word} Inserted ${inserted++}` }));
    const seenIds = ids(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    for (const actor of originals) expect(seenIds).toContain(actor.id);
  });

  it('keeps each record once when several of its words match the query', async () => {
    const word = tag();
    const actor = await newActor(producer, { name: `${word}a ${word}b ${word}c` });
    const seen = await eventually(() => pageThrough(listActors, 'actors', { limit: '1', q: word }), (found) => found.length > 0);
    expect(ids(seen)).toEqual([actor.id]);
  });

  it('rejects a tampered cursor with 400', async () => {
    const word = tag();
    await newActor(producer, { name: `${word} One` });
    await newActor(producer, { name: `${word} Two` });
    const first = await eventually(() => invoke(listActors, { token: producer, query: { limit: '1', q: word } }), (page) => page.body.next_cursor !== null);
    const cursor: string = first.body.next_cursor;
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    expectError(await invoke(listActors, { token: producer, query: { limit: '1', q: word, cursor: tampered } }), 400);
  });
});

describe('search', () => {
  it('matches the start of any word, ignoring case and accents, and every word of q', async () => {
    const word = tag();
    const hanks = await newActor(producer, { name: `Tom ${word}Hanks` });
    const cruz = await newActor(producer, { name: `Penélope ${word}Cruz` });
    const search = async (q: string) => ids((await invoke(listActors, { token: producer, query: { q } })).body.actors);
    await eventually(() => search(word), (found) => found.length === 2);
    expect(await search(`${word}han`)).toEqual([hanks.id]);
    expect(await search(`${word.toUpperCase()}HAN`)).toEqual([hanks.id]);
    expect(await search(`penelope ${word}`)).toEqual([cruz.id]);
    expect(await search(`${word} tom`)).toEqual([hanks.id]);
    expect(await search(`${word}anks`)).toEqual([]);
    expect((await invoke(listActors, { token: producer, query: { q: word } })).body.total).toBeNull();
  });

  it('follows renames and deletes', async () => {
    const word = tag();
    const actor = await newActor(producer, { name: `${word}alpha Person` });
    const search = async (q: string) => ids((await invoke(listActors, { token: producer, query: { q } })).body.actors);
    // Each change reaches the index a moment later: wait for it, with a bound, then check it exactly.
    expect(await eventually(() => search(`${word}alpha`), (found) => found.length > 0)).toEqual([actor.id]);
    await invoke(updateActor, { method: 'PATCH', pathParameters: { id: actor.id }, token: producer, body: { name: `${word}beta Person` } });
    expect(await eventually(() => search(`${word}beta`), (found) => found.length > 0)).toEqual([actor.id]);
    expect(await eventually(() => search(`${word}alpha`), (found) => found.length === 0)).toEqual([]);
    await invoke(deleteActor, { method: 'DELETE', pathParameters: { id: actor.id }, token: producer });
    expect(await eventually(() => search(`${word}beta`), (found) => found.length === 0)).toEqual([]);
  });

  it('searches movie titles too', async () => {
    const word = tag();
    const movie = (await invoke(createMovie, { method: 'POST', token: producer, body: { title: `The ${word}Post`, release_date: '2017-12-22' } })).body.movie;
    const result = await eventually(() => invoke(listMovies, { token: producer, query: { q: `${word}po` } }), (page) => page.body.movies.length > 0);
    expect(ids(result.body.movies)).toEqual([movie.id]);
  });
});

describe('filters', () => {
  it('filters actors by gender (case-insensitive) and age bounds, exactly and once each', async () => {
    const word = tag();
    const today = todayUtc();
    const year = Number(today.slice(0, 4));
    const born = (age: number, offsetDays: number) => {
      const date = new Date(Date.UTC(year - age, Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)) + offsetDays));
      return date.toISOString().slice(0, 10);
    };
    const gender = `g${word}`;
    const people = [
      await newActor(producer, { name: `${word} A`, gender, birth_date: born(30, 0) }),
      await newActor(producer, { name: `${word} B`, gender, birth_date: born(30, 1) }),
      await newActor(producer, { name: `${word} C`, gender: gender.toUpperCase(), birth_date: born(41, -1) }),
      await newActor(producer, { name: `${word} D`, gender, birth_date: born(42, 0) }),
    ];
    await eventually(() => pageThrough(listActors, 'actors', { gender, limit: '100' }), (seen) => seen.length === people.length);
    const ages = people.map((person) => ageOn(person.birth_date, today));
    const within = (min: number, max: number) => people.filter((_, i) => ages[i]! >= min && ages[i]! <= max).map((p) => p.id).sort();
    for (const [min, max] of [[30, 30], [29, 41], [0, 200], [42, 42], [31, 40]] as const) {
      const seen = await pageThrough(listActors, 'actors', { gender, min_age: String(min), max_age: String(max), limit: '1' });
      expect(ids(seen).sort()).toEqual(within(min, max));
    }
  });

  it('filters movies by inclusive release dates', async () => {
    const word = tag();
    const make = async (date: string) =>
      (await invoke(createMovie, { method: 'POST', token: producer, body: { title: `${word} ${date}`, release_date: date } })).body.movie;
    const [a, b, c] = [await make('1999-12-31'), await make('2000-01-01'), await make('2000-12-31')];
    await eventually(() => pageThrough(listMovies, 'movies', { q: word, limit: '100' }), (seen) => seen.length === 3);
    const seen = await pageThrough(listMovies, 'movies', { q: word, released_after: '2000-01-01', released_before: '2000-12-31', limit: '1' });
    expect(ids(seen).sort()).toEqual([b.id, c.id].sort());
    expect(ids(seen)).not.toContain(a.id);
  });
});

describe('total', () => {
  it('stays exact under concurrent creates and deletes', async () => {
    const word = tag();
    const doomed = await Promise.all(Array.from({ length: 10 }, (_, i) => newActor(producer, { name: `${word} Doomed ${i}` })));
    await Promise.all([
      ...doomed.map((actor) => invoke(deleteActor, { method: 'DELETE', pathParameters: { id: actor.id }, token: producer })),
      ...Array.from({ length: 10 }, (_, i) => newActor(producer, { name: `${word} Fresh ${i}` })),
    ]);
    const { actors } = await snapshot();
    expect(await total('actors', producer)).toBe(actors.size);
  });
});
