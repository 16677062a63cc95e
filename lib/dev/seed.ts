/**
 * The demo cast `npm start` loads into a fresh database. Written through the
 * services, so every index item exists; the storage opens its store from
 * the environment at the first write, so the caller sets that first.
 */
import { createActor } from '../services/actors';
import { createMovie } from '../services/movies';

export const seedDemoData = async (): Promise<{ actors: number; movies: number }> => {
  // An array literal, not a mapped list: Promise.all then types each position, so every actor below exists.
  const actors = await Promise.all([
    createActor({ name: 'Tom Hanks', gender: 'male', birth_date: '1956-07-09' }),
    createActor({ name: 'Meryl Streep', gender: 'female', birth_date: '1949-06-22' }),
    createActor({ name: 'Denzel Washington', gender: 'male', birth_date: '1954-12-28' }),
    createActor({ name: 'Viola Davis', gender: 'female', birth_date: '1965-08-11' }),
    createActor({ name: 'Penélope Cruz', gender: 'female', birth_date: '1974-04-28' }),
  ]);
  const [hanks, streep, washington, davis] = actors;
  await createMovie({ title: 'The Post', release_date: '2017-12-22', actor_ids: [streep.id, hanks.id] });
  await createMovie({ title: 'Philadelphia', release_date: '1993-12-22', actor_ids: [hanks.id, washington.id] });
  await createMovie({ title: 'Fences', release_date: '2016-12-16', actor_ids: [washington.id, davis.id] });
  await createMovie({ title: 'Doubt', release_date: '2008-12-12', actor_ids: [streep.id, davis.id] });
  return { actors: actors.length, movies: 4 };
};
