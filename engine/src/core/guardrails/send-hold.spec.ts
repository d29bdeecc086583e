import { sendHoldUntil } from './send-hold';

const night = { start: '21:00', end: '09:00' };

describe('sendHoldUntil (the dispatcher re-checks quiet hours at send time)', () => {
  it.each`
    case                                                         | channel      | now                       | tz                    | quiet    | expected
    ${'a retry due at 12:00 UTC goes now'}                       | ${'push'}    | ${'2026-01-05T12:00:00Z'} | ${'UTC'}              | ${night} | ${null}
    ${'a retry due at 23:00 UTC waits for 09:00'}                | ${'push'}    | ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${night} | ${'2026-01-06T09:00:00.000Z'}
    ${'a backlog reaching 23:00 Shanghai waits for 09:00 local'} | ${'email'}   | ${'2026-01-05T15:00:00Z'} | ${'Asia/Shanghai'}    | ${night} | ${'2026-01-06T01:00:00.000Z'}
    ${'the same instant is daytime in New York'}                 | ${'sms'}     | ${'2026-01-05T15:00:00Z'} | ${'America/New_York'} | ${night} | ${null}
    ${'no zone: UTC'}                                            | ${'sms'}     | ${'2026-01-05T22:00:00Z'} | ${null}               | ${night} | ${'2026-01-06T09:00:00.000Z'}
    ${'webhooks are system calls: never held'}                   | ${'webhook'} | ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${night} | ${null}
    ${'quiet hours switched off'}                                | ${'push'}    | ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${null}  | ${null}
    ${'09:00 exactly is open'}                                   | ${'push'}    | ${'2026-01-06T09:00:00Z'} | ${'UTC'}              | ${night} | ${null}
  `('$case', ({ channel, now, tz, quiet, expected }) => {
    expect(sendHoldUntil(channel, new Date(now), tz, quiet)?.toISOString() ?? null).toBe(expected);
  });
});
