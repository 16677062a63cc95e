/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local, so the real SDK
 * meets real failures: refused connections, stalls, throttling and 500s.
 *
 * It can also give DynamoDB Local the write contention of real DynamoDB,
 * which the emulator lacks (it runs transactions one at a time and never
 * reports a conflict). With `contention` on, as DynamoDB does:
 *   - a TransactWriteItems holds every key it touches from the moment it
 *     arrives until it is answered, plus `commitLatencyMs` when it commits;
 *   - a TransactWriteItems touching a held key is cancelled with
 *     `TransactionConflict` for that item and `None` for the others, and
 *     holds nothing;
 *   - a PutItem, UpdateItem or DeleteItem on a held key fails with
 *     `TransactionConflictException`.
 * Reads pass untouched: DynamoDB serves them from committed data.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../lib/dev/index-lag';

export type FaultMode = 'pass' | 'refuse' | 'stall' | 'throttle' | 'server-error';

/** What the contention emulation did, since the proxy started. */
export interface ContentionStats {
  /** TransactWriteItems forwarded to DynamoDB Local. */
  transactions: number;
  /** TransactWriteItems cancelled with `TransactionConflict`. */
  cancelledTransactions: number;
  /** PutItem/UpdateItem/DeleteItem answered `TransactionConflictException`. */
  conflictedWrites: number;
}

export interface ContentionOptions {
  /**
   * How long a committed transaction keeps its keys after answering, in ms:
   * real DynamoDB finishes a transaction's commit after the caller hears of it.
   * Default 15.
   */
  commitLatencyMs?: number;
  /** The key attributes of every table behind the proxy. Default `['pk']`. */
  keyAttributes?: string[];
}

export interface FaultProxyOptions {
  /** Emulate DynamoDB's transaction conflicts; off when omitted. */
  contention?: ContentionOptions;
}

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  /** Requests that reached the proxy, and those it forwarded to DynamoDB. */
  seen: number;
  forwarded: number;
  contention: ContentionStats;
  close: () => Promise<void>;
}

/** Where the proxy answers its contention figures (GET), for tests in other processes. */
const CONTENTION_STATS_PATH = '/__contention';

const dynamoError = (type: string, message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, Message: message, ...extra });

const answer = (outgoing: ServerResponse, status: number, body: string) => {
  outgoing.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  outgoing.end(body);
};

type AttributeMap = Record<string, unknown>;

interface TransactItem {
  Put?: { TableName: string; Item: AttributeMap };
  Update?: { TableName: string; Key: AttributeMap };
  Delete?: { TableName: string; Key: AttributeMap };
  ConditionCheck?: { TableName: string; Key: AttributeMap };
}

export const startFaultProxy = async (target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> => {
  const targetUrl = new URL(target);
  const stalled = new Set<IncomingMessage>();
  const state = { mode: 'pass' as FaultMode, seen: 0, forwarded: 0 };
  const stats: ContentionStats = { transactions: 0, cancelledTransactions: 0, conflictedWrites: 0 };
  const commitLatencyMs = options.contention?.commitLatencyMs ?? 15;
  const keyAttributes = options.contention?.keyAttributes ?? ['pk'];
  /** Keys (table + key attributes) held by a transaction in flight or committing. */
  const held = new Set<string>();

  const keyOf = (table: string, attributes: AttributeMap) =>
    JSON.stringify([table, ...keyAttributes.map((name) => attributes[name] ?? null)]);

  const transactionKeys = (items: TransactItem[]): string[] =>
    items.map((item) => {
      if (item.Put !== undefined) return keyOf(item.Put.TableName, item.Put.Item);
      const keyed = item.Update ?? item.Delete ?? item.ConditionCheck;
      return keyed === undefined ? '' : keyOf(keyed.TableName, keyed.Key);
    });

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body?: Buffer, onAnswered?: (status: number) => void) => {
    state.forwarded += 1;
    const upstream = request(
      { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
        response.on('end', () => onAnswered?.(response.statusCode ?? 502));
      },
    );
    upstream.on('error', () => {
      onAnswered?.(502);
      outgoing.destroy();
    });
    if (body === undefined) incoming.pipe(upstream);
    else upstream.end(body);
  };

  const forwardContended = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1];
    if (operation !== 'TransactWriteItems' && operation !== 'PutItem' && operation !== 'UpdateItem' && operation !== 'DeleteItem') {
      forward(incoming, outgoing);
      return;
    }
    const body = await readBody(incoming);
    const input = JSON.parse(body.toString('utf8')) as { TransactItems?: TransactItem[]; TableName?: string; Key?: AttributeMap; Item?: AttributeMap };
    if (operation !== 'TransactWriteItems') {
      if (held.has(keyOf(input.TableName ?? '', input.Item ?? input.Key ?? {}))) {
        stats.conflictedWrites += 1;
        answer(outgoing, 400, dynamoError('TransactionConflictException', 'Transaction is ongoing for the item'));
        return;
      }
      forward(incoming, outgoing, body);
      return;
    }
    const keys = transactionKeys(input.TransactItems ?? []);
    if (keys.some((key) => held.has(key))) {
      stats.cancelledTransactions += 1;
      const reasons = keys.map((key) =>
        held.has(key) ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' },
      );
      answer(
        outgoing,
        400,
        dynamoError(
          'TransactionCanceledException',
          `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
          { CancellationReasons: reasons },
        ),
      );
      return;
    }
    stats.transactions += 1;
    for (const key of keys) held.add(key);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const key of keys) held.delete(key);
    };
    // A cancelled or failed transaction committed nothing, so it lets go at once.
    forward(incoming, outgoing, body, (status) => (status === 200 ? setTimeout(release, commitLatencyMs) : release()));
  };

  const server: Server = createServer((incoming, outgoing) => {
    if (incoming.method === 'GET' && incoming.url === CONTENTION_STATS_PATH) {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify(stats));
      return;
    }
    state.seen += 1;
    switch (state.mode) {
      case 'refuse':
        incoming.socket.destroy();
        return;
      case 'stall':
        // Never answer: the SDK's own timeouts must end the wait.
        stalled.add(incoming);
        incoming.resume();
        return;
      case 'throttle':
        incoming.resume();
        answer(outgoing, 400, dynamoError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'));
        return;
      case 'server-error':
        incoming.resume();
        answer(outgoing, 500, dynamoError('InternalServerError', 'Internal server error'));
        return;
      default:
        if (options.contention === undefined) forward(incoming, outgoing);
        else forwardContended(incoming, outgoing).catch(() => outgoing.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(mode: FaultMode) {
      state.mode = mode;
    },
    get seen() {
      return state.seen;
    },
    get forwarded() {
      return state.forwarded;
    },
    get contention() {
      return { ...stats };
    },
    close: async () => {
      for (const message of stalled) message.socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** The contention figures of the proxy serving `endpoint` (the suite's DYNAMODB_ENDPOINT). */
export const contentionStats = async (endpoint: string): Promise<ContentionStats> =>
  (await (await fetch(new URL(CONTENTION_STATS_PATH, endpoint))).json()) as ContentionStats;
