import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addDuration,
  isValidDuration,
  localDateTime,
  localDay,
  localMinuteOfDay,
  nextLocalTime,
  parseDuration,
  subtractDuration,
} from './durations';

describe('parseDuration', () => {
  it.each`
    iso         | valid
    ${'P7D'}    | ${true}
    ${'PT24H'}  | ${true}
    ${'P1M'}    | ${true}
    ${'PT0S'}   | ${false}
    ${'P0D'}    | ${false}
    ${'7 days'} | ${false}
    ${''}       | ${false}
    ${'P-1D'}   | ${false}
    ${42}       | ${false}
  `('$iso → $valid', ({ iso, valid }) => {
    expect(isValidDuration(iso)).toBe(valid);
    expect(parseDuration(iso) !== null).toBe(valid);
  });
});

describe('addDuration in the contact zone', () => {
  it.each`
    case                                      | from                      | iso        | zone                  | expected
    ${'P1D across spring forward: same wall'} | ${'2026-03-07T15:00:00Z'} | ${'P1D'}   | ${'America/New_York'} | ${'2026-03-08T14:00:00.000Z'}
    ${'PT24H across spring forward: exact'}   | ${'2026-03-07T15:00:00Z'} | ${'PT24H'} | ${'America/New_York'} | ${'2026-03-08T15:00:00.000Z'}
    ${'P7D across fall back'}                 | ${'2026-10-28T14:00:00Z'} | ${'P7D'}   | ${'America/New_York'} | ${'2026-11-04T15:00:00.000Z'}
    ${'P7D in UTC'}                           | ${'2026-01-01T00:00:00Z'} | ${'P7D'}   | ${'UTC'}              | ${'2026-01-08T00:00:00.000Z'}
  `('$case', ({ from, iso, zone, expected }) => {
    expect(addDuration(new Date(from), iso, zone).toISOString()).toBe(expected);
  });
});

describe('nextLocalTime', () => {
  it.each`
    case                                            | now                       | zone                  | time       | expected
    ${'later today'}                                | ${'2026-01-05T08:00:00Z'} | ${'UTC'}              | ${'09:00'} | ${'2026-01-05T09:00:00.000Z'}
    ${'strictly after now: exactly now → tomorrow'} | ${'2026-01-05T09:00:00Z'} | ${'UTC'}              | ${'09:00'} | ${'2026-01-06T09:00:00.000Z'}
    ${'tomorrow in Shanghai'}                       | ${'2026-01-05T02:00:00Z'} | ${'Asia/Shanghai'}    | ${'09:00'} | ${'2026-01-06T01:00:00.000Z'}
    ${'09:00 on spring-forward day'}                | ${'2026-03-08T04:00:00Z'} | ${'America/New_York'} | ${'09:00'} | ${'2026-03-08T13:00:00.000Z'}
    ${'02:30 does not exist → 03:00 EDT'}           | ${'2026-03-08T05:00:00Z'} | ${'America/New_York'} | ${'02:30'} | ${'2026-03-08T07:00:00.000Z'}
    ${'09:00 on fall-back day'}                     | ${'2026-11-01T03:00:00Z'} | ${'America/New_York'} | ${'09:00'} | ${'2026-11-01T14:00:00.000Z'}
    ${'01:30 on fall-back day: first occurrence'}   | ${'2026-11-01T04:00:00Z'} | ${'America/New_York'} | ${'01:30'} | ${'2026-11-01T05:30:00.000Z'}
  `('$case', ({ now, zone, time, expected }) => {
    expect(nextLocalTime(new Date(now), zone, time).toISOString()).toBe(expected);
  });

  it('maps a gap time to the moment clocks jump', () => {
    const dt = localDateTime({ year: 2026, month: 3, day: 29 }, { hour: 2, minute: 15 }, 'Europe/Paris');
    expect(dt.toUTC().toISO()).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('arithmetic fast paths agree with luxon', () => {
  const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago'];
  const durations = ['P3D', 'P1W', 'PT36H', 'PT90M', 'P1DT2H', 'P1M', 'P1Y2M', 'PT1S'];
  // instants around DST transitions and across decades
  const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms));

  it('addDuration and subtractDuration', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), fc.constantFrom(...durations), (at, zone, iso) => {
        const d = parseDuration(iso)!;
        expect(addDuration(at, iso, zone).getTime()).toBe(DateTime.fromJSDate(at, { zone }).plus(d).toMillis());
        expect(subtractDuration(at, iso, zone).getTime()).toBe(DateTime.fromJSDate(at, { zone }).minus(d).toMillis());
      }),
      { numRuns: 2000 },
    );
  });

  it('a day is 23 hours across the spring-forward night in Paris, exactly 24 in UTC', () => {
    const before = new Date('2026-03-28T12:00:00Z');
    expect(addDuration(before, 'P1D', 'Europe/Paris').toISOString()).toBe('2026-03-29T11:00:00.000Z');
    expect(addDuration(before, 'P1D', 'UTC').toISOString()).toBe('2026-03-29T12:00:00.000Z');
    expect(addDuration(before, 'PT24H', 'Europe/Paris').toISOString()).toBe('2026-03-29T12:00:00.000Z');
  });

  it('localDay and localMinuteOfDay', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (at, zone) => {
        const local = DateTime.fromJSDate(at, { zone });
        expect(localDay(at, zone)).toBe(local.toISODate());
        expect(localMinuteOfDay(at, zone)).toBe(local.hour * 60 + local.minute);
      }),
      { numRuns: 2000 },
    );
  });
});
