/**
 * Fixed-window rate limits for the two routes an attacker or a runaway client hammers: sign-in (per client address:
 * password guessing) and ingestion (per credential: a loop posting events). Counted in this process's memory, so
 * behind a load balancer each API replica allows the limit (document the product, not a shared store). Answers 429
 * with `Retry-After` (seconds until the window ends) and a JSON message.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key`: allowed, or refused with the seconds until its window ends. */
  hit(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)) };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}

export interface RateLimits {
  /** sign-in attempts per minute per client address; 0 switches the limit off */
  loginPerMinute: number;
  /** ingestion requests (POST /api/events, /api/contacts) per minute per credential; 0 switches it off */
  ingestPerMinute: number;
}

/** The credential (hashed: no key kept in memory in clear) or, without one, the client address. */
function callerOf(req: Request): string {
  const auth = req.headers.authorization;
  return auth ? createHash('sha256').update(auth).digest('base64url') : `ip:${req.ip}`;
}

export function rateLimitMiddleware(limits: RateLimits, now: () => number = Date.now) {
  const login = limits.loginPerMinute > 0 ? new FixedWindowLimiter(limits.loginPerMinute, 60_000, now) : null;
  const ingest = limits.ingestPerMinute > 0 ? new FixedWindowLimiter(limits.ingestPerMinute, 60_000, now) : null;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    let verdict: ReturnType<FixedWindowLimiter['hit']> | null = null;
    let what = '';
    if (login && req.path === '/api/auth/login') {
      verdict = login.hit(`ip:${req.ip}`);
      what = 'sign-in attempts';
    } else if (ingest && (req.path === '/api/events' || req.path === '/api/contacts')) {
      verdict = ingest.hit(callerOf(req));
      what = 'ingestion requests';
    }
    if (!verdict || verdict.allowed) return next();
    res
      .status(429)
      .setHeader('Retry-After', String(verdict.retryAfterSeconds))
      .json({ statusCode: 429, error: 'Too Many Requests', message: `too many ${what}; retry in ${verdict.retryAfterSeconds} s` });
  };
}
