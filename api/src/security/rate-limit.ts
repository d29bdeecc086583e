/**
 * Fixed-window rate limits for the two routes an attacker or a runaway client hammers: sign-in (per client address
 * and per account, in the login handler: `login-throttle.ts`) and ingestion (per credential: a loop posting events,
 * here). Counted in this process's memory, so
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
  /** ingestion requests (POST /api/events, /api/contacts) per minute per credential; 0 switches it off */
  ingestPerMinute: number;
}

/** A refused request: the 429 answer's Retry-After and message. */
export interface RateLimitRefusal {
  retryAfterSeconds: number;
  message: string;
}

/**
 * The limits of one process, shared by the Express middleware and the ingestion edge (`contacts/ingestion-edge.ts`)
 * so that a credential's requests count once whichever way they came.
 */
export class RequestRateLimits {
  private readonly ingest: FixedWindowLimiter | null;

  constructor(limits: RateLimits, now: () => number = Date.now) {
    this.ingest = limits.ingestPerMinute > 0 ? new FixedWindowLimiter(limits.ingestPerMinute, 60_000, now) : null;
  }

  /** Counts the request when a limit covers it; a refusal when it is over. */
  check(method: string, path: string, clientAddress: string | undefined, authorization: string | undefined): RateLimitRefusal | null {
    if (method !== 'POST' || !this.ingest) return null;
    const route = routeOf(path);
    if (route !== '/api/events' && route !== '/api/contacts') return null;
    // the credential, hashed (no key kept in memory in clear), or without one the client address
    const verdict = this.ingest.hit(authorization ? createHash('sha256').update(authorization).digest('base64url') : `ip:${clientAddress}`);
    if (verdict.allowed) return null;
    return {
      retryAfterSeconds: verdict.retryAfterSeconds,
      message: `too many ingestion requests; retry in ${verdict.retryAfterSeconds} s`,
    };
  }
}

/**
 * The path as Express's router matches it: case-insensitively and with or without trailing slashes, so
 * `/API/Events/` counts as `/api/events` (it reaches the same handler).
 */
export function routeOf(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

export function rateLimitMiddleware(limits: RequestRateLimits) {
  return (req: Request, res: Response, next: NextFunction) => {
    const refusal = limits.check(req.method, req.path, req.ip, req.headers.authorization);
    if (!refusal) return next();
    res
      .status(429)
      .setHeader('Retry-After', String(refusal.retryAfterSeconds))
      .json({ statusCode: 429, error: 'Too Many Requests', message: refusal.message });
  };
}
