import { toHttpError } from '../../lib/http/error-responder';
import { ConflictError } from '../../lib/http/errors';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('secret table ensemble-prod-actors'), { name, ...extra });

describe('toHttpError', () => {
  it('keeps HttpErrors as they are', () => {
    const conflict = new ConflictError('taken');
    expect(toHttpError(conflict)).toBe(conflict);
  });

  it.each([
    named('ProvisionedThroughputExceededException'),
    named('ThrottlingException'),
    named('RequestLimitExceeded'),
    named('InternalServerError'),
    named('TimeoutError'),
    named('Error', { code: 'ECONNREFUSED' }),
    named('Error', { code: 'ECONNRESET' }),
    new Error('AWS SDK error wrapper for TimeoutError: socket hang up'),
    { name: 'ThrottlingException', message: 'from another realm' },
  ])('turns database unavailability (%p) into 503 with Retry-After', (error) => {
    const http = toHttpError(error);
    expect(http.statusCode).toBe(503);
    expect(http.headers['Retry-After']).toMatch(/^\d+$/);
    expect(http.message).not.toContain('ensemble-prod');
  });

  it.each([new Error('boom'), named('ValidationException'), named('ResourceNotFoundException'), 'a string', null, undefined])(
    'turns anything else (%p) into a generic 500',
    (error) => {
      const http = toHttpError(error);
      expect(http.statusCode).toBe(500);
      expect(http.message).toBe('Something went wrong on our side; the error has been logged.');
    },
  );
});
