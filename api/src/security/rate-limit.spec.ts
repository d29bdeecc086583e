import { FixedWindowLimiter, RequestRateLimits } from './rate-limit';

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

describe('RequestRateLimits', () => {
  it('counts every spelling of an ingestion path Express routes to the same handler', () => {
    const limits = new RequestRateLimits({ ingestPerMinute: 2 }, () => 1_000_000);
    const hit = (path: string) => limits.check('POST', path, '127.0.0.1', 'Bearer k');
    expect(hit('/api/events')).toBeNull();
    expect(hit('/API/Events/')).toBeNull();
    expect(hit('/api/EVENTS//')).toMatchObject({ message: expect.stringMatching(/too many ingestion requests/) });
    expect(hit('/api/contacts/')).toMatchObject({ retryAfterSeconds: 60 });
  });

  it('leaves other routes alone', () => {
    const limits = new RequestRateLimits({ ingestPerMinute: 1 }, () => 0);
    for (let i = 0; i < 3; i++) expect(limits.check('POST', '/api/flows', '127.0.0.1', 'Bearer k')).toBeNull();
  });
});
