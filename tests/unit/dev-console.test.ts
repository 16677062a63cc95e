/**
 * What `npm start` shows of serverless-offline's output (lib/dev/console.ts),
 * on lines copied from a real run of serverless-offline 14.
 */
import { formatRequest, lineSplitter, outputFormat, presentLine } from '../../lib/dev/console';

const REQUEST =
  '{"level":"INFO","message":"Request","timestamp":"2026-12-03T15:49:07.461Z","service":"ensemble","request_id":"46b9e57b-0717-4b54-b39b-76984fd57b36","route":"GET /api/v1/actors/{id}","method":"GET","status":200,"latency_ms":12,"sub":"local|executive-producer"}';
const AUDIT =
  '{"level":"INFO","message":"Audit","timestamp":"2026-12-03T15:48:50.088Z","service":"ensemble","operation":"actor.create","record_id":"01M8Y9G5D6H2MTHVTQPFKF6VSF","version_before":null,"version_after":1,"linked_ids":[],"_aws":{"Timestamp":1796312930088,"CloudWatchMetrics":[]},"Operation":"actor.create","Writes":1}';
const ERROR = '{"level":"ERROR","message":"Unexpected error","timestamp":"2026-12-03T15:49:07.461Z","service":"ensemble","request_id":"r-1","error":{"name":"TypeError","message":"boom"}}';

const CHATTER = [
  '',
  '┌──────────────────────────────────────────────────────────────────────────────┐',
  '│   GET    | http://127.0.0.1:45745/api/v1/health                              │',
  '│   http://127.0.0.1:45745/2015-03-31/functions/listActors/invocations         │',
  '└──────────────────────────────────────────────────────────────────────────────┘',
  'Starting Offline at stage dev (us-east-1)',
  'Offline [http for lambda] listening on http://127.0.0.1:37487',
  'Function names exposed for local invocation by aws-sdk:',
  '   * health: ensemble-dev-health',
  'Server ready: http://127.0.0.1:45745 🚀',
  'GET /api/v1/health (λ: health)',
  '(λ: health) RequestId: 46b9e57b-0717-4b54-b39b-76984fd57b36  Duration: 177.90 ms  Billed Duration: 178 ms',
  '\u001b[33m│\u001b[39m   GET    | http://127.0.0.1:45745/api/v1/docs   \u001b[33m│\u001b[39m',
];

describe('presentLine', () => {
  it.each(['pretty', 'json'] as const)('drops serverless-offline’s chatter, the route box with its internal port above all (%s)', (format) => {
    for (const line of CHATTER) expect([line, presentLine(line, format)]).toEqual([line, undefined]);
  });

  it('turns a request line into one readable line: method, route, status, time, caller', () => {
    const shown = presentLine(REQUEST, 'pretty')!;
    expect(shown).toMatch(/^GET +\/api\/v1\/actors\/\{id\} +200 +12 ms +local\|executive-producer$/);
    expect(shown).not.toContain('{"');
  });

  it('names no caller on a public request, and the reason of a rejection', () => {
    const line = JSON.parse(REQUEST);
    delete line.sub;
    expect(formatRequest({ ...line, route: 'GET /api/v1/health', status: 401, reason: 'missing_token' })).toMatch(/^GET +\/api\/v1\/health +401 +12 ms +- +\(missing_token\)$/);
  });

  it('keeps the JSON lines as they are in json format, and shows no audit line in pretty format', () => {
    for (const line of [REQUEST, AUDIT, ERROR]) expect(presentLine(line, 'json')).toBe(line);
    expect(presentLine(AUDIT, 'pretty')).toBeUndefined();
  });

  it('leaves a rejected token’s warning to the request line that follows it, and names the catch-all’s route', () => {
    const warning = '{"level":"WARN","message":"Access token rejected","timestamp":"2026-12-03T16:15:49.001Z","service":"ensemble","request_id":"d4","status":401,"reason":"This request needs an access token."}';
    expect(presentLine(warning, 'pretty')).toBeUndefined();
    expect(presentLine(warning, 'json')).toBe(warning);
    expect(formatRequest({ ...JSON.parse(REQUEST), route: '$default', status: 404 })).toMatch(/^GET +\(no such route\) +404 /);
  });

  it('shows an error readably, with its fields', () => {
    expect(presentLine(ERROR, 'pretty')).toBe('ERROR Unexpected error {"request_id":"r-1","error":{"name":"TypeError","message":"boom"}}');
  });

  it('passes on whatever it does not know (a build error, a crash) unchanged', () => {
    for (const line of ['✘ [ERROR] Could not resolve "zod"', 'Error: listen EADDRINUSE', '{ not json', '{"level":"INFO","service":"other"}']) {
      expect(presentLine(line, 'pretty')).toBe(line);
      expect(presentLine(line, 'json')).toBe(line);
    }
  });

  it('hides request lines while asked to (start-up’s readiness probes), in either format', () => {
    expect(presentLine(REQUEST, 'pretty', { requests: false })).toBeUndefined();
    expect(presentLine(REQUEST, 'json', { requests: false })).toBeUndefined();
    expect(presentLine(ERROR, 'pretty', { requests: false })).toBeDefined();
  });
});

describe('outputFormat', () => {
  it('is readable on a terminal, JSON otherwise, and JSON whenever asked', () => {
    expect(outputFormat({ json: false, logFormat: undefined, isTty: true })).toBe('pretty');
    expect(outputFormat({ json: false, logFormat: undefined, isTty: false })).toBe('json');
    expect(outputFormat({ json: true, logFormat: undefined, isTty: true })).toBe('json');
    expect(outputFormat({ json: false, logFormat: 'JSON', isTty: true })).toBe('json');
    expect(outputFormat({ json: false, logFormat: 'pretty', isTty: false })).toBe('pretty');
    expect(outputFormat({ json: true, logFormat: 'pretty', isTty: true })).toBe('json');
  });
});

describe('lineSplitter', () => {
  it('hands over whole lines whatever the chunks, and the last unterminated one at the end', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    for (const chunk of ['{"a":', '1}\nsecond\r\n', 'thi', 'rd']) splitter.push(chunk);
    expect(lines).toEqual(['{"a":1}', 'second']);
    splitter.end();
    expect(lines).toEqual(['{"a":1}', 'second', 'third']);
  });
});
