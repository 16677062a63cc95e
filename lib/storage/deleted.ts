/**
 * Soft delete: what a delete removed, kept for DELETED_TTL_SECONDS (items.ts) so that it
 * can be listed and restored (docs/endpoints.md#resources, "Deleting is soft for 30 days").
 *
 *   <KIND>_DELETED#<id>   the record as it was when deleted (`record`, its
 *                         links included), `deleted_at`, `deleted_by` (the
 *                         caller's `sub`) and `expires_at` (DynamoDB TTL); on
 *                         index gsi1 under gsi1pk=<KIND>_DELETED,
 *                         gsi1sk=<deleted_at>#<id>: newest last
 *
 * The item is written in the delete's own transaction and removed in the
 * restore's, so a record is either live or restorable, never both. It is
 * not a record: lists, search, `total` and the integrity check ignore it.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RecordNotFoundError } from '../domain/errors';
import { ULID, type DeletedPage } from '../domain/records';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import type { DeletedItem, StoredRecord } from './items';
import { deletedKey, deletedPartition } from './keys';
import { store, type RecordKind } from './store';

/** TTL deletion lags by up to days: an item past its `expires_at` counts as gone. */
const expired = (item: { expires_at: number }): boolean => item.expires_at < Date.now() / 1000;

const notDeleted = (kind: RecordKind, id: string) =>
  new RecordNotFoundError(`No deleted ${kind.noun} has the id ${id}: it was not deleted in the last 30 days, or was restored already.`);

/** The kept record with this id; a RecordNotFoundError when there is none (or it expired). */
export const readDeleted = async <T extends StoredRecord>(kind: RecordKind, id: string): Promise<DeletedItem<T>> => {
  const { Item } = await store().db.send(new GetCommand({ TableName: kind.table, Key: deletedKey(kind, id), ConsistentRead: true }));
  const item = Item as DeletedItem<T> | undefined;
  if (item === undefined || expired(item)) throw notDeleted(kind, id);
  return item;
};

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#([0-9A-HJKMNP-TV-Z]{26})$/;

/**
 * One page of the records of `kind` deleted in the last 30 days, newest
 * first: one Query of at most limit + 1 items of the deleted partition, so
 * a page reads no more than a plain list page of the same size (the kept
 * records are the records themselves). Expired items not yet removed by TTL
 * are left out, which can make a page short; its cursor goes on.
 */
export const listDeleted = async <T extends StoredRecord>(
  kind: RecordKind,
  { limit, cursor }: { limit: number; cursor?: string | undefined },
): Promise<DeletedPage<T>> => {
  const list = deletedPartition(kind);
  let after: string | undefined;
  if (cursor !== undefined) {
    after = decodeCursor(cursor, '{}', list);
    const match = POSITION.exec(after);
    if (match?.[2] === undefined || !ULID.test(match[2])) throw invalidCursor();
  }
  const result = await store().db.send(
    new QueryCommand({
      TableName: kind.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :partition',
      ExpressionAttributeValues: { ':partition': list },
      ScanIndexForward: false,
      Limit: limit + 1,
      ...(after === undefined ? {} : { ExclusiveStartKey: { pk: `${list}#${after.slice(after.indexOf('#') + 1)}`, gsi1pk: list, gsi1sk: after } }),
    }),
  );
  const read = (result.Items ?? []) as DeletedItem<T>[];
  const live = read.filter((item) => !expired(item));
  const items = live.slice(0, limit);
  // More than a page read: resume after the last one returned; else wherever DynamoDB stopped, if it did.
  const resumeFrom = read.length > limit ? read[limit - 1]?.gsi1sk : (result.LastEvaluatedKey as { gsi1sk?: string } | undefined)?.gsi1sk;
  return {
    items: items.map(({ record, deleted_at: deletedAt, deleted_by: deletedBy }) => ({
      record,
      deleted_at: deletedAt,
      deleted_by: deletedBy ?? null,
    })),
    nextCursor: resumeFrom === undefined ? null : encodeCursor(resumeFrom, '{}', list),
  };
};
