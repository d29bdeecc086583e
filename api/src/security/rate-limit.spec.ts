import { FixedWindowLimiter } from './rate-limit';

describe('FixedWindowLimiter', () => {
  it('allows `limit` hits per window and key, then refuses with the seconds left', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.hit('b').allowed).toBe(true); // keys are independent
    now += 45_500;
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 15 });
    now += 14_500; // the window is over
    expect(limiter.hit('a').allowed).toBe(true);
  });
});
