/**
 * Provider rate limits: at most `limit` messages of a channel in any window of `per` (second, minute, hour, day),
 * across every engine process. Set in the workspace settings (`sendRateLimits`), or written
 * `sms=10/s, email=100/m, email=50000/d` in SEND_RATE_LIMITS, which wins when set; a channel may have
 * several limits and a message needs room under all of them. One provider serves a channel at a time, so a
 * channel's limit is its provider's.
 *
 * The window is a sliding one, kept as a short log of grants `[at, count]` per limit: a grant is allowed while the
 * grants of the last `per` leave room. Grant times are rounded UP to a hundredth of the window, which keeps the log
 * at ~100 entries and can only make a grant expire later (never more than `limit` in any window).
 */
import { z } from 'zod';
import { channelKinds } from './schema';

export const ratePeriods = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type RatePeriod = keyof typeof ratePeriods;

/** One limit, as the workspace settings store it (`sendRateLimits`) and SEND_RATE_LIMITS parses into. */
export const sendRateLimitSchema = z
  .object({
    channel: z.enum(channelKinds),
    limit: z.number().int().min(1).max(1_000_000_000).describe('messages at most…'),
    per: z.enum(['s', 'm', 'h', 'd']).describe('…in any second, minute, hour or day'),
  })
  .strict();
export type SendRateLimit = z.infer<typeof sendRateLimitSchema>;

/**
 * The limits in force: SEND_RATE_LIMITS when the operator set it (it pins the provider contracts for every process
 * and wins over the workspace settings), else the workspace settings' `sendRateLimits`.
 */
export function effectiveRateLimits(
  fromEnvironment: readonly SendRateLimit[] | undefined,
  fromSettings: readonly SendRateLimit[],
): { limits: SendRateLimit[]; source: 'environment' | 'settings' } {
  return fromEnvironment?.length
    ? { limits: [...fromEnvironment], source: 'environment' }
    : { limits: [...fromSettings], source: 'settings' };
}

/** A grant log: `[epoch ms, messages]`, oldest first. */
export type GrantLog = [number, number][];

const periodWords: Record<string, RatePeriod> = {
  s: 's',
  sec: 's',
  second: 's',
  m: 'm',
  min: 'm',
  minute: 'm',
  h: 'h',
  hour: 'h',
  d: 'd',
  day: 'd',
};

/** Parses `sms=10/s, email=100/minute`; throws an Error naming the part it cannot read. */
export function parseSendRateLimits(text: string): SendRateLimit[] {
  const limits: SendRateLimit[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(\w+)\s*=\s*(\d+)\s*\/\s*(\w+)$/.exec(part);
    const channel = match?.[1] as SendRateLimit['channel'] | undefined;
    const per = match ? periodWords[match[3].toLowerCase()] : undefined;
    const limit = match ? Number(match[2]) : NaN;
    if (!match || !channel || !channelKinds.includes(channel) || !per || !(limit >= 1 && limit <= 1_000_000_000))
      throw new Error(`"${part}": expected channel=count/period, e.g. sms=10/s (channels ${channelKinds.join(', ')}; periods s, m, h, d)`);
    limits.push({ channel, limit, per });
  }
  return limits;
}

/** The row that holds one limit's grant log. */
export function rateLimitKey(l: SendRateLimit): string {
  return `${l.channel}:${l.limit}/${l.per}`;
}

/** The grants of `log` still inside the window that ends at `now`. */
export function liveGrants(log: GrantLog, per: RatePeriod, now: number): GrantLog {
  return log.filter(([at]) => at > now - ratePeriods[per]);
}

/** Messages `limit` still allows at `now`. */
export function roomIn(log: GrantLog, l: SendRateLimit, now: number): number {
  return Math.max(0, l.limit - liveGrants(log, l.per, now).reduce((sum, [, n]) => sum + n, 0));
}

/** `log` with `count` more messages granted at `now` (rounded up to a hundredth of the window), expired grants dropped. */
export function withGrant(log: GrantLog, per: RatePeriod, now: number, count: number): GrantLog {
  const granule = Math.max(1, ratePeriods[per] / 100);
  const at = Math.ceil(now / granule) * granule;
  const live = liveGrants(log, per, now);
  const last = live[live.length - 1];
  if (last && last[0] === at) return [...live.slice(0, -1), [at, last[1] + count]];
  return [...live, [at, count]];
}

/** `log` with `count` unused messages of the grant at `at` given back. */
export function withoutGrant(log: GrantLog, at: number, count: number): GrantLog {
  return log.map(([t, n]): [number, number] => (t === at ? [t, Math.max(0, n - count)] : [t, n])).filter(([, n]) => n > 0);
}

/** When `limit` next has room for one message (now when it has room already). */
export function nextRoomAt(log: GrantLog, l: SendRateLimit, now: number): number {
  const live = liveGrants(log, l.per, now);
  let used = live.reduce((sum, [, n]) => sum + n, 0);
  for (const [at, n] of live) {
    if (used < l.limit) break;
    used -= n;
    if (used < l.limit) return at + ratePeriods[l.per];
  }
  return now;
}
