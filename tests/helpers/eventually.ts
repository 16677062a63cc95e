/**
 * Waits, with a bound, for what is eventually consistent to settle:
 * DynamoDB's indexes (and the suite's, through the index-lag proxy) show a
 * write a moment later, and `total` follows the tables' streams. Polls `read` until `holds` accepts its value, then returns it; after
 * `timeoutMs` returns the last value anyway, so the caller's own expectation
 * fails with what was actually read.
 */
/** Long enough for the local stream poller on a loaded machine; what never comes fails the test, not hangs it. */
export const SETTLE_TIMEOUT_MS = 20_000;

export const eventually = async <T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
