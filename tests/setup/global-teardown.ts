import { readdirSync, rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  // Last started, first stopped: the stacks, then the proxies in front of DynamoDB Local, then DynamoDB Local.
  for (const server of (globalThis.__ensembleServers ?? []).reverse()) await server.stop();
  // The lanes' bundle folders (tests/setup/global-setup.ts).
  for (const folder of readdirSync('.').filter((name) => name.startsWith(`.esbuild-test-${String(process.pid)}-`))) {
    rmSync(folder, { recursive: true, force: true });
  }
}
