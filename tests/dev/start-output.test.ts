/**
 * What `npm start` prints: no JSON while it seeds, no serverless-offline
 * route box (whose addresses bypass the API Gateway stand-in), a short
 * banner with the address, a token per role and example calls, then one
 * line per request: readable when asked as on a terminal (LOG_FORMAT=pretty:
 * the tests' output is a pipe), the functions' JSON lines with `--json`.
 * Each run is a real `npm start --in-memory` on a free port with its own bundle folder.
 */
import { freePort } from '../../lib/dev/ports';
import { removeFolder, runStart, type StartRun } from '../helpers/start-process';

const runs: StartRun[] = [];
const folders: string[] = [];

afterAll(() => {
  for (const run of runs) run.cleanUp();
  for (const folder of folders) removeFolder(folder);
});

const BANNER_END = 'Press Ctrl-C to stop.';
const ROLES = ['casting-assistant', 'casting-director', 'executive-producer'];

/** Starts npm start, waits for its banner, sends three requests (public, authorised, rejected), and stops it. */
const session = async (args: string[], env: Record<string, string>, isRequestLine: (line: string) => boolean) => {
  const port = await freePort();
  const buildFolder = `.esbuild-start-${process.pid}-${port}`;
  folders.push(buildFolder);
  // LOG_LEVEL: the stack project's global setup silences the functions for the whole jest process, and npm start inherits it.
  const run = runStart('npm', ['start', '--', '--in-memory', ...args], { PORT: String(port), ESBUILD_WORK_FOLDER: buildFolder, LOG_LEVEL: 'INFO', ...env });
  runs.push(run);
  await run.waitUntil('the banner', () => run.stdout().includes(BANNER_END), 200_000);
  const banner = run.stdout();
  const token = new RegExp(`^ +executive-producer +(eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]+)$`, 'm').exec(banner)?.[1];
  expect(token).toBeDefined();
  const api = `http://127.0.0.1:${port}/api/v1`;
  expect((await fetch(`${api}/health`)).status).toBe(200);
  expect((await fetch(`${api}/actors`, { headers: { authorization: `Bearer ${token!}` } })).status).toBe(200);
  expect((await fetch(`${api}/movies`)).status).toBe(401);
  // The request lines come from serverless-offline's output, a moment after the responses.
  const after = () => run.stdout().slice(banner.length).split('\n').filter((line) => line.trim() !== '');
  await run.waitUntil('three request lines', () => after().filter(isRequestLine).length >= 3, 30_000);
  await new Promise((done) => setTimeout(done, 500));
  process.kill(-run.child.pid!, 'SIGINT');
  await run.exited;
  return { port, banner, after: after(), stderr: run.stderr() };
};

/** Every http address printed, but the API's and DynamoDB Local's: serverless-offline's internal ones. */
const internalAddresses = (text: string, port: number): string[] =>
  [...text.matchAll(/https?:\/\/[\w.]+:(\d+)/g)]
    .filter(([url, found]) => Number(found) !== port && !text.includes(`DynamoDB Local: ${url}`))
    .map(([url]) => url);

describe('npm start output', () => {
  test('on a terminal: no JSON, no route box, a short banner, one readable line per request', async () => {
    const { port, banner, after, stderr } = await session([], { LOG_FORMAT: 'pretty' }, (line) => / ms /.test(line));
    const everything = `${banner}\n${after.join('\n')}\n${stderr}`;
    expect(everything).not.toMatch(/^\{"/m);
    expect(everything).not.toContain('invocations');
    expect(everything).not.toMatch(/[┌│└]/);
    expect(everything).not.toContain('λ');
    expect(internalAddresses(everything, port)).toEqual([]);
    expect(banner).toContain(`Ensemble is running at http://localhost:${port}/api/v1`);
    for (const role of ROLES) expect(banner).toMatch(new RegExp(`^ +${role} +eyJ`, 'm'));
    expect(banner).toContain(`curl -H "Authorization: Bearer $TOKEN" http://localhost:${port}/api/v1/actors`);
    const bannerLines = banner.slice(banner.indexOf('Ensemble is running')).trim().split('\n');
    expect(bannerLines.length).toBeLessThanOrEqual(16);
    expect(after).toEqual([
      expect.stringMatching(/^GET +\/api\/v1\/health +200 +\d+ ms +-$/),
      expect.stringMatching(/^GET +\/api\/v1\/actors +200 +\d+ ms +local\|executive-producer$/),
      expect.stringMatching(/^GET +\/api\/v1\/movies +401 +\d+ ms +- +\(\w+\)$/),
    ]);
  }, 240_000);

  test('with --json: the functions’ JSON lines, one per request, and still no route box', async () => {
    const { port, banner, after, stderr } = await session(['--json'], {}, (line) => line.includes('"message":"Request"'));
    expect(`${banner}\n${stderr}`).not.toMatch(/^\{"/m);
    expect(`${banner}\n${after.join('\n')}\n${stderr}`).not.toContain('λ');
    expect(internalAddresses(`${banner}\n${stderr}`, port)).toEqual([]);
    // Every line is JSON; the request lines come with the rejected token's warning.
    const lines = after.map((line) => JSON.parse(line)).filter((line) => line.message === 'Request');
    expect(lines).toEqual([
      expect.objectContaining({ message: 'Request', route: 'GET /api/v1/health', status: 200 }),
      expect.objectContaining({ message: 'Request', route: 'GET /api/v1/actors', status: 200, sub: 'local|executive-producer' }),
      expect.objectContaining({ message: 'Request', route: 'GET /api/v1/movies', status: 401 }),
    ]);
  }, 240_000);
});
