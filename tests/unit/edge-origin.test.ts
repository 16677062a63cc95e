/**
 * On a stage behind the edge (docs/deploying-and-operating.md#the-edge), a request that did not come
 * through CloudFront (no X-Origin-Verify header with one of the stage's edge
 * keys) is a JSON 403 before anything else runs; without the edge, and in
 * local mode, nothing is checked. Handlers are built with the real middy stack
 * (lib/http/operation.ts) and invoked in-process as Lambda would.
 */
import { createRequire } from 'node:module';
import { ConfigError, EDGE_ORIGIN_HEADER, readEdgeConfig } from '../../lib/config';
import { operation } from '../../lib/http/operation';
import * as routes from '../../lib/http/route-table';
import { withEnv } from '../helpers/env';
import { invoke } from '../helpers/invoke';

const FIRST_KEY = 'f'.repeat(40);
const SECOND_KEY = 's'.repeat(32);
/** What Lambda sets in every real function: the code is not in local mode, whatever else the environment says. */
const IN_LAMBDA = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

const saved = process.env;

afterEach(() => {
  process.env = saved;
});

/** Sets the environment for handlers built (and first invoked) after it, until the test ends. */
const setEnv = (env: Record<string, string | undefined>) => {
  process.env = Object.fromEntries(Object.entries({ ...saved, ...env }).filter(([, value]) => value !== undefined));
};

const healthHandler = () => operation(routes.health, () => ({ status: 'ok' as const }));
/** An authenticated operation whose handler must never run here. */
const getActorHandler = () =>
  operation(routes.getActor, () => {
    throw new Error('the handler ran');
  });

describe('readEdgeConfig', () => {
  it('reads the comma-separated keys in a deployed function', () => {
    expect(withEnv({ ...IN_LAMBDA, EDGE_ORIGIN_KEYS: ` ${FIRST_KEY} , ${SECOND_KEY} ` }, readEdgeConfig)).toEqual({ originKeys: [FIRST_KEY, SECOND_KEY] });
  });

  it('is off without EDGE_ORIGIN_KEYS (a stage without the edge)', () => {
    expect(withEnv({ ...IN_LAMBDA, EDGE_ORIGIN_KEYS: undefined }, readEdgeConfig)).toBeUndefined();
    expect(withEnv({ ...IN_LAMBDA, EDGE_ORIGIN_KEYS: '  ' }, readEdgeConfig)).toBeUndefined();
  });

  it('is off in local mode, even with keys set', () => {
    expect(withEnv({ AWS_EXECUTION_ENV: undefined, ENSEMBLE_TEST: 'true', EDGE_ORIGIN_KEYS: FIRST_KEY }, readEdgeConfig)).toBeUndefined();
  });

  it.each([['short'], [`${FIRST_KEY},`], [`${FIRST_KEY},${'x'.repeat(31)}`]])('refuses %j, naming the variable', (value) => {
    const read = () => withEnv({ ...IN_LAMBDA, EDGE_ORIGIN_KEYS: value }, readEdgeConfig);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow('EDGE_ORIGIN_KEYS must be a comma-separated list of keys of at least 32 characters each.');
  });
});

describe('a deployed function behind the edge', () => {
  beforeEach(() => setEnv({ ...IN_LAMBDA, EDGE_ORIGIN_KEYS: `${FIRST_KEY},${SECOND_KEY}` }));

  it.each([
    ['no X-Origin-Verify header', {}],
    ['a wrong key', { 'x-origin-verify': 'w'.repeat(40) }],
    ['a key cut short', { 'x-origin-verify': FIRST_KEY.slice(0, 39) }],
    ['both keys joined, as a duplicated header arrives', { 'x-origin-verify': `${FIRST_KEY},${SECOND_KEY}` }],
  ])('refuses a request with %s: a JSON 403 in the error format', async (_what, headers) => {
    const result = await invoke(healthHandler(), { path: '/api/v1/health', headers });
    expect(result.status).toBe(403);
    expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(result.body).toEqual({
      success: false,
      error: 403,
      message: "Send requests to this stage's public address, not to the API's own.",
      request_id: expect.any(String),
    });
    // Not a token problem: no bearer challenge.
    expect(result.headers).not.toHaveProperty('www-authenticate');
  });

  it.each([
    ['the first key', FIRST_KEY],
    ['the second key (the one being rotated out or in)', SECOND_KEY],
  ])('serves a request carrying %s', async (_what, key) => {
    const result = await invoke(healthHandler(), { path: '/api/v1/health', headers: { 'x-origin-verify': key } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ success: true, status: 'ok' });
  });

  it('refuses before the token is looked at: no header and no token is a 403, not a 401, and the handler never runs', async () => {
    const result = await invoke(getActorHandler(), { path: '/api/v1/actors/x', pathParameters: { id: 'x' } });
    expect(result.status).toBe(403);
    expect(result.body.message).toBe("Send requests to this stage's public address, not to the API's own.");
  });

  it('reads its settings once: a key changed under a warm function does not change what it accepts', async () => {
    const handler = healthHandler();
    expect((await invoke(handler, { path: '/api/v1/health', headers: { 'x-origin-verify': FIRST_KEY } })).status).toBe(200);
    process.env = { ...process.env, EDGE_ORIGIN_KEYS: 'n'.repeat(32) };
    expect((await invoke(handler, { path: '/api/v1/health', headers: { 'x-origin-verify': FIRST_KEY } })).status).toBe(200);
    expect((await invoke(handler, { path: '/api/v1/health', headers: { 'x-origin-verify': 'n'.repeat(32) } })).status).toBe(403);
  });
});

describe('without the edge', () => {
  it('a deployed function checks nothing', async () => {
    setEnv({ ...IN_LAMBDA, EDGE_ORIGIN_KEYS: undefined });
    expect((await invoke(healthHandler(), { path: '/api/v1/health' })).status).toBe(200);
  });

  it('local mode checks nothing, even with keys in the environment', async () => {
    setEnv({ AWS_EXECUTION_ENV: undefined, EDGE_ORIGIN_KEYS: FIRST_KEY });
    expect((await invoke(healthHandler(), { path: '/api/v1/health' })).status).toBe(200);
  });
});

describe('the header the functions check', () => {
  it('is the one CloudFront is told to send (lib/deploy/edge.cjs), as API Gateway hands it over: lower-cased', () => {
    const { edgeResources } = createRequire(import.meta.url)('../../lib/deploy/edge.cjs') as {
      edgeResources: (options: Record<string, unknown>) => { resources: Record<string, any> };
    };
    const { resources } = edgeResources({ stackName: 'ensemble-prod', webAclArn: undefined, originKey: FIRST_KEY, perAddress: { all: 1500, documents: 100 } });
    const origins = resources.EdgeDistribution.Properties.DistributionConfig.Origins as { OriginCustomHeaders: { HeaderName: string; HeaderValue: string }[] }[];
    const headers = origins.flatMap((origin) => origin.OriginCustomHeaders);
    expect(headers).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: FIRST_KEY }]);
    expect(EDGE_ORIGIN_HEADER).toBe('x-origin-verify');
  });
});
