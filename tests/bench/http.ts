/**
 * §7 HTTP through serverless-offline: autocannon against GET /api/v1/actors/{id}
 * of the real service, and of the bench-only service that serves the bare
 * handler (tests/bench/serverless.yml), one after the other in the same run,
 * on the same DynamoDB Local and the same actor.
 */
import autocannon from 'autocannon';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startOffline } from '../../lib/dev/offline';
import { freePort, sleep, waitFor } from '../../lib/dev/ports';
import { startProcess, type Started } from '../../lib/dev/processes';
import type { Bundle } from './bundles';

export interface MemorySample {
  /** kB: the serverless-offline process itself, which runs the handlers in its worker threads */
  serverKb: number;
  /** kB, summed over every process of the server's process group (also serverless-esbuild's esbuild service) */
  groupKb: number;
  /** names of the group's processes */
  processes: string[];
  /** threads of the serverless-offline process: one per Lambda instance, plus Node's own */
  threads: number;
}

export interface HttpResult {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  errors: number;
  /** the warm-up burst at the same concurrency (its errors count too) */
  warmupRequests: number;
  warmupErrors: number;
  /** after the warm-up burst, before the measured run */
  memoryBefore: MemorySample;
  memoryAfter: MemorySample;
  /** RSS of the serverless-offline process sampled every second during the measured run, kB */
  rssTimeline: number[];
  /** RSS of the serverless-offline process halfway through the measured run, kB */
  rssMidway: number;
  /** serverless-esbuild rebuilt the handler during the run (a source file changed): instances were replaced mid-run */
  rebuiltDuringRun: boolean;
}

/** RSS of every process in the group led by `leader` (our detached child and whatever it started). */
const groupMemory = (leader: number): MemorySample => {
  let serverKb = 0;
  let groupKb = 0;
  const processes: string[] = [];
  let threads = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== leader) continue; // pgrp
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      groupKb += rss;
      processes.push(/Name:\s+(\S+)/.exec(status)?.[1] ?? '?');
      if (Number(entry) === leader) {
        serverKb = rss;
        threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return { serverKb, groupKb, processes, threads };
};

const startBareOffline = async (env: Record<string, string>, buildFolder: string): Promise<Started & { url: string }> => {
  const httpPort = await freePort();
  const lambdaPort = await freePort();
  const started = startProcess(
    resolve('node_modules/.bin/serverless'),
    ['offline', 'start', '--stage', 'bench', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort), '--host', '127.0.0.1'],
    {
      cwd: resolve('tests/bench'),
      env: { ...process.env, ...env, ESBUILD_WORK_FOLDER: buildFolder, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await waitFor(
      `the bare service on port ${httpPort}`,
      async () => {
        if (started.process.exitCode !== null) throw new Error('serverless-offline (bare service) exited during start-up.');
        await fetch(`${url}/api/v1/actors/none`);
        return true;
      },
      120_000,
    );
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { ...started, url };
};

const load = (url: string, headers: Record<string, string>, connections: number, seconds: number) =>
  autocannon({ url, connections, duration: seconds, headers, timeout: 10 });

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Number.NaN;
  }
};

const measure = async (
  label: string,
  server: Started & { url: string },
  bundle: string,
  path: string,
  headers: Record<string, string>,
  options: { connections: number; seconds: number; warmupSeconds: number },
): Promise<HttpResult> => {
  const url = `${server.url}${path}`;
  const first = await fetch(url, { headers });
  if (first.status !== 200) throw new Error(`${label}: GET ${path} answered ${first.status}: ${await first.text()}`);
  // Bring up every Lambda instance the concurrency calls for before taking the "before" figure.
  const warm = await load(url, headers, options.connections, options.warmupSeconds);
  await sleep(1000);
  const leader = server.process.pid!;
  const builtAt = mtime(bundle);
  if (Number.isNaN(builtAt)) throw new Error(`${label}: no bundle at ${bundle}`);
  const memoryBefore = groupMemory(leader);
  const rssTimeline: number[] = [];
  const sampler = setInterval(() => rssTimeline.push(groupMemory(leader).serverKb), 1000);
  let rssMidway = Number.NaN;
  const midway = setTimeout(() => {
    rssMidway = groupMemory(leader).serverKb;
  }, (options.seconds * 1000) / 2);
  const result = await load(url, headers, options.connections, options.seconds);
  clearInterval(sampler);
  clearTimeout(midway);
  await sleep(1000);
  const memoryAfter = groupMemory(leader);
  const rebuiltDuringRun = mtime(bundle) !== builtAt;
  return {
    label,
    connections: options.connections,
    seconds: options.seconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    errors: result.non2xx + result.errors,
    warmupRequests: warm.requests.total,
    warmupErrors: warm.non2xx + warm.errors,
    memoryBefore,
    memoryAfter,
    rssTimeline,
    rssMidway,
    rebuiltDuringRun,
  };
};

