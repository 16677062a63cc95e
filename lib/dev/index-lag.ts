/**
 * An HTTP proxy in front of DynamoDB Local that makes its global secondary
 * indexes lag as DynamoDB's do (DynamoDB Local updates them synchronously).
 * For a Query on an index (IndexName set), an item written less than `lagMs`
 * ago is shown as it was before that write: missing when it is new, its
 * earlier version when changed, still there when deleted. Everything else
 * passes untouched; tables stay strongly consistent, as on DynamoDB.
 *
 * Before forwarding each write (PutItem, UpdateItem, DeleteItem,
 * TransactWriteItems, BatchWriteItem), the proxy reads every key it touches
 * with a consistent GetItem, and once the write succeeds keeps that
 * before-image for `lagMs`. Used by the test suite (tests/setup/global-setup.ts)
 * and by `npm start -- --index-lag <ms>`.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Value = Record<string, unknown>;
type Item = Record<string, Value>;

interface QueryInput {
  TableName?: string;
  IndexName?: string;
  KeyConditionExpression?: string;
  ProjectionExpression?: string;
  ScanIndexForward?: boolean;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, { S?: string }>;
  ExclusiveStartKey?: Item;
}

export interface IndexLagOptions {
  lagMs: number;
  /** The key attributes of every table behind the proxy. Default `['pk']`. */
  keyAttributes?: string[];
  /** Each index's key attributes. Default gsi1: gsi1pk, gsi1sk. */
  indexes?: Record<string, { partitionKey: string; sortKey: string }>;
}

/** Where the proxy takes a new lag (POST `{"lagMs":n}`), for tests in other processes: test files choose their own. */
export const INDEX_LAG_CONTROL_PATH = '/__index-lag';

export interface IndexLagProxy {
  url: string;
  close: () => Promise<void>;
}

interface Write {
  at: number;
  /** The item before this write; undefined when there was none. */
  before: Item | undefined;
}

/** A request's whole body (the fault proxy in tests/helpers reads its requests the same way). */
export const readBody = (incoming: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });

/** A key attribute's value as bytes, compared as DynamoDB compares strings (UTF-8 bytes) and binaries. */
const sortable = (value: Value | undefined): Buffer | number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value.S === 'string') return Buffer.from(value.S, 'utf8');
  if (typeof value.N === 'string') return Number(value.N);
  if (typeof value.B === 'string') return Buffer.from(value.B, 'base64');
  return undefined;
};

const compare = (a: Value | undefined, b: Value | undefined): number => {
  const x = sortable(a);
  const y = sortable(b);
  if (x === undefined || y === undefined) return 0;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return Buffer.compare(x, y);
  return 0;
};

const sameValue = (a: Value | undefined, b: Value | undefined) => a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

