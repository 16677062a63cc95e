/** serverless-offline serving the functions (bundled by serverless-esbuild) on a local port. */
import { resolve } from 'node:path';
import { freePort, waitFor } from './ports';
import { ProcessEndedError, startProcess, type Started } from './processes';

export interface OfflineStack extends Started {
  url: string;
}

export interface OfflineOptions {
  httpPort: number;
  /** Environment for the functions: DynamoDB endpoint, key folder, Auth0 settings… */
  env: Record<string, string>;
  /** Where the server's own output goes; inherited (visible) by default. */
  output?: 'inherit' | 'ignore';
  stage?: string;
  /**
   * serverless-esbuild's build folder. Give concurrent stacks (npm start and a
   * test run, say) different folders, or each start deletes the other's bundles.
   */
  buildFolder?: string;
}

export const startOffline = async (options: OfflineOptions): Promise<OfflineStack> => {
  const lambdaPort = await freePort();
  const serverless = resolve('node_modules/.bin/serverless');
  const started = startProcess(
    serverless,
    [
      'offline',
      'start',
      '--stage',
      options.stage ?? 'dev',
      '--httpPort',
      String(options.httpPort),
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
      stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${options.httpPort}`;
  try {
    await waitFor(
      `serverless-offline on port ${options.httpPort}`,
      async () => (await fetch(`${url}/api/v1/health`)).ok,
      120_000,
      started.ended,
    );
  } catch (error) {
    await started.stop();
    throw error instanceof ProcessEndedError ? new Error(`serverless-offline ${error.message} during start-up.`) : error;
  }
  return { ...started, url };
};
