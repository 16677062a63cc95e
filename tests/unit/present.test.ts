/**
 * Records as the API shows them (lib/http/present.ts): each presented record
 * is valid against its resource schema (lib/validation/resources.ts, which
 * openapi.json is made of), ids come sorted, internal fields stay behind, and
 * a presenter handed to `.map` as it is counts ages on the one day it was
 * made for.
 */
import * as z from 'zod/mini';
import type { ActorRecord, MovieRecord } from '../../lib/domain/records';
import { presenter } from '../../lib/http/present';
import { actorResource, movieResource } from '../../lib/validation/resources';

const HANKS = '01M86WTD96T7T6CKMATQ3ZVNAW';
const WASHINGTON = '01M86WTD98ETKSTNETQVTV3MSR';
const PHILADELPHIA = '01M86WTDG57TYQ9BYQS054SJ2Q';
const THE_POST = '01M86WTDH3XYKFYVJNM1F1XQNN';

// As the storage layer hands them on: sets in any order, and fields of its own besides.
const actor = {
  pk: `ACTOR#${HANKS}`,
  gender_key: 'male',
  unique_pk: 'ACTOR_UNIQUE#tom hanks',
  id: HANKS,
  name: 'Tom Hanks',
  gender: 'male',
  birth_date: '1956-07-09',
  movie_ids: new Set([THE_POST, PHILADELPHIA]),
  created_at: '2026-11-24T13:44:42.022Z',
  updated_at: '2026-11-24T13:44:42.275Z',
  version: 3,
} satisfies ActorRecord & Record<string, unknown>;

const movie = {
  pk: `MOVIE#${PHILADELPHIA}`,
  id: PHILADELPHIA,
  title: 'Philadelphia',
  release_date: '1993-12-22',
  actor_ids: new Set([WASHINGTON, HANKS]),
  created_at: '2026-11-24T13:44:42.061Z',
  updated_at: '2026-11-24T13:44:42.275Z',
  version: 2,
} satisfies MovieRecord & Record<string, unknown>;

describe('presenter', () => {
  it('shows an actor as the actor resource: its age on the given day, its movies sorted, nothing stored besides', () => {
    const shown = presenter('actor', '2026-07-08')(actor);
    expect(shown).toEqual({
      id: HANKS,
      name: 'Tom Hanks',
      gender: 'male',
      birth_date: '1956-07-09',
      age: 69,
      movie_ids: [PHILADELPHIA, THE_POST],
      created_at: '2026-11-24T13:44:42.022Z',
      updated_at: '2026-11-24T13:44:42.275Z',
      version: 3,
    });
    expect(z.safeParse(actorResource, shown).success).toBe(true);
    expect(presenter('actor', '2026-07-09')(actor).age).toBe(70);
  });

  it('shows a movie as the movie resource: its cast sorted, nothing stored besides', () => {
    const shown = presenter('movie')(movie);
    expect(shown).toEqual({
      id: PHILADELPHIA,
      title: 'Philadelphia',
      release_date: '1993-12-22',
      actor_ids: [HANKS, WASHINGTON],
      created_at: '2026-11-24T13:44:42.061Z',
      updated_at: '2026-11-24T13:44:42.275Z',
      version: 2,
    });
    expect(z.safeParse(movieResource, shown).success).toBe(true);
  });

  it('shows records without links with empty lists', () => {
    const { movie_ids: _movies, ...unlinked } = actor;
    const { actor_ids: _cast, ...uncast } = movie;
    expect(presenter('actor', '2026-01-01')(unlinked).movie_ids).toEqual([]);
    expect(presenter('movie')(uncast).actor_ids).toEqual([]);
  });

  it('can be handed to .map as it is: the index is not taken for the day', () => {
    const [first, second] = [actor, actor].map(presenter('actor', '2026-07-08'));
    expect(first?.age).toBe(69);
    expect(second?.age).toBe(69);
  });

  it('counts ages on today (UTC) when no day is given', () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(presenter('actor')(actor).age).toBe(presenter('actor', today)(actor).age);
  });
});
