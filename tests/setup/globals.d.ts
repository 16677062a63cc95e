export {};

declare global {
  // Set by the global setup once it starts a server; the teardown may run without it (a failed setup).
  var __ensembleServers: { stop: () => Promise<void> }[] | undefined;
}
