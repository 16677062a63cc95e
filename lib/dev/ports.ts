import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** Thrown when a port the caller must listen on is taken. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
  }
}

const canListen = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      // A machine without IPv6 (or without that address) cannot have the port taken there.
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') resolve(true);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });

/**
 * Fails with PortInUseError unless `port` is free on both loopback addresses:
 * `localhost` may resolve to either, so a server on ::1 would answer a client
 * of ours as surely as one on 127.0.0.1 (or on every address).
 */
export const assertPortFree = async (port: number): Promise<void> => {
  for (const host of ['127.0.0.1', '::1']) {
    if (!(await canListen(port, host))) throw new PortInUseError(port);
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it resolves true, or fails after `timeoutMs` naming `what`.
 * A probe that throws only means "not yet"; what ends the wait early is
 * `abandon` rejecting (the process being waited for has died, say).
 */
export const waitFor = async (
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  abandon?: Promise<never>,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let settled = false;
  const poll = async (): Promise<void> => {
    while (Date.now() < deadline && !settled) {
      if (await probe().catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
  };
  try {
    await (abandon === undefined ? poll() : Promise.race([poll(), abandon]));
  } finally {
    settled = true;
  }
};
