/**
 * Structured JSON logs, one line per event, in the shape CloudWatch Logs
 * Insights queries easily (level, message, timestamp, service, fields).
 *
 * Hand-written rather than Powertools Logger and Metrics: Powertools (with
 * its commons) adds ~23 KB to every function bundle, which alone breaks the
 * bundle bar (docs/design-and-limits.md#choices-where-the-spec-is-silent). What is logged: one line per request and one
 * audit line per committed write (lib/http/operation.ts, lib/services/changes.ts), a failed
 * request's error. Request bodies and headers are never logged, so tokens
 * cannot leak here.
 *
 * Metrics are CloudWatch's embedded metric format: a log line with an `_aws`
 * member becomes a metric point when CloudWatch Logs ingests it, with no API
 * call, no agent and no library in the bundle.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readLogConfig, type LogLevel } from './config';

type Level = Exclude<LogLevel, 'SILENT'>;
const LEVELS: Record<LogLevel, number> = { INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

const config = readLogConfig();
const threshold = LEVELS[config.level];
const namespace = config.metricsNamespace;

const serialise = (value: unknown): unknown =>
  value instanceof Error || (typeof value === 'object' && value !== null && 'stack' in value)
    ? { name: (value as Error).name, message: (value as Error).message, stack: (value as Error).stack }
    : value;

// Set while npm start seeds its demo data through lib/services: its audit lines would bury the start-up messages.
const quiet = new AsyncLocalStorage<true>();

/** Runs `work` with this process's log lines switched off (npm start's seeding). */
export const quietly = <T>(work: () => Promise<T>): Promise<T> => quiet.run(true, work);

const write = (level: Level, message: string, fields: Record<string, unknown>): void => {
  if (LEVELS[level] < threshold || quiet.getStore() === true) return;
  const entry = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, serialise(value)]));
  process.stdout.write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: 'ensemble', ...entry })}\n`);
};

export const logger = {
  error: (message: string, fields: Record<string, unknown> = {}) => write('ERROR', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('WARN', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('INFO', message, fields),
};

/**
 * The fields that make a log line count 1 towards metric `name` (per value of
 * each dimension, and over all of them). Merge them into an INFO line.
 */
export const countMetric = (name: string, dimensions: Record<string, string> = {}): Record<string, unknown> => ({
  _aws: {
    Timestamp: Date.now(),
    CloudWatchMetrics: [
      {
        Namespace: namespace,
        Dimensions: [[], ...(Object.keys(dimensions).length > 0 ? [Object.keys(dimensions)] : [])],
        Metrics: [{ Name: name, Unit: 'Count' }],
      },
    ],
  },
  ...dimensions,
  [name]: 1,
});

interface RequestScope {
  request_id: string;
  /** The caller's token subject; undefined on public operations. */
  sub: string | undefined;
}

// Who is asking, for the audit lines lib/services writes deep inside a request without knowing the caller.
const requestScope = new AsyncLocalStorage<RequestScope>();

export const withinRequest = <T>(scope: RequestScope, run: () => Promise<T>): Promise<T> => requestScope.run(scope, run);

/**
 * A write committed: who made it (from the request), what, to which record,
 * its version before → after (null: none), and the records on the other side
 * of a cast change (each of them also moved one version up).
 */
export const audit = (
  operation: string,
  recordId: string,
  versionBefore: number | null,
  versionAfter: number | null,
  linked: Iterable<string> = [],
): void =>
  logger.info('Audit', {
    ...requestScope.getStore(),
    operation,
    record_id: recordId,
    version_before: versionBefore,
    version_after: versionAfter,
    linked_ids: [...linked].sort(),
    ...countMetric('Writes', { Operation: operation }),
  });

/** Counts one event that has no log line of its own (a retry from a fresh read). */
export const count = (name: string): void => logger.info(name, { request_id: requestScope.getStore()?.request_id, ...countMetric(name) });
