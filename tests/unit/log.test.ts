/** The structured logger: one JSON line per event, errors with their stack, levels respected. */
const loadLogger = async (level: string | undefined) => {
  const saved = process.env.LOG_LEVEL;
  if (level === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = level;
  try {
    return (await import(`../../lib/log?level=${level ?? 'unset'}`)).logger as typeof import('../../lib/log').logger;
  } finally {
    process.env.LOG_LEVEL = saved;
  }
};

const captureStdout = (run: () => void): string[] => {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return lines;
};

describe('logger', () => {
  it('writes one JSON line with level, message, timestamp, service and fields, errors serialised', async () => {
    const logger = await loadLogger('INFO');
    const [line] = captureStdout(() => logger.error('Request failed', { request_id: 'r-1', error: new TypeError('boom') }));
    expect(line!.endsWith('\n')).toBe(true);
    expect(JSON.parse(line!)).toEqual({
      level: 'ERROR',
      message: 'Request failed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'ensemble',
      request_id: 'r-1',
      error: { name: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') },
    });
  });

  it('drops events below LOG_LEVEL, and everything when SILENT', async () => {
    const warnOnly = await loadLogger('WARN');
    expect(captureStdout(() => warnOnly.info('hello'))).toEqual([]);
    expect(captureStdout(() => warnOnly.warn('careful'))).toHaveLength(1);
    const silent = await loadLogger('SILENT');
    expect(captureStdout(() => silent.error('nothing'))).toEqual([]);
  });
});
