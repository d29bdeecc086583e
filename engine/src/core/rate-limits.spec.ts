import { nextRoomAt, parseSendRateLimits, roomIn, withGrant, withoutGrant, type GrantLog, type SendRateLimit } from './rate-limits';

describe('parseSendRateLimits', () => {
  it.each([
    ['sms=10/s', [{ channel: 'sms', limit: 10, per: 's' }]],
    [
      ' email = 100 / minute , email=50000/d ',
      [
        { channel: 'email', limit: 100, per: 'm' },
        { channel: 'email', limit: 50000, per: 'd' },
      ],
    ],
    ['push=5/h,', [{ channel: 'push', limit: 5, per: 'h' }]],
    ['', []],
  ])('%j', (text, expected) => expect(parseSendRateLimits(text)).toEqual(expected));

  it.each(['fax=1/s', 'sms=0/s', 'sms=10/week', 'sms:10/s', 'sms=ten/s'])('refuses %j, naming it', (text) => {
    expect(() => parseSendRateLimits(text)).toThrow(text);
  });
});

describe('a sliding window of grants', () => {
  const tenPerSecond: SendRateLimit = { channel: 'sms', limit: 10, per: 's' };

  it('allows `limit` in a window, then room comes back as old grants leave it', () => {
    let log: GrantLog = [];
    expect(roomIn(log, tenPerSecond, 0)).toBe(10);
    log = withGrant(log, 's', 0, 6);
    log = withGrant(log, 's', 400, 4);
    expect(roomIn(log, tenPerSecond, 900)).toBe(0);
    expect(nextRoomAt(log, tenPerSecond, 900)).toBe(1000);
    expect(roomIn(log, tenPerSecond, 1000)).toBe(6);
    expect(roomIn(log, tenPerSecond, 1400)).toBe(10);
  });

  it('rounds grant times up (a grant can only expire later), merging grants of one granule', () => {
    expect(withGrant(withGrant([], 's', 1001, 1), 's', 1005, 2)).toEqual([[1010, 3]]);
  });

  it('gives back what was not used', () => {
    expect(
      withoutGrant(
        [
          [10, 3],
          [20, 2],
        ],
        20,
        2,
      ),
    ).toEqual([[10, 3]]);
  });

  it('never allows more than `limit` in any window, whatever the grant times (a property over random rounds)', () => {
    let log: GrantLog = [];
    const sends: number[] = [];
    let now = 0;
    for (let round = 0; round < 2000; round++) {
      now += Math.floor(Math.random() * 150);
      const room = roomIn(log, tenPerSecond, now);
      const take = Math.min(room, Math.floor(Math.random() * 12));
      if (take) {
        log = withGrant(log, 's', now, take);
        for (let i = 0; i < take; i++) sends.push(now);
      }
    }
    for (let i = 10; i < sends.length; i++) expect(sends[i] - sends[i - 10]).toBeGreaterThanOrEqual(1000);
  });
});
