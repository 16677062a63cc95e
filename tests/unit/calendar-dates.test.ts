/** docs/endpoints.md#resources and docs/endpoints.md#validation-and-limits: dates are real calendar dates in `YYYY-MM-DD` form, and "today" is the UTC date. */
import { parseCalendarDate, todayUtc } from '../../lib/domain/dates';

describe('parseCalendarDate', () => {
  it('reads the year, month and day of a real date', () => {
    expect(parseCalendarDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseCalendarDate('1800-12-31')).toEqual({ year: 1800, month: 12, day: 31 });
  });

  it.each(['2024-01-00', '2024-01-32', '2024-06-31', '2023-02-29', '2024-02-30', 'x2024-01-01', '2024-01-01x', '2024-001-01', '02024-01-01'])(
    'rejects %j',
    (text) => {
      expect(parseCalendarDate(text)).toBeUndefined();
    },
  );

  it('knows the length of every month', () => {
    const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    lengths.forEach((days, index) => {
      const month = String(index + 1).padStart(2, '0');
      expect(parseCalendarDate(`2023-${month}-${days}`)).toBeDefined();
      expect(parseCalendarDate(`2023-${month}-${days + 1}`)).toBeUndefined();
    });
  });
});

describe('todayUtc', () => {
  it('is the UTC calendar date, whatever the time of day', () => {
    expect(todayUtc(new Date('2024-03-05T23:59:59.999Z'))).toBe('2024-03-05');
    expect(todayUtc(new Date('2024-03-06T00:00:00.000Z'))).toBe('2024-03-06');
  });

  it('is a date the parser accepts', () => {
    expect(parseCalendarDate(todayUtc())).toBeDefined();
  });
});
