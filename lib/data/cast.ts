/**
 * The two sides of "who is cast in what": a movie's `actor_ids` and each
 * actor's `movie_ids`. Both sides change in one transaction, and every such
 * change bumps both records' versions, so a transaction that read either side
 * fails (and retries from a fresh read) if the other changed meanwhile.
 */
import { UnprocessableEntityError } from '../http/errors';
import { MAX_CAST_SIZE } from '../validation/schemas';
import { recordKey, type Kind } from './records';
import { staleRead, MAX_TRANSACTION_ITEMS, type GuardedWrite } from './transact';

/** How many movies one actor may be cast in: keeps deleting an actor within one transaction. */
export const MAX_FILMOGRAPHY = 50;

export type LinkField = 'actor_ids' | 'movie_ids';

/** Adds `linkedId` to the `field` set of another record, which must exist and have room. */
export const linkWrite = (
  table: string,
  kind: Kind,
  id: string,
  field: LinkField,
  linkedId: string,
  now: string,
): GuardedWrite => ({
  write: {
    Update: {
      TableName: table,
      Key: recordKey(kind, id),
      UpdateExpression: 'ADD #links :link, version :one SET updated_at = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#links) OR size(#links) < :max)',
      ExpressionAttributeNames: { '#links': field },
      ExpressionAttributeValues: {
        ':link': new Set([linkedId]),
        ':one': 1,
        ':now': now,
        ':max': field === 'movie_ids' ? MAX_FILMOGRAPHY : MAX_CAST_SIZE,
      },
    },
  },
  // It was checked on the fresh read this transaction started from, so it changed since.
  onConditionFailed: staleRead,
});

/** Removes `linkedId` from the `field` set of another record. */
export const unlinkWrite = (
  table: string,
  kind: Kind,
  id: string,
  field: LinkField,
  linkedId: string,
  now: string,
): GuardedWrite => ({
  write: {
    Update: {
      TableName: table,
      Key: recordKey(kind, id),
      UpdateExpression: 'DELETE #links :link ADD version :one SET updated_at = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#links': field },
      ExpressionAttributeValues: { ':link': new Set([linkedId]), ':one': 1, ':now': now },
    },
  },
  onConditionFailed: staleRead,
});

export const ensureFitsOneTransaction = (writes: GuardedWrite[]): GuardedWrite[] => {
  if (writes.length > MAX_TRANSACTION_ITEMS) {
    throw new UnprocessableEntityError(
      `This change touches more than ${MAX_TRANSACTION_ITEMS} records at once; make it in smaller steps, such as replacing the cast in two requests.`,
    );
  }
  return writes;
};

export const setOf = (ids: Iterable<string> | undefined): Set<string> => new Set(ids ?? []);
export const sortedIds = (ids: Set<string> | undefined): string[] => [...(ids ?? [])].sort();
