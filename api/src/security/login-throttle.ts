/**
 * The sign-in limit (issue 20). It sits in the login handler itself, so it counts every request Express routed there
 * whatever the spelling of its path (`/api/auth/Login`, `/API/auth/login/` reach the same handler; a middleware
 * comparing the path did not see them). Two counters, both must allow: per client address (one machine guessing
 * many passwords) and per account (many machines spraying one account). The client address is Express's `req.ip`,
 * which honours `TRUST_PROXY`.
 */
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { FixedWindowLimiter, type RateLimitRefusal } from './rate-limit';

@Injectable()
export class LoginThrottle {
  private readonly perAddress: FixedWindowLimiter | null;
  private readonly perAccount: FixedWindowLimiter | null;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'RATE_LIMIT_LOGIN'>) {
    const limit = config.RATE_LIMIT_LOGIN;
    this.perAddress = limit > 0 ? new FixedWindowLimiter(limit, 60_000) : null;
    this.perAccount = limit > 0 ? new FixedWindowLimiter(limit, 60_000) : null;
  }

  /** Counts one attempt; the refusal (429 with `Retry-After`) when either counter is over. */
  check(clientAddress: string | undefined, email: string): RateLimitRefusal | null {
    if (!this.perAddress || !this.perAccount) return null;
    // an address already over its limit does not spend the account's budget (its attempts never reach a password)
    const byAddress = this.perAddress.hit(`ip:${clientAddress}`);
    const verdict = byAddress.allowed ? this.perAccount.hit(`account:${email.trim().toLowerCase()}`) : byAddress;
    if (verdict.allowed) return null;
    const retryAfterSeconds = verdict.retryAfterSeconds;
    return { retryAfterSeconds, message: `too many sign-in attempts; retry in ${retryAfterSeconds} s` };
  }
}