export const startIndexLagProxy = async (target: string, options: IndexLagOptions): Promise<IndexLagProxy> => {
  let { lagMs } = options;
  const targetUrl = new URL(target);
  const keyAttributes = options.keyAttributes ?? ['pk'];
  const indexes = options.indexes ?? { gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } };
  /** Recent writes per item (table + key), oldest first. */
  const writes = new Map<string, { table: string; key: Item; writes: Write[] }>();

  const keyOf = (item: Item): Item =>
    Object.fromEntries(keyAttributes.flatMap((name) => (item[name] === undefined ? [] : [[name, item[name]] as const])));
  const idOf = (table: string, key: Item) => JSON.stringify([table, ...keyAttributes.map((name) => key[name] ?? null)]);

  const send = (headers: IncomingMessage['headers'], operation: string, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: 'POST',
          path: '/',
          headers: { ...headers, 'x-amz-target': `DynamoDB_20120810.${operation}`, 'content-length': String(body.length) },
        },
        (response) => {
          readBody(response).then((answer) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: answer }), reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  /** The keys a write touches, by table. */
  const touched = (operation: string, input: Value): { table: string; key: Item }[] => {
    const item = (table: unknown, attributes: unknown) => ({ table: String(table), key: keyOf(attributes as Item) });
    switch (operation) {
      case 'PutItem':
        return [item(input.TableName, input.Item)];
      case 'UpdateItem':
      case 'DeleteItem':
        return [item(input.TableName, input.Key)];
      case 'TransactWriteItems':
        return ((input.TransactItems ?? []) as Record<string, Value>[]).flatMap((entry) => {
          if (entry.Put !== undefined) return [item(entry.Put.TableName, entry.Put.Item)];
          const keyed = entry.Update ?? entry.Delete;
          return keyed === undefined ? [] : [item(keyed.TableName, keyed.Key)];
        });
      case 'BatchWriteItem':
        return Object.entries((input.RequestItems ?? {}) as Record<string, Record<string, Value>[]>).flatMap(([table, requests]) =>
          requests.map((entry) => item(table, entry.PutRequest?.Item ?? entry.DeleteRequest?.Key)),
        );
      default:
        return [];
    }
  };

  const beforeImages = async (headers: IncomingMessage['headers'], keys: { table: string; key: Item }[]) =>
    Promise.all(
      keys.map(async ({ table, key }) => {
        const answer = await send(headers, 'GetItem', Buffer.from(JSON.stringify({ TableName: table, Key: key, ConsistentRead: true })));
        const parsed = JSON.parse(answer.body.toString('utf8')) as { Item?: Item };
        return { table, key, before: parsed.Item };
      }),
    );

  /** What the index shows of each recently written item now: the version before its oldest write still within the lag. */
  const lagging = (table: string, now: number) => {
    const shown: { key: Item; visible: Item | undefined }[] = [];
    for (const [id, entry] of writes) {
      entry.writes = entry.writes.filter((write) => write.at > now - lagMs);
      if (entry.writes.length === 0) {
        writes.delete(id);
        continue;
      }
      if (entry.table === table) shown.push({ key: entry.key, visible: entry.writes[0]?.before });
    }
    return shown;
  };

  const rewriteQuery = (input: QueryInput, output: { Items?: Item[]; Count?: number; LastEvaluatedKey?: Item }): void => {
    const index = indexes[input.IndexName ?? ''];
    if (index === undefined) return;
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    const nameOf = (token: string) => names[token] ?? token;
    const condition = input.KeyConditionExpression ?? '';
    const partition = /([#\w]+)\s*=\s*(:\w+)/.exec(condition);
    const prefix = /begins_with\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)/.exec(condition);
    if (partition?.[1] === undefined || partition[2] === undefined || nameOf(partition[1]) !== index.partitionKey) return;
    const partitionValue = values[partition[2]];
    const prefixText = prefix?.[2] === undefined ? undefined : values[prefix[2]]?.S;
    const forward = input.ScanIndexForward !== false;
    const start = input.ExclusiveStartKey;
    const end = output.LastEvaluatedKey;
    const inRange = (item: Item) => {
      const sortValue = item[index.sortKey];
      if (!sameValue(item[index.partitionKey], partitionValue) || sortValue === undefined) return false;
      if (prefixText !== undefined && !(typeof sortValue.S === 'string' && sortValue.S.startsWith(prefixText))) return false;
      const direction = forward ? 1 : -1;
      if (start !== undefined && compare(sortValue, start[index.sortKey]) * direction <= 0) return false;
      if (end !== undefined && compare(sortValue, end[index.sortKey]) * direction > 0) return false;
      return true;
    };
    const projection = input.ProjectionExpression?.split(',').map((token) => nameOf(token.trim()));
    const project = (item: Item): Item => (projection === undefined ? item : Object.fromEntries(Object.entries(item).filter(([name]) => projection.includes(name))));
    let items = output.Items ?? [];
    for (const { key, visible } of lagging(input.TableName ?? '', Date.now())) {
      const id = JSON.stringify(key);
      // Projected items may lack the table key; compare on what each holds.
      items = items.filter((item) => JSON.stringify(keyOf(item)) !== id || Object.keys(keyOf(item)).length === 0);
      if (visible !== undefined && inRange(visible)) items.push(project(visible));
    }
    const order = (a: Item, b: Item) => compare(a[index.sortKey], b[index.sortKey]) * (forward ? 1 : -1) || compare(a.pk, b.pk);
    output.Items = items.sort(order);
    output.Count = items.length;
  };

  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      if (incoming.method === 'POST' && incoming.url === INDEX_LAG_CONTROL_PATH) {
        const asked = (JSON.parse((await readBody(incoming)).toString('utf8')) as { lagMs?: unknown }).lagMs;
        if (typeof asked === 'number' && Number.isInteger(asked) && asked >= 0) lagMs = asked;
        outgoing.writeHead(typeof asked === 'number' && asked === lagMs ? 204 : 400);
        outgoing.end();
        return;
      }
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const body = await readBody(incoming);
      const input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Value);
      const keys = touched(operation, input);
      const before = keys.length === 0 ? [] : await beforeImages(incoming.headers, keys);
      const answer = await send(incoming.headers, operation, body);
      let answerBody = answer.body;
      if (answer.status === 200 && before.length > 0) {
        const at = Date.now();
        for (const { table, key, before: image } of before) {
          const id = idOf(table, key);
          const entry = writes.get(id) ?? { table, key, writes: [] };
          entry.writes.push({ at, before: image });
          writes.set(id, entry);
        }
      }
      if (answer.status === 200 && operation === 'Query' && input.IndexName !== undefined) {
        const output = JSON.parse(answer.body.toString('utf8')) as Parameters<typeof rewriteQuery>[1];
        rewriteQuery(input, output);
        answerBody = Buffer.from(JSON.stringify(output));
      }
      // The body may have changed: its length is recomputed and DynamoDB's checksum of the original dropped.
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name !== 'x-amz-crc32' && name !== 'content-length'));
      headers['content-length'] = String(answerBody.length);
      outgoing.writeHead(answer.status, headers);
      outgoing.end(answerBody);
    })().catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
