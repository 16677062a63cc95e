/**
 * Which failures are the database being busy or unreachable (503, docs/endpoints.md#errors:
 * "database throttled or unavailable after retries") and which are bugs (500).
 * The names are DynamoDB's throttling and server-side errors and the SDK's
 * timeouts (AWS, "Error handling with DynamoDB"); the codes are Node's socket
 * errors for a connection that cannot be made or was lost.
 */
import { toHttpError } from '../../lib/http/error-mapping';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('from ensemble-prod-actors'), { name, ...extra });

const UNAVAILABLE_NAMES = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
];
const CONNECTION_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'];

describe('toHttpError: the database is busy or unreachable', () => {
  it.each(UNAVAILABLE_NAMES)('%s is a 503 with the documented message and Retry-After', (name) => {
    const http = toHttpError(named(name));
    expect(http.statusCode).toBe(503);
    expect(http.message).toBe('The database is busy or unavailable; please retry shortly.');
    expect(Number(http.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it.each(UNAVAILABLE_NAMES)('%s is a 503 when the SDK wrapped it too', (name) => {
    expect(toHttpError(new Error(`AWS SDK error wrapper for ${name}`)).statusCode).toBe(503);
  });

  it.each(CONNECTION_CODES)('a connection failure (%s) is a 503', (code) => {
    expect(toHttpError(named('Error', { code })).statusCode).toBe(503);
  });
});

describe('toHttpError: everything else is a 500', () => {
  it.each([
    ['a code that is not a connection failure', named('Error', { code: 'ERR_INVALID_ARG_TYPE' })],
    ['a DynamoDB error that is a bug of ours', named('ValidationException', { code: 'ValidationException' })],
    ['a message that only quotes the SDK wrapper', new Error('Unexpected: AWS SDK error wrapper for ThrottlingException')],
    ['a name that is not a string', { name: 42, message: 'odd' }],
    ['a code that is not a string', { name: 'Error', code: 111 }],
  ])('%s', (_what, error) => {
    expect(toHttpError(error).statusCode).toBe(500);
  });

  it('never throws itself, whatever was thrown', () => {
    for (const thrown of [{ message: Symbol('m') }, { name: Symbol('n') }, { code: Symbol('c') }, Object.create(null), 0, false, Symbol('s')]) {
      expect(toHttpError(thrown).statusCode).toBe(500);
    }
  });
});
