/**
 * The errors of the domain: what can go wrong with a request in the
 * casting agency's own terms, with no HTTP in them. lib/http/error-mapping.ts
 * gives each its status, in one place; lib/services, lib/storage and lib/validation throw
 * them and never choose a status.
 *
 * One root for every error this project raises on purpose, and a flat
 * hierarchy below it (as aws-jwt-verify's errors), so `instanceof
 * EnsembleError` tells ours from the SDK's and Node's, and every class can
 * keep the error that caused it (`options.cause`).
 */

/** One rule a field broke, for the `details` of an error response. */
export interface FieldIssue {
  /** The field as the client named it: `birth_date`, `actor_ids.2`, `Idempotency-Key`, `cursor`. */
  field: string;
  message: string;
}

export abstract class EnsembleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A setting of the environment is missing or wrong: the function must not start. */
export class ConfigError extends EnsembleError {}

/** No record of that kind has the id. */
export class RecordNotFoundError extends EnsembleError {}

/** Another record already has this identity (an actor's name; a movie's title and release date). */
export class DuplicateRecordError extends EnsembleError {}

/** The client's condition (If-Match) names another version than the record's. */
export class VersionMismatchError extends EnsembleError {}

/**
 * Well-formed input that breaks a rule of the domain: a limit, a cast naming
 * an unknown actor, an Idempotency-Key reused with another body.
 */
export class RuleViolationError extends EnsembleError {
  readonly details: FieldIssue[] | undefined;

  constructor(message: string, details?: FieldIssue[], options?: ErrorOptions) {
    super(message, options);
    this.details = details;
  }
}

/** A list cursor this API did not issue for this list and these filters. */
export class InvalidCursorError extends EnsembleError {
  readonly details: FieldIssue[] = [{ field: 'cursor', message: 'is not a cursor this API issued for this list and query' }];

  constructor(options?: ErrorOptions) {
    super('The cursor is invalid: pass next_cursor back unchanged, with the same filters.', options);
  }
}

/**
 * Another request changed what this one read, or was writing an item this
 * one writes (DynamoDB's `TransactionConflict`): the work starts again from
 * a fresh read. It never reaches a client; after too many attempts it
 * becomes a StoreBusyError.
 */
export class StaleReadError extends EnsembleError {}

/**
 * Another request with the same Idempotency-Key committed first: its result
 * is replayed instead. It never reaches a client.
 */
export class KeyClaimedMeanwhileError extends EnsembleError {}

/** The store cannot take the request now (contention, throttling, an outage); the client may retry. */
export class StoreBusyError extends EnsembleError {
  /** How long a client should wait before retrying. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
