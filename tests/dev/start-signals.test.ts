/**
 * However `npm start` is stopped (Ctrl-C, a closed terminal, `kill`, even
 * SIGKILL of the script itself) and whenever (DynamoDB Local starting,
 * functions bundling, serving), no process it started survives and the port
 * is free again. Each case is one real `npm start --in-memory` on a free port
 * with its own bundle folder, so neither .local/ nor another stack is touched.
 */
import { freePort } from '../../lib/dev/ports';
import { portIsFree, removeFolder, runStart, survivorsAfter, type StartRun } from '../helpers/start-process';

const runs: StartRun[] = [];
const folders: string[] = [];

afterAll(() => {
  for (const run of runs) run.cleanUp();
  for (const folder of folders) removeFolder(folder);
});

const start = async (): Promise<{ run: StartRun; port: number }> => {
  const port = await freePort();
  const buildFolder = `.esbuild-start-${process.pid}-${port}`;
  folders.push(buildFolder);
  const run = runStart('npm', ['start', '--', '--in-memory'], { PORT: String(port), ESBUILD_WORK_FOLDER: buildFolder });
  runs.push(run);
  return { run, port };
};

const running = (run: StartRun, pattern: RegExp) => () => run.seen().some((info) => pattern.test(info.cmdline));
const JAVA = /DynamoDBLocal\.jar/;
const OFFLINE = /serverless offline start/;
const ESBUILD = /esbuild --service/;
const BANNER = 'Press Ctrl-C to stop.';

/** Sends `signal` to the whole process group (a terminal's Ctrl-C or hang-up) or to one process. */
const signal = (run: StartRun, to: 'group' | 'npm' | 'start.ts', name: NodeJS.Signals): void => {
  if (to === 'group') process.kill(-run.child.pid!, name);
  else if (to === 'npm') process.kill(run.child.pid!, name);
  else {
    const script = run.seen().find((info) => info.cmdline.includes('lib/dev/start.ts'));
    process.kill(script!.pid, name);
  }
};

const expectAllGone = async (run: StartRun, port: number): Promise<void> => {
  await run.exited;
  expect(await survivorsAfter(run, 20_000)).toEqual([]);
  expect(await portIsFree(port)).toBe(true);
};

describe('stopping npm start leaves nothing behind', () => {
  test('Ctrl-C (SIGINT to the group) while DynamoDB Local starts', async () => {
    const { run, port } = await start();
    await run.waitUntil('java to start', running(run, JAVA), 60_000);
    expect(run.stdout()).not.toContain('DynamoDB Local:');
    signal(run, 'group', 'SIGINT');
    await expectAllGone(run, port);
  });

  test('Ctrl-C (SIGINT to the group) while serverless-offline bundles the functions', async () => {
    const { run, port } = await start();
    await run.waitUntil('esbuild under serverless-offline', () => running(run, OFFLINE)() && running(run, ESBUILD)(), 120_000);
    expect(run.stdout()).not.toContain(BANNER);
    signal(run, 'group', 'SIGINT');
    await expectAllGone(run, port);
  }, 180_000);

  test('SIGTERM to the npm process while serverless-offline starts', async () => {
    const { run, port } = await start();
    await run.waitUntil('serverless-offline to start', running(run, OFFLINE), 120_000);
    expect(run.stdout()).not.toContain(BANNER);
    signal(run, 'npm', 'SIGTERM');
    await expectAllGone(run, port);
  }, 180_000);

  test('SIGKILL to the start script itself while serverless-offline starts (the reaper stops the rest)', async () => {
    const { run, port } = await start();
    await run.waitUntil('esbuild under serverless-offline', () => running(run, OFFLINE)() && running(run, ESBUILD)(), 120_000);
    expect(run.stdout()).not.toContain(BANNER);
    signal(run, 'start.ts', 'SIGKILL');
    await expectAllGone(run, port);
  }, 180_000);

  test('SIGHUP to the npm process (a closed terminal) once it serves, after a request', async () => {
    const { run, port } = await start();
    await run.waitUntil('the banner', () => run.stdout().includes(BANNER), 170_000);
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(health.status).toBe(200);
    signal(run, 'npm', 'SIGHUP');
    await expectAllGone(run, port);
  }, 240_000);
});
