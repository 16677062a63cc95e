/**
 * What `npm start` shows of serverless-offline's output. The functions log
 * JSON lines (lib/log.ts), as they do in Lambda; serverless-offline adds its
 * own chatter: a box listing every route at its internal address (which
 * bypasses the API Gateway stand-in, CORS and all), and a "λ" line or two
 * per request. The chatter goes; the functions' lines stay, as they are
 * (`json`) or one readable line per request (`pretty`). Anything else
 * (a build error, a crash) is shown as it came.
 */

export type OutputFormat = 'json' | 'pretty';

/** JSON when asked (`--json`, LOG_FORMAT=json) or when the output is no terminal; LOG_FORMAT=pretty forces the readable form. */
export const outputFormat = (options: { json: boolean; logFormat: string | undefined; isTty: boolean }): OutputFormat => {
  if (options.json) return 'json';
  const asked = options.logFormat?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return options.isTty ? 'pretty' : 'json';
};

// serverless-offline's own lines (start-up, the route box, per-invocation notices), without colour codes.
const CHATTER = [
  /^\s*$/,
  /^[┌│└╭╰─]/,
  /^Starting Offline at stage /,
  /^Offline \[[^\]]+\] listening on /,
  /^Function names exposed for local invocation/,
  /^\s+\* [\w-]+: \S+$/,
  /^(ALB )?Server ready: /,
  /\(λ: [\w-]+\)/,
  /^Enter "rp" to replay/,
];

// eslint-disable-next-line no-control-regex -- the escape character is the point: terminal colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

const isChatter = (line: string): boolean => {
  const plain = line.replace(ANSI, '');
  return CHATTER.some((pattern) => pattern.test(plain));
};

type LogEntry = Record<string, unknown>;

/** A line of this service's logger, or undefined for anything else. */
const parseLogLine = (line: string): LogEntry | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null && (entry as LogEntry).service === 'ensemble' ? (entry as LogEntry) : undefined;
  } catch {
    return undefined;
  }
};

const text = (value: unknown, fallback: string): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : fallback);

/** `GET    /api/v1/actors/{id}  200   12 ms  local|executive-producer`: the route as the API declares it, and who asked. */
export const formatRequest = (entry: LogEntry): string => {
  const method = text(entry.method, '?');
  const route = text(entry.route, '');
  // The route key names the method too ("GET /api/v1/actors"); the catch-all's is "$default".
  const path = route === '$default' ? '(no such route)' : route.startsWith(`${method} `) ? route.slice(method.length + 1) : route;
  const latency = typeof entry.latency_ms === 'number' ? `${entry.latency_ms} ms` : '';
  const caller = typeof entry.sub === 'string' ? entry.sub : '-';
  const reason = typeof entry.reason === 'string' ? `  (${entry.reason})` : '';
  return `${method.padEnd(6)} ${path.padEnd(38)} ${text(entry.status, '?')} ${latency.padStart(7)}  ${caller}${reason}`;
};

/** Fields worth showing on a warning or error line: not the envelope, not the metric members. */
const details = (entry: LogEntry): string => {
  const { level: _level, message: _message, timestamp: _timestamp, service: _service, _aws, ...rest } = entry;
  return Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
};

/**
 * What the terminal shows for one line of serverless-offline's output; undefined: nothing.
 * @param show.requests false hides request lines (npm start's own readiness probes, before its banner)
 */
export const presentLine = (line: string, format: OutputFormat, show: { requests: boolean } = { requests: true }): string | undefined => {
  const entry = parseLogLine(line);
  if (entry === undefined) return isChatter(line) ? undefined : line;
  if (entry.message === 'Request' && !show.requests) return undefined;
  if (format === 'json') return line;
  if (entry.message === 'Request') return formatRequest(entry);
  // Audit lines and bare metric counts are for CloudWatch; `--json` shows them.
  if (entry.level === 'INFO') return undefined;
  // A turned-away request's warning: its request line, next, names the reason.
  if (entry.level === 'WARN' && typeof entry.status === 'number' && 'reason' in entry) return undefined;
  return `${text(entry.level, '?')} ${text(entry.message, '')}${details(entry)}`;
};

/** Splits a stream's chunks into lines, each handed to `onLine` as it completes. */
export const lineSplitter = (onLine: (line: string) => void) => {
  let pending = '';
  return {
    push: (chunk: string): void => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    end: (): void => {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
};
