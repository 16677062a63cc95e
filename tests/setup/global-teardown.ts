export default async function globalTeardown(): Promise<void> {
  for (const server of (globalThis.__ensembleServers ?? []).reverse()) await server.stop();
}
