import fc from 'fast-check';
import { ageOn, parseCalendarDate, todayUtc } from '../../lib/domain/dates';

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

describe('ageOn over any two dates (what the min_age / max_age filters rely on)', () => {
  // An independent reference: count the birthdays (29 February's on 1 March in common years) up to today.
  const birthdaysUpTo = (birth: string, today: string): number => {
    let count = 0;
    for (let year = Number(birth.slice(0, 4)) + 1; year <= Number(today.slice(0, 4)); year += 1) {
      const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
      const birthday = birth.slice(5) === '02-29' && !leap ? `${year}-03-01` : `${year}-${birth.slice(5)}`;
      if (birthday <= today) count += 1;
    }
    return count;
  };

  it('counts the birthdays passed', () => {
    fc.assert(
      fc.property(calendarDate, calendarDate, (birth, today) => {
        fc.pre(birth <= today);
        expect(ageOn(birth, today)).toBe(birthdaysUpTo(birth, today));
      }),
      { numRuns: 2000 },
    );
  });
});
