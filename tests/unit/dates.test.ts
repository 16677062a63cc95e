import fc from 'fast-check';
import { ageOn, latestBirthDateForAge, parseCalendarDate, todayUtc } from '../../lib/domain/dates';

describe('parseCalendarDate', () => {
  it.each(['2024-02-29', '2000-02-29', '1999-12-31', '1800-01-01'])('accepts the real date %s', (text) => {
    expect(parseCalendarDate(text)).toBeDefined();
  });
  it.each(['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-1', '24-01-01', '2024-01-01T00:00:00Z', ' 2024-01-01', ''])(
    'rejects %j',
    (text) => {
      expect(parseCalendarDate(text)).toBeUndefined();
    },
  );
});

describe('ageOn', () => {
  it('counts a year only once the birthday is reached', () => {
    expect(ageOn('1990-06-15', '2020-06-14')).toBe(29);
    expect(ageOn('1990-06-15', '2020-06-15')).toBe(30);
    expect(ageOn('1990-06-15', '2020-12-31')).toBe(30);
  });
  it('ages a 29 February birthday on 1 March in common years', () => {
    expect(ageOn('2000-02-29', '2023-02-28')).toBe(22);
    expect(ageOn('2000-02-29', '2023-03-01')).toBe(23);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });
  it('is 0 on the day of birth', () => {
    expect(ageOn(todayUtc(), todayUtc())).toBe(0);
  });
});

const calendarDate = fc
  .date({ min: new Date('1850-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

describe('latestBirthDateForAge (the min_age / max_age filters)', () => {
  it('selects exactly the birth dates whose age is at least the bound', () => {
    fc.assert(
      fc.property(calendarDate, calendarDate, fc.integer({ min: 0, max: 120 }), (birth, today, age) => {
        fc.pre(birth <= today);
        expect(birth <= latestBirthDateForAge(age, today)).toBe(ageOn(birth, today) >= age);
      }),
      { numRuns: 5000 },
    );
  });
});
