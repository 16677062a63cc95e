/**
 * The API Gateway stand-in of lib/dev/gateway.ts, in front of a stand-in for
 * serverless-offline that behaves as offline does (echoes any Origin with
 * credentials) and records what reached it.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getWithRawBytes, sendRaw } from '../helpers/raw-http';
import { deployedCors, startGateway, type Gateway, type GatewayCors } from '../../lib/dev/gateway';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let upstream: Server;
let upstreamUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  upstream = createServer((incoming, outgoing) => {
    seen.push({ method: incoming.method!, url: incoming.url!, headers: incoming.headers });
    incoming.resume();
    outgoing.writeHead(incoming.method === 'OPTIONS' ? 405 : 200, {
      'content-type': 'application/json',
      allow: 'GET',
      // What serverless-offline adds by itself when it sees an Origin.
      ...(incoming.headers.origin ? { 'access-control-allow-origin': incoming.headers.origin, 'access-control-allow-credentials': 'true' } : {}),
    });
    outgoing.end('{"success":true,"status":"ok"}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const CORS: GatewayCors = {
  allowedOrigins: ['https://app.example'],
  allowedHeaders: ['Authorization', 'Content-Type'],
  allowedMethods: ['GET', 'POST'],
  exposedResponseHeaders: ['ETag', 'Location'],
  allowCredentials: false,
  maxAge: 600,
};

const withGateway = async (cors: GatewayCors | false, run: (gateway: Gateway) => Promise<void>) => {
  const gateway = await startGateway({ target: upstreamUrl, port: 0, cors });
  try {
    await run(gateway);
  } finally {
    await gateway.close();
  }
};

const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('with CORS off (ALLOWED_ORIGINS unset)', () => {
  it('sends no CORS headers, whatever the Origin, and keeps the response as it is', async () => {
    await withGateway(false, async ({ url }) => {
      const response = await fetch(`${url}/api/v1/health`, { headers: { origin: 'https://evil.example' } });
      expect(response.status).toBe(200);
      expect(corsHeaders(response)).toEqual([]);
      expect(await response.json()).toEqual({ success: true, status: 'ok' });
      expect(seen[0]!.headers.origin).toBeUndefined();
    });
  });

  it('lets a preflight reach the routes like any OPTIONS request, with their status', async () => {
    await withGateway(false, async ({ url }) => {
      const response = await fetch(`${url}/api/v1/actors`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
      expect(corsHeaders(response)).toEqual([]);
      expect(seen.map((request) => request.method)).toEqual(['OPTIONS']);
    });
  });
});

describe('with CORS on', () => {
  it('answers a preflight from a listed origin itself: 204, the configured lists, never credentials', async () => {
    await withGateway(CORS, async ({ url }) => {
      const response = await fetch(`${url}/api/v1/actors`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(204);
      expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'GET,POST',
        'access-control-allow-headers': 'Authorization,Content-Type',
        'access-control-max-age': '600',
      });
      expect(seen).toEqual([]);
    });
  });

  it('answers a preflight from another origin with 204 and no CORS headers', async () => {
    await withGateway(CORS, async ({ url }) => {
      const response = await fetch(`${url}/api/v1/actors`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(204);
      expect(corsHeaders(response)).toEqual([]);
      expect(seen).toEqual([]);
    });
  });

  it('adds the origin and exposed headers for a listed origin only, never credentials', async () => {
    await withGateway(CORS, async ({ url }) => {
      const listed = await fetch(`${url}/api/v1/health`, { headers: { origin: 'https://app.example' } });
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(listed.headers.get('access-control-expose-headers')).toBe('ETag,Location');
      expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
      const foreign = await fetch(`${url}/api/v1/health`, { headers: { origin: 'https://evil.example' } });
      expect(corsHeaders(foreign)).toEqual([]);
    });
  });
});

describe('what hapi would answer by itself', () => {
  it('drops Range, If-Range and Cookie, which API Gateway never turns into a partial response or a cookie parse error', async () => {
    await withGateway(false, async ({ url }) => {
      const response = await fetch(`${url}/api/v1/health`, { headers: { range: 'bytes=0-3', 'if-range': '"1"', cookie: '=;;==bad' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('{"success":true,"status":"ok"}');
      expect(seen[0]!.headers.range).toBeUndefined();
      expect(seen[0]!.headers['if-range']).toBeUndefined();
      expect(seen[0]!.headers.cookie).toBeUndefined();
    });
  });

  it('joins a repeated header into one comma-joined value, as API Gateway (payload 2.0) does, instead of dropping all but one', async () => {
    await withGateway(false, async ({ url }) => {
      const target = new URL(url);
      const status = await new Promise<number>((resolve, reject) => {
        const outgoing = request(
          {
            host: target.hostname,
            port: target.port,
            path: '/api/v1/health',
            // An array value goes out as one header line per element.
            headers: { Authorization: ['Bearer one', 'Bearer two'], 'x-trace': ['a', 'b, c'] },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        outgoing.on('error', reject);
        outgoing.end();
      });
      expect(status).toBe(200);
      expect(seen[0]!.headers.authorization).toBe('Bearer one,Bearer two');
      expect(seen[0]!.headers['x-trace']).toBe('a,b, c');
    });
  });

  it("answers a request line Node's parser refuses (a raw non-ASCII byte) with API Gateway's JSON 400", async () => {
    await withGateway(false, async ({ url }) => {
      const raw = await sendRaw(url, getWithRawBytes('/api/v1/actors/', 'é☃'));
      expect(raw.statusLine).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(raw.body)).toEqual({ message: 'Bad Request' });
      expect(seen).toEqual([]);
    });
  });
});

describe('the CORS settings', () => {
  const before = process.env.ALLOWED_ORIGINS;
  afterEach(() => {
    if (before === undefined) delete process.env.ALLOWED_ORIGINS;
    else process.env.ALLOWED_ORIGINS = before;
  });

  it('are the ones serverless.yml deploys (lib/deploy/cors.cjs), read from ALLOWED_ORIGINS', () => {
    delete process.env.ALLOWED_ORIGINS;
    expect(deployedCors()).toBe(false);
    process.env.ALLOWED_ORIGINS = 'https://a.example, https://b.example';
    expect(deployedCors()).toMatchObject({ allowedOrigins: ['https://a.example', 'https://b.example'], allowCredentials: false });
  });
});

