/**
 * Names and titles that only look alike (docs/endpoints.md#validation-and-limits): bidi embedding, override and isolate controls are refused with a
 * 422 naming the field; default-ignorable code points (zero-width space,
 * joiners, soft hyphen, variation selectors, U+FEFF…) are left out of the
 * uniqueness comparison, so the look-alike is a 409. Records created before
 * that rule keep their claims: renaming or deleting one releases the claim
 * its version wrote, even when the new rule would point at another record's.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { handler as createActor } from '../../functions/actors/create';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as listActors } from '../../functions/actors/list';
import { handler as updateActor } from '../../functions/actors/update';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as deleteMovie } from '../../functions/movies/delete';
import { handler as updateMovie } from '../../functions/movies/update';
import { integrityProblems } from '../helpers/integrity';
import { invoke } from '../helpers/invoke';
import { localDocuments } from '../helpers/local-db';
import { expectError } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

const documents = localDocuments();
let producer: string;

beforeAll(async () => {
  producer = await roleToken('executive-producer');
});

afterAll(() => documents.destroy());

const tag = () => `l${ulid().slice(-10).toLowerCase()}`;
const BIDI_MESSAGE = 'must not contain bidi embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)';

const postActor = (name: string, gender = 'female') =>
  invoke(createActor, { method: 'POST', token: producer, body: { name, gender, birth_date: '1970-01-01' } });
const patchActor = (id: string, body: unknown) => invoke(updateActor, { method: 'PATCH', token: producer, pathParameters: { id }, body });
const removeActor = (id: string) => invoke(deleteActor, { method: 'DELETE', token: producer, pathParameters: { id } });

describe('bidi embedding, override and isolate controls', () => {
  it.each(['202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'])(
    'U+%s in a name, a gender or a title is a 422 naming the field',
    async (hex) => {
      const control = String.fromCodePoint(parseInt(hex, 16));
      for (const [field, result] of [
        ['name', await postActor(`${tag()} Tom ${control}Cruise`)],
        ['gender', await postActor(`${tag()} Tom Cruise`, `fe${control}male`)],
        ['title', await invoke(createMovie, { method: 'POST', token: producer, body: { title: `${tag()} ${control}Top Gun`, release_date: '1986-05-16' } })],
      ] as const) {
        const body = expectError(result, 422);
        expect(body.details).toEqual([{ field, message: BIDI_MESSAGE }]);
      }
    },
  );

  it('in a rename is a 422 too, and changes nothing', async () => {
    const created = await postActor(`${tag()} Tom Cruise`);
    expect(created.status).toBe(201);
    const result = await patchActor(created.body.actor.id, { name: `${created.body.actor.name}\u2067` });
    expect(expectError(result, 422).details).toEqual([{ field: 'name', message: BIDI_MESSAGE }]);
  });
});

describe('default-ignorable code points', () => {
  it.each([
    ['a zero-width space', 'Tom\u200b Cruise'],
    ['a zero-width joiner', 'Tom \u200dCruise'],
    ['a zero-width non-joiner', 'Tom Cru\u200cise'],
    ['a word joiner', '\u2060Tom Cruise'],
    ['a soft hyphen', 'Tom Cru\u00adise'],
    ['a variation selector', 'Tom\ufe0f Cruise'],
    ['a byte order mark', 'To\ufeffm Cruise'],
  ])('make no new name: with %s it is a 409', async (_what, lookAlike) => {
    const prefix = tag();
    expect((await postActor(`${prefix} Tom Cruise`)).status).toBe(201);
    expectError(await postActor(`${prefix} ${lookAlike}`), 409);
  });

  it('make no new title either (same release date): 409', async () => {
    const prefix = tag();
    const post = (title: string) => invoke(createMovie, { method: 'POST', token: producer, body: { title, release_date: '1986-05-16' } });
    expect((await post(`${prefix} Top Gun`)).status).toBe(201);
    expectError(await post(`${prefix} Top\u200b Gun`), 409);
  });

  it('neither split nor hide a word from search', async () => {
    const prefix = tag();
    const created = await postActor(`${prefix} Schwarz\u00adenegger`);
    expect(created.status).toBe(201);
    const found = await invoke(listActors, { token: producer, query: { q: `${prefix} schwarzen` } });
    expect(found.body.actors.map((actor: { id: string }) => actor.id)).toEqual([created.body.actor.id]);
  });
});

// ---- records created before default-ignorables were left out ---------------------------------------
// Their items as that version wrote them, by its rules (docs/endpoints.md#validation-and-limits before this change), written out here:
/** The old comparison: NFKC, trimmed, single-spaced, lower-cased; zero-width characters counted. */
const oldComparable = (text: string) => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
/** The old search words: accents and case folded, split on anything not a letter or digit. */
const oldWords = (text: string) => [
  ...new Set(
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word !== ''),
  ),
];

