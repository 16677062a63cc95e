export {};

declare global {
  // eslint-disable-next-line no-var
  var __ensembleServers: { stop: () => Promise<void> }[];
}
