import type { Started } from '../../lib/dev/processes';

declare global {
  // eslint-disable-next-line no-var
  var __ensembleServers: Started[];
}