/** Which of our bundles are byte for byte the files serverless-esbuild built for serverless-offline. */
const compareBundles = (bundles: Bundle[], buildDir: string): Record<string, boolean> =>
  Object.fromEntries(
    bundles.map((bundle) => {
      const built = resolve(buildDir, '.build', bundle.entry.replace(/\.ts$/, '.mjs'));
      try {
        return [bundle.name, readFileSync(built).equals(readFileSync(bundle.file))];
      } catch {
        return [bundle.name, false];
      }
    }),
  );

/**
 * Servers running right now, and their build folders: they lead their own process groups, so a Ctrl-C
 * does not reach them, and the benchmark's signal handler stops them through this.
 */
const live = new Map<Started, string>();

export const stopLiveServers = async (): Promise<void> => {
  for (const [server, buildDir] of live) {
    await server.stop();
    rmSync(buildDir, { recursive: true, force: true });
    live.delete(server);
  }
};

/** Starts a server, runs `work` against it, and always stops it and removes its build folder. */
const withServer = async <T>(
  start: () => Promise<Started & { url: string }>,
  buildDir: string,
  work: (server: Started & { url: string }) => Promise<T>,
): Promise<T> => {
  try {
    const server = await start();
    live.set(server, buildDir);
    try {
      return await work(server);
    } finally {
      live.delete(server);
      await server.stop();
    }
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
};

export const measureHttp = async (settings: {
  /** Our own bundles, to compare with what serverless-esbuild builds. */
  bundles: Bundle[];
  bare: Bundle;
  env: Record<string, string>;
  token: string;
  actorId: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}): Promise<{ api: HttpResult; bare: HttpResult; sameAsServerlessEsbuild: Record<string, boolean> }> => {
  const buildFolder = `.esbuild-bench-${process.pid}`;
  const headers = { authorization: `Bearer ${settings.token}` };
  const path = `/api/v1/actors/${settings.actorId}`;
  const options = { connections: settings.connections, seconds: settings.seconds, warmupSeconds: settings.warmupSeconds };
  const serviceBuild = resolve(buildFolder);
  const bareBuild = resolve('tests/bench', buildFolder);
  const sameAsServerlessEsbuild: Record<string, boolean> = {};

  settings.log('  starting serverless-offline (the service)…');
  const api = await withServer(
    async () => startOffline({ httpPort: await freePort(), stage: 'bench', env: settings.env, output: 'ignore', buildFolder, gateway: false }),
    serviceBuild,
    async (server) => {
      Object.assign(sameAsServerlessEsbuild, compareBundles(settings.bundles, serviceBuild));
      settings.log(`  loading ${path} on the service for ${settings.seconds} s…`);
      return measure('getActor (the service)', server, resolve(serviceBuild, '.build/functions/actors/get.mjs'), path, headers, options);
    },
  );
  settings.log('  starting serverless-offline (bare handler, tests/bench/serverless.yml)…');
  const bare = await withServer(
    () => startBareOffline(settings.env, buildFolder),
    bareBuild,
    async (server) => {
      Object.assign(sameAsServerlessEsbuild, compareBundles([settings.bare], bareBuild));
      settings.log(`  loading ${path} on the bare handler for ${settings.seconds} s…`);
      return measure('bare handler', server, resolve(bareBuild, '.build/bare-handler.mjs'), path, headers, options);
    },
  );
  return { api, bare, sameAsServerlessEsbuild };
};
