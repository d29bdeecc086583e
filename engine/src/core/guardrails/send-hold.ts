import type { ChannelKind } from '../schema';
import { nextAllowedSendTime, type QuietHours } from './quiet-hours';

/**
 * Checked again at send time by the dispatcher: a message queued outside quiet hours can come due inside them (a
 * retry's backoff, a backlog, a crashed dispatcher's rows re-sent later). Returns when it may go, or null when it may
 * go now. Webhooks are system calls and are never held (as at queue time).
 */
export function sendHoldUntil(channel: ChannelKind, now: Date, timezone: string | null, quietHours: QuietHours | null): Date | null {
  if (channel === 'webhook') return null;
  const allowed = nextAllowedSendTime(now, timezone ?? 'UTC', quietHours);
  return allowed.getTime() > now.getTime() ? allowed : null;
}
