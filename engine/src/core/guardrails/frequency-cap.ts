import type { ChannelKind } from '../schema';
import type { FrequencyCap, SendFact } from '../types';
import { addDuration, subtractDuration } from '../durations';

export type FrequencyCapVerdict =
  | { allowed: true }
  /** `retryAt`: when enough counted sends have left the window; absent when the cap can never allow (max 0) */
  | { allowed: false; cap: FrequencyCap; retryAt?: Date; count: number };

/**
 * Checks every cap that applies to `channel` (its own and `all`) over the contact's recent sends from all flows.
 * A send counts while `now − per < at`. A send after `now` counts too: another engine process whose tick read a later
 * clock (replicas tick at slightly different instants, the virtual clock moves during a tick) already sent it, and
 * ignoring it let two processes send one contact two pushes in 20 minutes (found by the fault suite).
 * When several caps block, the latest retryAt wins (all must clear).
 */
export function frequencyCapVerdict(
  channel: ChannelKind,
  recentSends: readonly SendFact[],
  caps: readonly FrequencyCap[],
  now: Date,
): FrequencyCapVerdict {
  let blocked: Extract<FrequencyCapVerdict, { allowed: false }> | null = null;
  for (const cap of caps) {
    if (cap.channel !== 'all' && cap.channel !== channel) continue;
    const windowStart = subtractDuration(now, cap.per).getTime();
    const counted = recentSends
      .filter((s) => (cap.channel === 'all' || s.channel === cap.channel) && s.at.getTime() > windowStart)
      .map((s) => s.at.getTime())
      .sort((a, b) => a - b);
    if (counted.length < cap.max) continue;
    if (cap.max <= 0) return { allowed: false, cap, count: counted.length };
    // the send that must leave the window so that one more fits
    const leaving = counted[counted.length - cap.max];
    const retryAt = addDuration(new Date(leaving), cap.per);
    if (!blocked || (blocked.retryAt && retryAt > blocked.retryAt)) {
      blocked = { allowed: false, cap, retryAt, count: counted.length };
    }
  }
  return blocked ?? { allowed: true };
}
