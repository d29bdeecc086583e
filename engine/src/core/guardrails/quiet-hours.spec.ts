import { defaultEngineSettings } from '../types';
import { flowQuietHoursOf, isInQuietHours, nextAllowedSendTime, quietHoursForFlow, settingsForFlow, type QuietHours } from './quiet-hours';

const night: QuietHours = { start: '21:00', end: '09:00' };
const lunch: QuietHours = { start: '12:00', end: '14:00' };

describe('isInQuietHours', () => {
  it.each`
    now                       | tz                    | quiet                               | expected
    ${'2026-01-05T20:59:00Z'} | ${'UTC'}              | ${night}                            | ${false}
    ${'2026-01-05T21:00:00Z'} | ${'UTC'}              | ${night}                            | ${true}
    ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${night}                            | ${true}
    ${'2026-01-06T00:00:00Z'} | ${'UTC'}              | ${night}                            | ${true}
    ${'2026-01-06T08:59:00Z'} | ${'UTC'}              | ${night}                            | ${true}
    ${'2026-01-06T09:00:00Z'} | ${'UTC'}              | ${night}                            | ${false}
    ${'2026-01-05T15:00:00Z'} | ${'Asia/Shanghai'}    | ${night}                            | ${true}
    ${'2026-01-05T15:00:00Z'} | ${'America/New_York'} | ${night}                            | ${false}
    ${'2026-01-05T12:30:00Z'} | ${'UTC'}              | ${lunch}                            | ${true}
    ${'2026-01-05T14:00:00Z'} | ${'UTC'}              | ${lunch}                            | ${false}
    ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${null}                             | ${false}
    ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${{ start: '09:00', end: '09:00' }} | ${false}
    ${'2026-01-05T23:00:00Z'} | ${'Not/AZone'}        | ${night}                            | ${true}
  `('$now in $tz with $quiet → $expected', ({ now, tz, quiet, expected }) => {
    expect(isInQuietHours(new Date(now), tz, quiet)).toBe(expected);
  });
});

describe('nextAllowedSendTime (21:00–09:00 local)', () => {
  it.each`
    case                                              | now                       | tz                    | expected
    ${'daytime: now'}                                 | ${'2026-01-05T12:00:00Z'} | ${'UTC'}              | ${'2026-01-05T12:00:00.000Z'}
    ${'23:00 → 09:00 next day'}                       | ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${'2026-01-06T09:00:00.000Z'}
    ${'00:30 → 09:00 same day'}                       | ${'2026-01-06T00:30:00Z'} | ${'UTC'}              | ${'2026-01-06T09:00:00.000Z'}
    ${'Shanghai 23:00 → 09:00 local'}                 | ${'2026-01-05T15:00:00Z'} | ${'Asia/Shanghai'}    | ${'2026-01-06T01:00:00.000Z'}
    ${'New York 23:00 EST, spring forward overnight'} | ${'2026-03-08T04:00:00Z'} | ${'America/New_York'} | ${'2026-03-08T13:00:00.000Z'}
    ${'New York 23:00 EDT, fall back overnight'}      | ${'2026-11-01T03:00:00Z'} | ${'America/New_York'} | ${'2026-11-01T14:00:00.000Z'}
    ${'New York 01:30 EST after fall back'}           | ${'2026-11-01T06:30:00Z'} | ${'America/New_York'} | ${'2026-11-01T14:00:00.000Z'}
    ${'New York 03:30 EDT after spring forward'}      | ${'2026-03-08T07:30:00Z'} | ${'America/New_York'} | ${'2026-03-08T13:00:00.000Z'}
  `('$case', ({ now, tz, expected }) => {
    expect(nextAllowedSendTime(new Date(now), tz, { start: '21:00', end: '09:00' }).toISOString()).toBe(expected);
  });

  it('returns now when quiet hours are disabled', () => {
    const now = new Date('2026-01-05T23:00:00Z');
    expect(nextAllowedSendTime(now, 'UTC', null)).toBe(now);
  });
});

describe("a flow's quiet hours", () => {
  it.each`
    flow                                | expected
    ${undefined}                        | ${night}
    ${'workspace'}                      | ${night}
    ${'off'}                            | ${null}
    ${{ start: '12:00', end: '14:00' }} | ${lunch}
  `('$flow over the workspace’s 21:00–09:00 → $expected', ({ flow, expected }) => {
    expect(quietHoursForFlow(night, flow)).toEqual(expected);
  });

  it('an own window applies even when the workspace has none; "workspace" then means none', () => {
    expect(quietHoursForFlow(null, lunch)).toEqual(lunch);
    expect(quietHoursForFlow(null, 'workspace')).toBeNull();
  });

  it.each`
    stored                                    | expected
    ${'off'}                                  | ${'off'}
    ${{ start: '12:00', end: '14:00' }}       | ${lunch}
    ${undefined}                              | ${'workspace'}
    ${null}                                   | ${'workspace'}
    ${'never'}                                | ${'workspace'}
    ${{ start: '25:00', end: '14:00' }}       | ${'workspace'}
    ${{ start: '12:00', end: '14:00', x: 1 }} | ${'workspace'}
  `('reads the stored $stored as $expected (unreadable → the workspace’s)', ({ stored, expected }) => {
    expect(flowQuietHoursOf(stored)).toEqual(expected);
  });

  it('settingsForFlow changes only the quiet hours, and returns the same settings when nothing changes', () => {
    const settings = { ...defaultEngineSettings, quietHours: night };
    expect(settingsForFlow(settings, 'workspace')).toBe(settings);
    expect(settingsForFlow(settings, undefined)).toBe(settings);
    expect(settingsForFlow(settings, 'off')).toEqual({ ...settings, quietHours: null });
    expect(settingsForFlow(settings, lunch)).toEqual({ ...settings, quietHours: lunch });
    expect(settings.quietHours).toBe(night);
  });
});