/** The record, its claim and its words, as the earlier version wrote them (the stream consumer counts the record). */
const writeEarlierRecord = async (kind: 'ACTOR' | 'MOVIE', fields: Record<string, unknown>, unique: string, text: string) => {
  const table = kind === 'ACTOR' ? process.env.ACTORS_TABLE! : process.env.MOVIES_TABLE!;
  const id = ulid();
  const now = new Date().toISOString();
  await documents.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: `${kind}#${id}`, gsi1pk: kind, gsi1sk: id, id, ...fields, created_at: now, updated_at: now, version: 1 } } },
        { Put: { TableName: table, Item: { pk: `${kind}_UNIQUE#${unique}`, record_id: id } } },
        ...oldWords(text).map((word) => ({
          Put: { TableName: table, Item: { pk: `${kind}_WORD#${word}#${id}`, gsi1pk: `${kind}_WORD`, gsi1sk: `${word}#${id}`, record_id: id } },
        })),
      ],
    }),
  );
  return { id, table, claimPk: `${kind}_UNIQUE#${unique}`, wordPks: oldWords(text).map((word) => `${kind}_WORD#${word}#${id}`) };
};

const writeEarlierActor = (name: string) =>
  writeEarlierRecord('ACTOR', { name, gender: 'female', gender_key: 'female', birth_date: '1970-01-01' }, oldComparable(name), name);

const itemAt = async (table: string, pk: string) => (await documents.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;

describe('a record created before default-ignorables were left out keeps its claim', () => {
  it('when another record now holds the key the new rule gives its name: a change, a rename and a delete all succeed', async () => {
    const prefix = tag();
    const earlier = await writeEarlierActor(`${prefix} Tom\u200b Cruise`);
    // Created now: its claim is the key the new rule gives the earlier record's name too.
    const now = await postActor(`${prefix} Tom Cruise`);
    expect(now.status).toBe(201);
    const nowClaim = `ACTOR_UNIQUE#${prefix} tom cruise`;
    expect((await itemAt(earlier.table, nowClaim))?.record_id).toBe(now.body.actor.id);

    // Not a rename: the claim stays where it is, no 409 for the look-alike it already is.
    expect((await patchActor(earlier.id, { gender: 'male' })).status).toBe(200);
    expect((await itemAt(earlier.table, earlier.claimPk))?.record_id).toBe(earlier.id);

    const renamed = await patchActor(earlier.id, { name: `${prefix} Nicole Kidman` });
    expect(renamed.status).toBe(200);
    expect(await itemAt(earlier.table, earlier.claimPk)).toBeUndefined();
    expect((await itemAt(earlier.table, `ACTOR_UNIQUE#${prefix} nicole kidman`))?.record_id).toBe(earlier.id);
    for (const pk of earlier.wordPks.filter((pk) => !pk.includes('#nicole#') && !pk.includes('#kidman#') && !pk.includes(`#${prefix}#`))) {
      expect(await itemAt(earlier.table, pk)).toBeUndefined();
    }
    expect((await itemAt(earlier.table, nowClaim))?.record_id).toBe(now.body.actor.id);

    expect((await removeActor(earlier.id)).status).toBe(200);
    expect(await itemAt(earlier.table, `ACTOR_UNIQUE#${prefix} nicole kidman`)).toBeUndefined();
    expect((await itemAt(earlier.table, nowClaim))?.record_id).toBe(now.body.actor.id);
    // The name is free again, for the new rule: the look-alike of the record created now is still a 409.
    expect((await postActor(`${prefix} Nicole Kidman`)).status).toBe(201);
    expectError(await postActor(`${prefix} Tom \u200bCruise`), 409);
  });

  it('is deleted with its claim and search words', async () => {
    const earlier = await writeEarlierActor(`${tag()} Sig\u00adour\u200bney Weaver`);
    expect(earlier.wordPks.length).toBeGreaterThan(0);
    expect((await removeActor(earlier.id)).status).toBe(200);
    expect(await itemAt(earlier.table, earlier.claimPk)).toBeUndefined();
    for (const pk of earlier.wordPks) expect(await itemAt(earlier.table, pk)).toBeUndefined();
  });

  it('a movie, too: renamed, then deleted, releasing each claim', async () => {
    const prefix = tag();
    const title = `${prefix} Mission\u200b Impossible`;
    const earlier = await writeEarlierRecord('MOVIE', { title, release_date: '1996-05-22' }, `1996-05-22#${oldComparable(title)}`, title);
    const now = await invoke(createMovie, { method: 'POST', token: producer, body: { title: `${prefix} Mission Impossible`, release_date: '1996-05-22' } });
    expect(now.status).toBe(201);
    const moved = await invoke(updateMovie, { method: 'PATCH', token: producer, pathParameters: { id: earlier.id }, body: { release_date: '1996-05-23' } });
    expect(moved.status).toBe(200);
    expect(await itemAt(earlier.table, earlier.claimPk)).toBeUndefined();
    expect((await invoke(deleteMovie, { method: 'DELETE', token: producer, pathParameters: { id: earlier.id } })).status).toBe(200);
    expect(await itemAt(earlier.table, `MOVIE_UNIQUE#1996-05-23#${prefix} mission impossible`)).toBeUndefined();
    expect((await itemAt(earlier.table, `MOVIE_UNIQUE#1996-05-22#${prefix} mission impossible`))?.record_id).toBe(now.body.movie.id);
  });

  it('leaves every record with exactly its claim and words', async () => {
    expect(await integrityProblems()).toEqual([]);
  });
});
