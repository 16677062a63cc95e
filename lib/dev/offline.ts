/**
 * serverless-offline serving the functions (bundled by serverless-esbuild),
 * behind the API Gateway stand-in of gateway.ts, on a local port.
 */
import { resolve } from 'node:path';
import { lineSplitter } from './console';
import { startGateway } from './gateway';
import { freePort, waitFor } from './ports';
import { ProcessEndedError, startProcess, type Started } from './processes';

export interface OfflineStack extends Started {
  url: string;
}

export interface OfflineOptions {
  httpPort: number;
  /** Environment for the functions: DynamoDB endpoint, key folder, Auth0 settings… */
  env: Record<string, string>;
  /**
   * Where the server's output goes: inherited (visible) by default, ignored,
   * or handed over line by line (npm start shows it through lib/dev/console.ts).
   */
  output?: 'inherit' | 'ignore' | ((line: string, stream: 'stdout' | 'stderr') => void);
  stage?: string;
  /**
   * serverless-esbuild's build folder. Give concurrent stacks (npm start and a
   * test run, say) different folders, or each start deletes the other's bundles.
   */
  buildFolder?: string;
  /**
   * Serve through the API Gateway stand-in (CORS, Range, Cookie and raw URLs
   * as the deployed HTTP API answers them). Default true; the benchmark
   * measures serverless-offline alone.
   */
  gateway?: boolean;
}

export const startOffline = async (options: OfflineOptions): Promise<OfflineStack> => {
  const behindGateway = options.gateway ?? true;
  const output = options.output ?? 'inherit';
  // The public port is taken first, so that a port in use fails at once, not after the bundling.
  const gateway = behindGateway ? await startGateway({ target: 'http://127.0.0.1:1', port: options.httpPort }) : undefined;
  const lambdaPort = await freePort();
  const offlinePort = behindGateway ? await freePort() : options.httpPort;
  const serverless = resolve('node_modules/.bin/serverless');
  const started = startProcess(
    serverless,
    [
      'offline',
      'start',
      '--stage',
      options.stage ?? 'dev',
      '--httpPort',
      String(offlinePort),
      '--lambdaPort',
      String(lambdaPort),
      '--host',
      '127.0.0.1',
    ],
    {
      env: {
        ...process.env,
        // esbuild, a Go program serverless-esbuild keeps running for its watcher, never collects its garbage
        // unless memory nears this limit: it held its bundling peak, about 0.9 GB, for as long as the stack ran.
        // Measured in BENCHMARKS.md ("The local stack"); GOMEMLIMIT=off in the environment lifts it.
        GOMEMLIMIT: process.env.GOMEMLIMIT ?? '256MiB',
        ...options.env,
        ...(options.buildFolder === undefined ? {} : { ESBUILD_WORK_FOLDER: options.buildFolder }),
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
      stdio: ['ignore', ...(typeof output === 'function' ? (['pipe', 'pipe'] as const) : ([output, output] as const))],
    },
  );
  if (typeof output === 'function') {
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = lineSplitter((line) => output(line, stream));
      started.process[stream]?.setEncoding('utf8').on('data', lines.push).on('end', lines.end);
    }
  }
  const offlineUrl = `http://127.0.0.1:${offlinePort}`;
  try {
    await waitFor(
      `serverless-offline on port ${offlinePort}`,
      async () => (await fetch(`${offlineUrl}/api/v1/health`)).ok,
      120_000,
      started.ended,
    );
  } catch (error) {
    await started.stop();
    await gateway?.close();
    throw error instanceof ProcessEndedError ? new Error(`serverless-offline ${error.message} during start-up.`) : error;
  }
  if (gateway === undefined) return { ...started, url: offlineUrl };
  gateway.retarget(offlineUrl);
  return {
    ...started,
    url: gateway.url,
    stop: async () => {
      await gateway.close();
      await started.stop();
    },
  };
};
