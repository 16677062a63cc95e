/**
 * A plain in-memory model of the API's state for the fuzz test: what docs/endpoints.md#resources
 * says should be stored after each request, written independently of lib/
 * (only the text rules are shared, as they define what "the same name" means).
 */
import { comparableText } from '../../lib/domain/text';

export interface ModelActor {
  id: string;
  name: string;
  gender: string;
  birth_date: string;
  movie_ids: Set<string>;
  version: number;
}

export interface ModelMovie {
  id: string;
  title: string;
  release_date: string;
  actor_ids: Set<string>;
  version: number;
}

export class Model {
  readonly actors = new Map<string, ModelActor>();
  readonly movies = new Map<string, ModelMovie>();
  /** Deleted records as they were when deleted, links included: what a restore brings back (docs/endpoints.md#resources). */
  readonly deletedActors = new Map<string, ModelActor>();
  readonly deletedMovies = new Map<string, ModelMovie>();

  nameTaken(name: string, except?: string): boolean {
    return [...this.actors.values()].some((actor) => actor.id !== except && comparableText(actor.name) === comparableText(name));
  }

  titleTaken(title: string, releaseDate: string, except?: string): boolean {
    return [...this.movies.values()].some(
      (movie) => movie.id !== except && movie.release_date === releaseDate && comparableText(movie.title) === comparableText(title),
    );
  }

  addActor(actor: Omit<ModelActor, 'movie_ids' | 'version'>): void {
    this.actors.set(actor.id, { ...actor, movie_ids: new Set(), version: 1 });
  }

  addMovie(movie: Omit<ModelMovie, 'actor_ids' | 'version'>, cast: string[]): void {
    this.movies.set(movie.id, { ...movie, actor_ids: new Set(cast), version: 1 });
    for (const actorId of cast) this.link(actorId, movie.id);
  }

  private link(actorId: string, movieId: string): void {
    const actor = this.actors.get(actorId)!;
    actor.movie_ids.add(movieId);
    actor.version += 1;
  }

  private unlink(actorId: string, movieId: string): void {
    const actor = this.actors.get(actorId)!;
    actor.movie_ids.delete(movieId);
    actor.version += 1;
  }

  updateActor(id: string, changes: Partial<Pick<ModelActor, 'name' | 'gender' | 'birth_date'>>): void {
    const actor = this.actors.get(id)!;
    const next = { ...actor, ...changes };
    if (next.name !== actor.name || next.gender !== actor.gender || next.birth_date !== actor.birth_date) {
      this.actors.set(id, { ...next, version: actor.version + 1 });
    }
  }

  setCast(movieId: string, cast: string[]): void {
    const movie = this.movies.get(movieId)!;
    const after = new Set(cast);
    const joining = cast.filter((id) => !movie.actor_ids.has(id));
    const leaving = [...movie.actor_ids].filter((id) => !after.has(id));
    if (joining.length === 0 && leaving.length === 0) return;
    for (const id of joining) this.link(id, movieId);
    for (const id of leaving) this.unlink(id, movieId);
    movie.actor_ids = after;
    movie.version += 1;
  }

  updateMovie(id: string, changes: { title?: string; release_date?: string; actor_ids?: string[] }): void {
    const movie = this.movies.get(id)!;
    const castChanges =
      changes.actor_ids !== undefined &&
      (changes.actor_ids.length !== movie.actor_ids.size || changes.actor_ids.some((actorId) => !movie.actor_ids.has(actorId)));
    const fieldChanges =
      (changes.title !== undefined && changes.title !== movie.title) ||
      (changes.release_date !== undefined && changes.release_date !== movie.release_date);
    if (!castChanges && !fieldChanges) return;
    if (castChanges) {
      const after = new Set(changes.actor_ids);
      for (const actorId of changes.actor_ids!) if (!movie.actor_ids.has(actorId)) this.link(actorId, id);
      for (const actorId of movie.actor_ids) if (!after.has(actorId)) this.unlink(actorId, id);
      movie.actor_ids = after;
    }
    movie.title = changes.title ?? movie.title;
    movie.release_date = changes.release_date ?? movie.release_date;
    movie.version += 1;
  }

  deleteActor(id: string): void {
    const actor = this.actors.get(id)!;
    this.deletedActors.set(id, { ...actor, movie_ids: new Set(actor.movie_ids) });
    for (const movieId of actor.movie_ids) {
      const movie = this.movies.get(movieId)!;
      movie.actor_ids.delete(id);
      movie.version += 1;
    }
    this.actors.delete(id);
  }

  deleteMovie(id: string): void {
    const movie = this.movies.get(id)!;
    this.deletedMovies.set(id, { ...movie, actor_ids: new Set(movie.actor_ids) });
    for (const actorId of movie.actor_ids) this.unlink(actorId, id);
    this.movies.delete(id);
  }

  /** Brings a deleted actor back, one version on, into every movie that still exists and has room (50). */
  restoreActor(id: string): void {
    const kept = this.deletedActors.get(id)!;
    const back = [...kept.movie_ids].filter((movieId) => (this.movies.get(movieId)?.actor_ids.size ?? 50) < 50);
    this.actors.set(id, { ...kept, movie_ids: new Set(back), version: kept.version + 1 });
    for (const movieId of back) {
      const movie = this.movies.get(movieId)!;
      movie.actor_ids.add(id);
      movie.version += 1;
    }
    this.deletedActors.delete(id);
  }

  /** Brings a deleted movie back, one version on, with every cast member who still exists and is in fewer than 50 movies. */
  restoreMovie(id: string): void {
    const kept = this.deletedMovies.get(id)!;
    const back = [...kept.actor_ids].filter((actorId) => (this.actors.get(actorId)?.movie_ids.size ?? 50) < 50);
    this.movies.set(id, { ...kept, actor_ids: new Set(back), version: kept.version + 1 });
    for (const actorId of back) this.link(actorId, id);
    this.deletedMovies.delete(id);
  }
}
