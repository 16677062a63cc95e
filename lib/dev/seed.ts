/**
 * The demo cast `npm start` loads into a fresh database. Written through the
 * data layer, so every index item exists; the data layer opens its store from
 * the environment at the first write, so the caller sets that first.
 */
import { createActor } from '../data/actors';
import { createMovie } from '../data/movies';

export const seedDemoData = async (): Promise<{ actors: number; movies: number }> => {
  const actors = await Promise.all(
    [
      { name: 'Tom Hanks', gender: 'male', birth_date: '1956-07-09' },
      { name: 'Meryl Streep', gender: 'female', birth_date: '1949-06-22' },
      { name: 'Denzel Washington', gender: 'male', birth_date: '1954-12-28' },
      { name: 'Viola Davis', gender: 'female', birth_date: '1965-08-11' },
      { name: 'Penélope Cruz', gender: 'female', birth_date: '1974-04-28' },
    ].map((actor) => createActor(actor)),
  );
  const [hanks, streep, washington, davis] = actors.map((actor) => actor.id);
  await createMovie({ title: 'The Post', release_date: '2017-12-22', actor_ids: [streep!, hanks!] });
  await createMovie({ title: 'Philadelphia', release_date: '1993-12-22', actor_ids: [hanks!, washington!] });
  await createMovie({ title: 'Fences', release_date: '2016-12-16', actor_ids: [washington!, davis!] });
  await createMovie({ title: 'Doubt', release_date: '2008-12-12', actor_ids: [streep!, davis!] });
  return { actors: actors.length, movies: 4 };
};
