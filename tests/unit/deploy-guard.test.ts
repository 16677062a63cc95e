/**
 * `serverless package` (and so `deploy`) stops before it builds anything when
 * a stage is not fit to deploy: proof that serverless.yml loads both guard
 * plugins and that their hook runs first. Which settings each refuses, and
 * the message it gives, is tests/unit/deploy-guard-rules.test.ts (their hooks
 * called directly, milliseconds instead of a Serverless start each); that a
 * fully configured stage packages is tests/unit/cloudformation.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const outDirs: string[] = [];
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

// A refused run writes nothing, so it needs no turn at .serverless/ (tests/helpers/packaging-lock.ts).
const packageStage = (env: Record<string, string | undefined>) => {
  const outDir = mkdtempSync(join(tmpdir(), 'ensemble-package-'));
  outDirs.push(outDir);
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
    ['lib/deploy/require-auth0.cjs', {}, 'Refusing to package or deploy: set AUTH0_DOMAIN and API_AUDIENCE'],
    [
      'lib/deploy/edge.cjs',
      { AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: 'https://ensemble', CURSOR_KEYS: 'c'.repeat(32) },
      "Refusing to package or deploy: set EDGE_ORIGIN_KEYS to this stage's edge keys",
    ],
  ] as [string, Record<string, string>, string][])('stops in %s with %j, exits non-zero, and builds nothing', (_plugin, env, message) => {
    const result = packageStage(env);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(message);
    expect(readdirSync(result.outDir)).toEqual([]);
    expect(existsSync(join(result.outDir, 'cloudformation-template-update-stack.json'))).toBe(false);
  });
});
