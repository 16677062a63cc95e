/** `serverless package` (and so `deploy`) only ever builds a stage that verifies real Auth0 tokens. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acquirePackaging, releasePackaging } from '../helpers/packaging-lock';

// The packaged CloudFormation test packages in parallel with this file: they take turns at .serverless/.
beforeAll(acquirePackaging, 600_000);
afterAll(releasePackaging);

const packageStage = (env: Record<string, string | undefined>) => {
  const outDir = mkdtempSync(join(tmpdir(), 'ensemble-package-'));
  const {
    AUTH0_DOMAIN: _domain,
    API_AUDIENCE: _audience,
    CURSOR_KEYS: _cursorKeys,
    EDGE: _edge,
    EDGE_ORIGIN_KEYS: _edgeKeys,
    EDGE_WEB_ACL_ARN: _webAcl,
    AWS_REGION: _region,
    ...inherited
  } = process.env;
  const result = spawnSync(resolve('node_modules/.bin/serverless'), ['package', '--stage', 'guardtest', '--package', outDir], {
    env: { ...inherited, SLS_TELEMETRY_DISABLED: '1', ESBUILD_WORK_FOLDER: '.esbuild-package-test', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { ...result, output: `${result.stdout}${result.stderr}`, outDir };
};

describe('packaging a stage', () => {
  it.each([
    [{}, 'AUTH0_DOMAIN and API_AUDIENCE'],
    [{ AUTH0_DOMAIN: 'tenant.eu.auth0.com' }, 'API_AUDIENCE'],
    [{ API_AUDIENCE: 'https://ensemble' }, 'AUTH0_DOMAIN'],
    [{ AUTH0_DOMAIN: '  ', API_AUDIENCE: 'https://ensemble' }, 'AUTH0_DOMAIN'],
  ])('refuses with %j, naming what is missing', (env, missing) => {
    const result = packageStage(env);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`Refusing to package or deploy: set ${missing}`);
    expect(existsSync(join(result.outDir, 'cloudformation-template-update-stack.json'))).toBe(false);
  });

  it.each([
    [{}, 'unset'],
    [{ CURSOR_KEYS: `${'k'.repeat(32)},short` }, 'a key of fewer than 32 characters'],
  ] as [Record<string, string>, string][])('refuses with the Auth0 settings but CURSOR_KEYS %j (%s), naming it', (env) => {
    const result = packageStage({ AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: 'https://ensemble', ...env });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Refusing to package or deploy: set CURSOR_KEYS');
    expect(existsSync(join(result.outDir, 'cloudformation-template-update-stack.json'))).toBe(false);
  });

  const READY = { AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: 'https://ensemble', CURSOR_KEYS: 'c'.repeat(32) };
  const EDGE_KEY = 'k'.repeat(32);

  // guardtest is a kept stage: it has the edge (docs/deploying-and-operating.md#the-edge) unless EDGE=off.
  it.each([
    [{}, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE_ORIGIN_KEYS: 'short' }, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE: 'on' }, 'EDGE_ORIGIN_KEYS'],
    [{ EDGE: 'maybe', EDGE_ORIGIN_KEYS: EDGE_KEY }, 'EDGE to on or off'],
    [{ EDGE_ORIGIN_KEYS: EDGE_KEY, AWS_REGION: 'eu-west-1' }, 'EDGE_WEB_ACL_ARN'],
    [{ EDGE_ORIGIN_KEYS: EDGE_KEY, AWS_REGION: 'eu-west-1', EDGE_WEB_ACL_ARN: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/1' }, 'EDGE_WEB_ACL_ARN'],
  ] as [Record<string, string>, string][])('refuses a kept stage with the edge on and %j, naming %s', (env, missing) => {
    const result = packageStage({ ...READY, ...env });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`Refusing to package or deploy: set ${missing}`);
    expect(existsSync(join(result.outDir, 'cloudformation-template-update-stack.json'))).toBe(false);
  });

  it('builds one bundle per function, configured for Auth0 and with its cursor keys, when all are set', () => {
    const cursorKeys = `${'n'.repeat(40)},${'o'.repeat(40)}`;
    // The edge switched off on a kept stage: allowed, and then nothing of it is built.
    const result = packageStage({ AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: 'https://ensemble', CURSOR_KEYS: cursorKeys, EDGE: 'off' });
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(result.outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL']) {
      expect(Object.values(template.Resources).filter((resource: any) => resource.Type === type)).toEqual([]);
    }
    const functions = Object.values(template.Resources).filter((resource: any) => resource.Type === 'AWS::Lambda::Function') as any[];
    expect(functions).toHaveLength(23);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Environment.Variables).toMatchObject({
        AUTH0_DOMAIN: 'tenant.eu.auth0.com',
        API_AUDIENCE: 'https://ensemble',
        CURSOR_KEYS: cursorKeys,
      });
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('EDGE_ORIGIN_KEYS');
    }
    expect(new Set(functions.map((fn) => fn.Properties.Code.S3Key)).size).toBe(23);
  });
});
