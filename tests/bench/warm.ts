/**
 * §7 warm overhead: handlers invoked in this process against DynamoDB Local,
 * each request timed whole, minus the wall-clock time its DynamoDB sends took
 * (the union of their intervals, since a list sends two at once).
 */
import { constants, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantile, unionLength } from './stats';
import { httpEvent, lambdaContext, type Instrumented } from './instrument';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface WarmResult {
  name: string;
  requests: number;
  /** µs */
  total: { p50: number; p99: number };
  db: { p50: number; p99: number };
  overhead: { p50: number; p99: number };
  /** Handler time minus the whole db.send calls (the SDK resolving its middleware stack counts as DB time too). */
  overheadWholeSend: { p50: number; p99: number };
  /** Handler time minus only the HTTP exchanges with DynamoDB: SDK marshalling, signing and parsing count as overhead. */
  strictOverhead: { p50: number; p99: number };
  dbCallsPerRequest: number;
}

const summary = (values: number[]) => ({ p50: quantile(values, 0.5), p99: quantile(values, 0.99) });

export const measureWarm = async (
  instrumented: Instrumented,
  name: keyof Instrumented['handlers'],
  makeEvent: (index: number) => APIGatewayProxyEventV2,
  expectedStatus: number,
  warmup: number,
  requests: number,
  /** How the row is named in the report, when it is not just the handler. */
  label: string = name,
): Promise<WarmResult> => {
  const handler = instrumented.handlers[name];
  const totals: number[] = [];
  const dbTimes: number[] = [];
  const overheads: number[] = [];
  const strict: number[] = [];
  const wholeSend: number[] = [];
  let calls = 0;
  for (let index = 0; index < warmup + requests; index += 1) {
    const event = makeEvent(index);
    const context = lambdaContext();
    instrumented.reset();
    const started = performance.now();
    const response = await handler(event, context);
    const elapsed = performance.now() - started;
    if (response.statusCode !== expectedStatus) {
      throw new Error(`${name}: request ${index} answered ${response.statusCode}, not ${expectedStatus}: ${response.body}`);
    }
    if (index < warmup) continue;
    const db = unionLength(instrumented.seen.sends);
    const wire = unionLength(instrumented.seen.wire);
    const sendCalls = unionLength(instrumented.seen.sendCalls);
    calls += instrumented.seen.sends.length;
    totals.push(elapsed * 1000);
    dbTimes.push(db * 1000);
    overheads.push((elapsed - db) * 1000);
    strict.push((elapsed - wire) * 1000);
    wholeSend.push((elapsed - sendCalls) * 1000);
  }
  return {
    name: label,
    requests,
    total: summary(totals),
    db: summary(dbTimes),
    overhead: summary(overheads),
    overheadWholeSend: summary(wholeSend),
    strictOverhead: summary(strict),
    dbCallsPerRequest: calls / requests,
  };
};

export const events = {
  getActor: (token: string, ids: string[]) => (index: number) => {
    const id = ids[index % ids.length]!;
    return httpEvent({ method: 'GET', path: `/api/v1/actors/${id}`, token, pathParameters: { id } });
  },
  /** Every request with a token this instance has never seen: no help from the verified-token cache. */
  getActorNewTokens: (tokens: string[], ids: string[]) => (index: number) => {
    const id = ids[index % ids.length]!;
    return httpEvent({ method: 'GET', path: `/api/v1/actors/${id}`, token: tokens[index]!, pathParameters: { id } });
  },
  listActors: (token: string) => () => httpEvent({ method: 'GET', path: '/api/v1/actors', token, query: { limit: '20' } }),
  createActor: (token: string) => (index: number) =>
    httpEvent({
      method: 'POST',
      path: '/api/v1/actors',
      token,
      body: { name: `Warm Bench Actor ${index}`, gender: 'female', birth_date: '1980-05-17' },
    }),
};

export interface VerifyResult {
  runs: number;
  p50: number;
  p99: number;
}

/** One RS256 signature check (node:crypto, 2048-bit key) of the very token the handlers receive, µs. */
export const measureRs256 = (token: string, keysDir: string, warmup: number, runs: number): VerifyResult => {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const jwks = JSON.parse(readFileSync(join(keysDir, 'jwks.json'), 'utf8')) as { keys: Record<string, string>[] };
  const key = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' });
  if (key.asymmetricKeyDetails?.modulusLength !== 2048) throw new Error('The local key is not a 2048-bit RSA key.');
  const data = Buffer.from(`${header}.${payload}`);
  const signatureBytes = Buffer.from(signature, 'base64url');
  const times: number[] = [];
  for (let index = 0; index < warmup + runs; index += 1) {
    const started = performance.now();
    const valid = verify('RSA-SHA256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signatureBytes);
    const elapsed = performance.now() - started;
    if (!valid) throw new Error('The token signature did not verify.');
    if (index >= warmup) times.push(elapsed * 1000);
  }
  return { runs, ...summary(times) };
};
