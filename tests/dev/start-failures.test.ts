/**
 * `npm start` where a newcomer's machine is not ready: the port is taken, or
 * Java is missing or broken. Each must end at once with one line saying what
 * to do, and leave nothing running.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../lib/dev/ports';
import { runStart, survivorsAfter, type StartRun } from '../helpers/start-process';

const JAVA_HINT =
  'DynamoDB Local needs Java 17 or later: install a JDK or JRE 17+ (e.g. `sudo apt-get install openjdk-17-jre-headless`, or `brew install openjdk@17`) and check `java -version`.';

const runs: StartRun[] = [];
const servers: (HttpServer | TcpServer)[] = [];

afterAll(async () => {
  for (const run of runs) run.cleanUp();
  await Promise.all(
    servers.map((server) => {
      // An old stack's readiness probe may have left a keep-alive connection open.
      if ('closeAllConnections' in server) server.closeAllConnections();
      return new Promise((done) => server.close(done));
    }),
  );
});

const listening = <T extends HttpServer | TcpServer>(server: T, port: number, host: string): Promise<T> =>
  new Promise((done, fail) => {
    servers.push(server);
    server.once('error', fail);
    server.listen(port, host, () => done(server));
  });

const npmStart = (port: number): StartRun => {
  const run = runStart('npm', ['start', '--', '--in-memory'], { PORT: String(port) });
  runs.push(run);
  return run;
};

/** The command `npm start` runs (with the Node it runs on), with a PATH of our choosing: npm itself needs node on PATH. */
const startScript = (port: number, path: string): StartRun => {
  const run = runStart(resolve('node_modules/.bin/node'), ['--import', 'tsx', 'lib/dev/start.ts', '--in-memory'], { PORT: String(port), PATH: path });
  runs.push(run);
  return run;
};

const stderrLines = (run: StartRun): string[] => run.stderr().split('\n').filter((line) => line.trim() !== '');

const expectNothingStarted = async (run: StartRun): Promise<void> => {
  expect(run.stdout()).not.toContain('Ensemble is running');
  expect(run.stdout()).not.toContain('DynamoDB Local:');
  expect(run.seen().filter((info) => info.cmdline.includes('DynamoDBLocal.jar'))).toEqual([]);
  expect(await survivorsAfter(run, 10_000)).toEqual([]);
};

/** npm start refused the taken port at once: one line, exit 1, no stack trace, nothing started. */
const expectPortInUse = async (run: StartRun, port: number): Promise<void> => {
  expect(await run.exited).toEqual({ code: 1, signal: null });
  expect(stderrLines(run)[0]).toBe(
    `npm start failed: port ${port} is in use: stop whatever listens there (an earlier npm start?), or choose another port, e.g. PORT=${port + 1} npm start.`,
  );
  expect(run.stderr()).not.toMatch(/EADDRINUSE|\n\s+at /);
  await expectNothingStarted(run);
};

describe('npm start on a port that is taken', () => {
  test('by an earlier npm start (its /health answers): exits 1 saying so, before DynamoDB Local starts', async () => {
    const port = await freePort();
    // Like our own stack: answers the readiness probe, on every address as a plain node server does.
    await listening(
      createHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"status":"ok"}');
      }),
      port,
      '::',
    );
    await expectPortInUse(npmStart(port), port);
  });

  test('by another program on 127.0.0.1: exits 1 saying so, with no stack trace', async () => {
    const port = await freePort();
    await listening(createTcpServer(), port, '127.0.0.1');
    await expectPortInUse(npmStart(port), port);
  });
});

describe('npm start without a working Java', () => {
  test('no java on PATH: exits 1 with one line saying Java 17+ is missing and how to install it', async () => {
    const emptyBin = mkdtempSync(join(tmpdir(), 'ensemble-no-java-'));
    const run = startScript(await freePort(), emptyBin);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(stderrLines(run)).toEqual([`npm start failed: Java was not found (no \`java\` on PATH). ${JAVA_HINT}`]);
    expect(await survivorsAfter(run, 10_000)).toEqual([]);
  });

  test('a java that exits at once (too old, broken): exits 1 saying DynamoDB Local could not start and Java 17+ is needed', async () => {
    const fakeBin = mkdtempSync(join(tmpdir(), 'ensemble-bad-java-'));
    writeFileSync(join(fakeBin, 'java'), '#!/bin/sh\necho "Error: this is not the Java you need" >&2\nexit 3\n');
    chmodSync(join(fakeBin, 'java'), 0o755);
    const run = startScript(await freePort(), fakeBin);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(stderrLines(run)).toEqual([`npm start failed: DynamoDB Local could not start (java exited with code 3). ${JAVA_HINT}`]);
    expect(await survivorsAfter(run, 10_000)).toEqual([]);
  });
});
