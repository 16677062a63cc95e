/**
 * Reads both tables whole (tests only) and lists every broken invariant of
 * docs/endpoints.md#resources: the two sides of the cast agree and name only existing records,
 * each record holds exactly one uniqueness claim, its search words are
 * exactly indexed, and the counter items add up to the number of records.
 * A deleted record kept for restoring (`<KIND>_DELETED#<id>`) is no record:
 * it holds no claim, word or count, and its id names no live record.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { comparableText, searchWords } from '../../lib/domain/text';

let documentClient: DynamoDBDocumentClient | undefined;
const client = () =>
  (documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: process.env.DYNAMODB_ENDPOINT,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  ));

const scanAll = async (table: string): Promise<Record<string, any>[]> => {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
};

export interface Snapshot {
  actors: Map<string, Record<string, any>>;
  movies: Map<string, Record<string, any>>;
}

/**
 * What the stream consumer writes (the counters, its SEEN items) follows the requests later (docs/design-and-limits.md#what-total-is), so it is left out of `raw`: a comparison of two snapshots sees what requests changed.
 */
const writtenByRequests = (item: Record<string, any>): boolean => !/^(SEEN#|(ACTOR|MOVIE)_COUNT$)/.test(String(item.pk));

/** Every record, and in `raw` every item a request writes, of both tables. */
export const snapshot = async (): Promise<Snapshot & { raw: { actors: Record<string, any>[]; movies: Record<string, any>[] } }> => {
  const [actorItems, movieItems] = await Promise.all([scanAll(process.env.ACTORS_TABLE!), scanAll(process.env.MOVIES_TABLE!)]);
  const records = (items: Record<string, any>[], kind: string) =>
    new Map(items.filter((item) => item.pk.startsWith(`${kind}#`)).map((item) => [item.id as string, item]));
  return {
    actors: records(actorItems, 'ACTOR'),
    movies: records(movieItems, 'MOVIE'),
    raw: { actors: actorItems.filter(writtenByRequests), movies: movieItems.filter(writtenByRequests) },
  };
};

/**
 * The key of a uniqueness claim, as docs/endpoints.md#validation-and-limits describes it: the compared text when it fits DynamoDB's
 * 2,048-byte key, else its SHA-256. (Not imported from lib/storage, which would make the DynamoDB client
 * of a test file that reroutes it, such as faults.test.ts, before it can.)
 */
const claimKeyOf = (kind: string, unique: string): string => {
  const plain = `${kind}_UNIQUE#${unique}`;
  return Buffer.byteLength(plain, 'utf8') <= 2048 ? plain : `${kind}_UNIQUE_SHA256#${createHash('sha256').update(unique, 'utf8').digest('base64url')}`;
};

const checkSideItems = (
  kind: string,
  items: Record<string, any>[],
  records: Map<string, Record<string, any>>,
  uniqueOf: (record: Record<string, any>) => string,
  textOf: (record: Record<string, any>) => string,
  problems: string[],
) => {
  // Both key forms: the compared text itself, or its hash when too long for a key.
  const claims = items.filter((item) => item.pk.startsWith(`${kind}_UNIQUE#`) || item.pk.startsWith(`${kind}_UNIQUE_SHA256#`));
  const expectedClaims = new Set([...records.values()].map((record) => `${claimKeyOf(kind, uniqueOf(record))}|${record.id}`));
  // A record says where its claim is (records of earlier versions do not): it must be where the rules put it.
  for (const record of records.values()) {
    if (record.unique_pk !== undefined && record.unique_pk !== claimKeyOf(kind, uniqueOf(record))) {
      problems.push(`${kind} ${record.id} says its claim is ${record.unique_pk}, not ${claimKeyOf(kind, uniqueOf(record))}`);
    }
  }
  const actualClaims = new Set(claims.map((claim) => `${claim.pk}|${claim.record_id}`));
  for (const claim of expectedClaims) if (!actualClaims.has(claim)) problems.push(`missing claim ${claim}`);
  for (const claim of actualClaims) if (!expectedClaims.has(claim)) problems.push(`orphan claim ${claim}`);

  const words = new Set(items.filter((item) => item.pk.startsWith(`${kind}_WORD#`)).map((item) => item.pk));
  const expectedWords = new Set(
    [...records.values()].flatMap((record) => searchWords(textOf(record)).map((word) => `${kind}_WORD#${word}#${record.id}`)),
  );
  for (const word of expectedWords) if (!words.has(word)) problems.push(`missing word ${word}`);
  for (const word of words) if (!expectedWords.has(word)) problems.push(`orphan word ${word}`);
  // The counter (`<KIND>_COUNT`) follows through the stream, later: fixtures.total waits for it to settle.

  // Kept deleted records: on their own index partition, expiring, never beside a live record of the same id.
  for (const kept of items.filter((item) => item.pk.startsWith(`${kind}_DELETED#`))) {
    const id = kept.pk.slice(`${kind}_DELETED#`.length);
    if (records.has(id)) problems.push(`${kind} ${id} is both live and kept as deleted`);
    if (kept.record?.id !== id) problems.push(`kept ${kind} ${id} holds record ${kept.record?.id}`);
    if (kept.gsi1pk !== `${kind}_DELETED` || kept.gsi1sk !== `${kept.deleted_at}#${id}`) problems.push(`kept ${kind} ${id} is off its index`);
    if (typeof kept.expires_at !== 'number') problems.push(`kept ${kind} ${id} never expires`);
  }
};

/** Every broken invariant, as readable sentences; empty when the database is consistent. */
export const integrityProblems = async (): Promise<string[]> => {
  const { actors, movies, raw } = await snapshot();
  const problems: string[] = [];
  for (const movie of movies.values()) {
    for (const actorId of movie.actor_ids ?? []) {
      const actor = actors.get(actorId);
      if (actor === undefined) problems.push(`movie ${movie.id} names missing actor ${actorId}`);
      else if (!actor.movie_ids?.has(movie.id)) problems.push(`movie ${movie.id} casts ${actorId}, who does not list it`);
    }
  }
  for (const actor of actors.values()) {
    for (const movieId of actor.movie_ids ?? []) {
      const movie = movies.get(movieId);
      if (movie === undefined) problems.push(`actor ${actor.id} lists missing movie ${movieId}`);
      else if (!movie.actor_ids?.has(actor.id)) problems.push(`actor ${actor.id} lists ${movieId}, which does not cast them`);
    }
  }
  checkSideItems('ACTOR', raw.actors, actors, (actor) => comparableText(actor.name), (actor) => actor.name, problems);
  checkSideItems(
    'MOVIE',
    raw.movies,
    movies,
    (movie) => `${movie.release_date}#${comparableText(movie.title)}`,
    (movie) => movie.title,
    problems,
  );
  return problems;
};

/**
 * integrityProblems once the writes still in flight have landed. A scan of
 * two tables is not isolated from a transaction committing between them, so
 * right after a load generator stops (leaving requests the server is still
 * running, and retrying under the conflict emulation) a check can see one
 * transaction half. This waits until two snapshots a second apart agree (no
 * write landed in between), so that also the next test file starts on a
 * database nobody is still writing to; a real inconsistency persists, and
 * this returns it.
 */
export const settledIntegrityProblems = async (timeoutMs = 30_000): Promise<string[]> => {
  const deadline = Date.now() + timeoutMs;
  let previous = JSON.stringify((await snapshot()).raw);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const current = JSON.stringify((await snapshot()).raw);
    if (current === previous) break;
    previous = current;
  }
  return integrityProblems();
};
