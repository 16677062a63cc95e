/**
 * `npm run tables:replace -- <source> <target> [--yes]`: makes the target
 * table's items equal to the source table's, for bringing a point-in-time
 * restore back into the tables the stack owns (docs/deploying-and-operating.md#operating-a-stage). Every source item
 * is written to the target; every target item whose key the source lacks is
 * deleted. Without `--yes` it only counts what it would do.
 *
 * Not atomic: stop writes to the target first (the runbook says how).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Item = Record<string, unknown>;

export interface ReplaceResult {
  written: number;
  deleted: number;
}

const keyAttributes = async (client: DynamoDBDocumentClient, table: string): Promise<string[]> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  return (Table?.KeySchema ?? []).flatMap(({ AttributeName }) => (AttributeName === undefined ? [] : [AttributeName]));
};

const scanAll = async (client: DynamoDBDocumentClient, table: string): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
};

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

const writeAll = async (client: DynamoDBDocumentClient, table: string, requests: WriteRequest[]): Promise<void> => {
  for (let start = 0; start < requests.length; start += 25) {
    let pending = requests.slice(start, start + 25);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= 10) throw new Error(`DynamoDB kept ${pending.length} writes to ${table} unprocessed; run again.`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
};

export const replaceTableContents = async (
  client: DynamoDBDocumentClient,
  source: string,
  target: string,
  apply: boolean,
): Promise<ReplaceResult> => {
  const [sourceKeys, targetKeys] = await Promise.all([keyAttributes(client, source), keyAttributes(client, target)]);
  if (JSON.stringify(sourceKeys) !== JSON.stringify(targetKeys)) {
    throw new Error(`${source} and ${target} have different keys (${sourceKeys.join(', ')} / ${targetKeys.join(', ')}).`);
  }
  const keyOf = (item: Item) => Object.fromEntries(sourceKeys.map((name) => [name, item[name]]));
  const [sourceItems, targetItems] = await Promise.all([scanAll(client, source), scanAll(client, target)]);
  const kept = new Set(sourceItems.map((item) => JSON.stringify(keyOf(item))));
  const stale = targetItems.filter((item) => !kept.has(JSON.stringify(keyOf(item))));
  if (apply) {
    await writeAll(client, target, [
      ...sourceItems.map((item) => ({ PutRequest: { Item: item } })),
      ...stale.map((item) => ({ DeleteRequest: { Key: keyOf(item) } })),
    ]);
  }
  return { written: sourceItems.length, deleted: stale.length };
};

const main = async () => {
  const args = process.argv.slice(2);
  const apply = args.includes('--yes');
  const [source, target, ...rest] = args.filter((arg) => arg !== '--yes');
  if (source === undefined || target === undefined || rest.length > 0) {
    console.error('Usage: npm run tables:replace -- <source-table> <target-table> [--yes]');
    process.exit(2);
  }
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const { written, deleted } = await replaceTableContents(client, source, target, apply);
  console.log(
    apply
      ? `${target} now holds the ${written} items of ${source}; ${deleted} items it had besides were deleted.`
      : `Dry run: would write ${written} items of ${source} to ${target} and delete ${deleted} items of ${target}. Add --yes to do it.`,
  );
};

const runAsScript = (): boolean => {
  const script = process.argv[1];
  try {
    return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
};

if (runAsScript()) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
