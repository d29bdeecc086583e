import { describeDuration, describeTimeOfDay, joinDuration, splitDuration } from './durations';

describe('durations in words', () => {
  it.each([
    ['P7D', { amount: 7, unit: 'days' }, '7 days'],
    ['P1W', { amount: 1, unit: 'weeks' }, '1 week'],
    ['PT24H', { amount: 24, unit: 'hours' }, '24 hours'],
    ['PT30M', { amount: 30, unit: 'minutes' }, '30 minutes'],
    ['PT0M', { amount: 0, unit: 'minutes' }, '0 minutes'],
  ] as const)('%s ⇄ %j', (iso, parts, words) => {
    expect(splitDuration(iso)).toEqual(parts);
    expect(joinDuration(parts)).toBe(iso);
    expect(describeDuration(iso)).toBe(words);
  });

  it('leaves what the picker cannot show as ISO text', () => {
    expect(splitDuration('P1DT12H')).toBeNull();
    expect(splitDuration('seven days')).toBeNull();
    expect(describeDuration('P1DT12H')).toBe('P1DT12H');
  });

  it('words time of day with its zone', () => {
    expect(describeTimeOfDay('09:00')).toBe("9:00 in the contact's time zone");
    expect(describeTimeOfDay('21:30', 'Asia/Shanghai')).toBe('21:30 in Asia/Shanghai');
  });
});
