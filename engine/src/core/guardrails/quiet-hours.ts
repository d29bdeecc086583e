import { localMinuteOfDay, nextLocalTime, parseTimeOfDay } from '../durations';

export interface QuietHours {
  /** local HH:mm when quiet hours begin */
  start: string;
  /** local HH:mm when sending is allowed again; start > end wraps midnight (21:00–09:00) */
  end: string;
}

const minutesOf = (hhmm: string) => {
  const { hour, minute } = parseTimeOfDay(hhmm);
  return hour * 60 + minute;
};

/** Whether `now` falls inside quiet hours in `timezone` (start inclusive, end exclusive). null or start = end: never. */
export function isInQuietHours(now: Date, timezone: string, quietHours: QuietHours | null): boolean {
  if (!quietHours) return false;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return false;
  const m = localMinuteOfDay(now, timezone);
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/**
 * `now` when sending is allowed, else the next moment quiet hours end (local `end` in the contact's zone; DST-safe:
 * 23:00 local waits until 09:00 local the next day whatever the UTC offset does overnight).
 */
export function nextAllowedSendTime(now: Date, timezone: string, quietHours: QuietHours | null): Date {
  if (!quietHours || !isInQuietHours(now, timezone, quietHours)) return now;
  return nextLocalTime(now, timezone, quietHours.end);
}
