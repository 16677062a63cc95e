/**
 * A thin stand-in for API Gateway in front of serverless-offline, so that
 * `npm start` and the HTTP tests answer the way the deployed HTTP API will
 * where serverless-offline (hapi underneath) answers by itself:
 *
 *   - CORS: serverless-offline echoes any Origin, with credentials, and
 *     answers every preflight 200. API Gateway, as configured by
 *     lib/deploy/cors.cjs, sends no CORS headers unless ALLOWED_ORIGINS is
 *     set, then only to listed origins, never with credentials, and answers
 *     preflights itself (204). With CORS off, an OPTIONS request reaches the
 *     routes like any other method (our catch-all answers 405 + Allow).
 *   - `Range`: hapi would cut any response to a 206; API Gateway does not
 *     serve ranges of a Lambda response, so the header goes.
 *   - `Cookie`: hapi answers a malformed one with its own 400; API Gateway
 *     hands cookies to the function, and ours ignore them, so the header goes.
 *   - A header sent more than once: payload 2.0 hands the function one
 *     value, the values joined with commas (two `Authorization` headers are
 *     one malformed one, a 401). Node keeps only the first of some headers
 *     (`Authorization` among them) and joins others with ", "; the gateway
 *     joins them all from the raw list, with ",", as API Gateway does.
 *     (Cookies are the exception in payload 2.0, a `cookies` array, and
 *     dropped here anyway, as above.)
 *   - A request line Node's HTTP parser refuses (a raw non-ASCII byte in
 *     the URL): hapi sends an empty 400; here it is API Gateway's own JSON
 *     400, `{"message":"Bad Request"}`.
 *
 * What it cannot undo is listed in
 * docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/** The CORS settings of the HTTP API (lib/deploy/cors.cjs), or false when CORS is off. */
export interface GatewayCors {
  allowedOrigins: string[];
  allowedHeaders: string[];
  allowedMethods: string[];
  exposedResponseHeaders: string[];
  allowCredentials: boolean;
  maxAge: number;
}

export interface GatewayOptions {
  /** Where serverless-offline listens. */
  target: string;
  /** The port to serve on; 0 for any free one. */
  port: number;
  /** Defaults to what `serverless deploy` would configure from ALLOWED_ORIGINS now. */
  cors?: GatewayCors | false;
}

export interface Gateway {
  url: string;
  /** Points the gateway at another serverless-offline (it can listen before its target is up). */
  retarget: (target: string) => void;
  close: () => Promise<void>;
}

/** The very function serverless.yml calls, so local and deployed CORS come from one place. */
export const deployedCors = (): GatewayCors | false =>
  (createRequire(import.meta.url)('../deploy/cors.cjs') as { httpApiCors: () => GatewayCors | false }).httpApiCors();

/** Headers API Gateway never lets through from a client to the function, for the reasons above. */
const DROPPED_REQUEST_HEADERS = ['range', 'if-range', 'cookie'];

/** The request's headers as payload 2.0 has them: names lower-cased, a repeated header's values joined with ",". */
const joinedHeaders = (rawHeaders: string[]): Map<string, string> => {
  const headers = new Map<string, string>();
  rawHeaders.forEach((entry, index) => {
    if (index % 2 === 1) return;
    const name = entry.toLowerCase();
    const value = rawHeaders[index + 1] ?? '';
    const earlier = headers.get(name);
    headers.set(name, earlier === undefined ? value : `${earlier},${value}`);
  });
  return headers;
};

const allowedOrigin = (cors: GatewayCors | false, origin: string | undefined): string | undefined => {
  if (cors === false || origin === undefined) return undefined;
  return cors.allowedOrigins.includes('*') || cors.allowedOrigins.includes(origin) ? origin : undefined;
};

export const startGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const cors = options.cors ?? deployedCors();
  let target = new URL(options.target);
  const server: Server = createServer((incoming, outgoing) => {
    const origin = incoming.headers.origin;
    const isPreflight =
      incoming.method === 'OPTIONS' && origin !== undefined && incoming.headers['access-control-request-method'] !== undefined;
    if (cors !== false && isPreflight) {
      // API Gateway answers a preflight itself, without calling any function; a foreign origin gets no CORS headers.
      incoming.resume();
      const allowed = allowedOrigin(cors, origin);
      outgoing.writeHead(
        204,
        allowed === undefined
          ? {}
          : {
              'access-control-allow-origin': allowed,
              'access-control-allow-methods': cors.allowedMethods.join(','),
              'access-control-allow-headers': cors.allowedHeaders.join(','),
              'access-control-max-age': String(cors.maxAge),
            },
      );
      outgoing.end();
      return;
    }
    // Without Origin, serverless-offline adds no CORS headers of its own; the gateway decides them below.
    const joined = joinedHeaders(incoming.rawHeaders);
    joined.set('host', target.host);
    for (const name of ['origin', ...DROPPED_REQUEST_HEADERS]) joined.delete(name);
    const headers = Object.fromEntries(joined);
    const upstream = request(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
      (response) => {
        const responseHeaders = Object.fromEntries(
          Object.entries(response.headers).filter(([name]) => !name.startsWith('access-control-')),
        );
        const allowed = allowedOrigin(cors, origin);
        if (cors !== false && allowed !== undefined) {
          responseHeaders['access-control-allow-origin'] = allowed;
          responseHeaders['access-control-expose-headers'] = cors.exposedResponseHeaders.join(',');
        }
        outgoing.writeHead(response.statusCode ?? 502, responseHeaders);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(503, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ message: 'Service Unavailable' }));
    });
    incoming.pipe(upstream);
  });
  // A request Node's HTTP parser refuses (a raw non-ASCII byte in the URL, say) never reaches any code,
  // here or in hapi; answer it as API Gateway answers the malformed requests it refuses itself.
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return;
    const body = '{"message":"Bad Request"}';
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    retarget: (next) => {
      target = new URL(next);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
