/**
 * Waits for what a client reads from an index to settle: DynamoDB's indexes
 * (and the suite's, through the index-lag proxy) show a write a moment
 * later. Polls `read` until `holds` accepts its value, then returns it; after
 * `timeoutMs` returns the last value anyway, so the caller's own expectation
 * fails with what was actually read.
 */
export const eventually = async <T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
