/**
 * Structured JSON logs, one line per event, in the shape CloudWatch Logs
 * Insights queries easily (level, message, timestamp, service, fields).
 *
 * Hand-written rather than Powertools Logger: the only thing logged is a
 * failed request, and Powertools (with its commons) adds ~23 KB to every
 * function bundle, which alone breaks the SPEC §7 bundle bar. Request bodies
 * and headers are never logged, so tokens cannot leak here.
 */

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const LEVELS: Record<Level | 'SILENT', number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

const threshold = LEVELS[(process.env.LOG_LEVEL?.toUpperCase() as Level | undefined) ?? 'INFO'] ?? LEVELS.INFO;

const serialise = (value: unknown): unknown =>
  value instanceof Error || (typeof value === 'object' && value !== null && 'stack' in value)
    ? { name: (value as Error).name, message: (value as Error).message, stack: (value as Error).stack }
    : value;

const write = (level: Level, message: string, fields: Record<string, unknown>): void => {
  if (LEVELS[level] < threshold) return;
  const entry = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, serialise(value)]));
  process.stdout.write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: 'ensemble', ...entry })}\n`);
};

export const logger = {
  error: (message: string, fields: Record<string, unknown> = {}) => write('ERROR', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('WARN', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('INFO', message, fields),
};
