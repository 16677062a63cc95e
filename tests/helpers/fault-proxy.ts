/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local, so the real SDK
 * meets real failures: refused connections, stalls, throttling and 500s.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'stall' | 'throttle' | 'server-error';

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  /** Requests that reached the proxy, and those it forwarded to DynamoDB. */
  seen: number;
  forwarded: number;
  close: () => Promise<void>;
}

const dynamoError = (type: string, message: string) =>
  JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });

export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const targetUrl = new URL(target);
  const stalled = new Set<IncomingMessage>();
  const state = { mode: 'pass' as FaultMode, seen: 0, forwarded: 0 };
  const server: Server = createServer((incoming, outgoing) => {
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
        outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        outgoing.end(dynamoError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'));
        return;
      case 'server-error':
        incoming.resume();
        outgoing.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        outgoing.end(dynamoError('InternalServerError', 'Internal server error'));
        return;
      default: {
        state.forwarded += 1;
        const upstream = request(
          { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
          (response) => {
            outgoing.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(outgoing);
          },
        );
        upstream.on('error', () => outgoing.destroy());
        incoming.pipe(upstream);
      }
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
    close: async () => {
      for (const message of stalled) message.socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
