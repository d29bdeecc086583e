import { localMinuteOfDay, nextLocalTime, parseTimeOfDay } from '../durations';
import { flowQuietHoursSchema, type FlowQuietHours } from '../schema';
import type { EngineSettings } from '../types';

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

/** A flow's stored quiet-hours choice; anything unreadable (absent, written by hand) is the workspace's. */
export function flowQuietHoursOf(stored: unknown): FlowQuietHours {
  const parsed = flowQuietHoursSchema.safeParse(stored);
  return parsed.success ? parsed.data : 'workspace';
}

/** The quiet hours a flow's sends keep: the workspace's, none, or the flow's own window. */
export function quietHoursForFlow(workspace: QuietHours | null, flow: FlowQuietHours | undefined): QuietHours | null {
  if (flow === undefined || flow === 'workspace') return workspace;
  return flow === 'off' ? null : flow;
}

/** The engine settings one flow runs with: the workspace's, with the flow's own quiet hours (the same object when unchanged). */
export function settingsForFlow(settings: EngineSettings, flow: FlowQuietHours | undefined): EngineSettings {
  const quietHours = quietHoursForFlow(settings.quietHours, flow);
  return quietHours === settings.quietHours ? settings : { ...settings, quietHours };
}
