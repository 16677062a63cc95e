import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  for (const server of (globalThis.__ensembleServers ?? []).reverse()) await server.stop();
  rmSync(`.esbuild-test-${process.pid}`, { recursive: true, force: true });
}
