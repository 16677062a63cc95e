import {
  ConfigError,
  DuplicateRecordError,
  EnsembleError,
  InvalidCursorError,
  RecordNotFoundError,
  RuleViolationError,
  StaleReadError,
  StoreBusyError,
  VersionMismatchError,
} from '../../lib/domain/errors';
import { toHttpError } from '../../lib/http/error-mapping';
import { ConflictError, HttpError } from '../../lib/http/errors';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('secret table ensemble-prod-actors'), { name, ...extra });

describe('toHttpError', () => {
  it('keeps HttpErrors as they are', () => {
    const conflict = new ConflictError('taken');
    expect(toHttpError(conflict)).toBe(conflict);
  });

  // The statuses of docs/endpoints.md#errors, written out: not read from the mapping under test.
  it.each([
    [new RecordNotFoundError('No actor has the id X.'), 404],
    [new DuplicateRecordError('An actor named "A" already exists.'), 409],
    [new VersionMismatchError('The actor has changed.'), 412],
    [new RuleViolationError('The cast is full.'), 422],
    [new InvalidCursorError(), 400],
    [new StoreBusyError('Busy.', 7), 503],
  ] as const)('gives the domain error %p the status %i, its message and the error as cause', (error, status) => {
    const http = toHttpError(error);
    expect(http).toBeInstanceOf(HttpError);
    expect(http.statusCode).toBe(status);
    expect(http.message).toBe(error.message);
    expect(http.cause).toBe(error);
  });

  it('passes a rule violation’s details and a cursor’s field on', () => {
    const details = [{ field: 'actor_ids.0', message: 'no actor has the id X' }];
    expect(toHttpError(new RuleViolationError('The cast names actors who cannot join it.', details)).details).toEqual(details);
    expect(toHttpError(new RuleViolationError('No details.')).details).toBeUndefined();
    expect(toHttpError(new InvalidCursorError()).details).toEqual([
      { field: 'cursor', message: 'is not a cursor this API issued for this list and query' },
    ]);
  });

  it('tells a client how long a busy store wants it to wait', () => {
    expect(toHttpError(new StoreBusyError('Busy.', 7)).headers).toEqual({ 'Retry-After': '7' });
  });

  it('has one root for every error of the project, HTTP or domain', () => {
    for (const error of [new ConflictError('x'), new ConfigError('x'), new StaleReadError('x'), new InvalidCursorError()]) {
      expect(error).toBeInstanceOf(EnsembleError);
    }
    expect(new StaleReadError('x').name).toBe('StaleReadError');
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
    expect(http.headers['Retry-After']).toBe('2');
    expect(http.message).not.toContain('ensemble-prod');
    expect(http.cause).toBe(error);
  });

  it.each([
    new Error('boom'),
    named('ValidationException'),
    named('ResourceNotFoundException'),
    new StaleReadError('escaped its retry loop'),
    new ConfigError('CURSOR_KEYS must be set'),
    'a string',
    null,
    undefined,
  ])('turns anything else (%p) into a generic 500 that keeps the error as cause', (error) => {
    const http = toHttpError(error);
    expect(http.statusCode).toBe(500);
    expect(http.message).toBe('Something went wrong on our side; the error has been logged.');
    expect(http.cause).toBe(error);
  });
});
