/**
 * The store: one DynamoDB document client and the description of each kind
 * of record, made from configuration by `openStore`. A function instance
 * makes it once, on first use (not at import, so that tools and tests can
 * point the storage elsewhere before anything is read), and reuses it for
 * every request.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readDataConfig, type DataConfig } from '../config';

/** What the storage needs to know about a kind of record, wherever it stores it. */
export interface RecordKind {
  /** Prefix of its items' keys, the name of its list on index gsi1, and the list a cursor is bound to. */
  readonly key: 'ACTOR' | 'MOVIE';
  readonly table: string;
  /** How messages name one record. */
  readonly noun: 'actor' | 'movie';
  /** The field of its records that names linked records of the other kind. */
  readonly links: 'movie_ids' | 'actor_ids';
}

export interface Store {
  readonly db: DynamoDBDocumentClient;
  readonly actors: RecordKind;
  readonly movies: RecordKind;
}

export const openStore = (config: DataConfig): Store => ({
  db: DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(config.endpoint === undefined
        ? {}
        : {
            endpoint: config.endpoint,
            // DynamoDB Local accepts any credentials; these keep the SDK from hunting for real ones.
            region: config.region,
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }),
      // Bounded so a sick database becomes a 503 well inside the Lambda timeout, never a hang.
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 500, requestTimeout: config.requestTimeoutMs, throwOnRequestTimeout: true },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  ),
  actors: { key: 'ACTOR', table: config.actorsTable, noun: 'actor', links: 'movie_ids' },
  movies: { key: 'MOVIE', table: config.moviesTable, noun: 'movie', links: 'actor_ids' },
});

let current: Store | undefined;

/** This instance's store, opened from the environment's configuration on first use. */
export const store = (): Store => (current ??= openStore(readDataConfig()));

/** Points this instance's storage at another store (the fault tests' proxy); returns the one it replaces. */
export const useStore = (next: Store | undefined): Store | undefined => {
  const previous = current;
  current = next;
  return previous;
};
