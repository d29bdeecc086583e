/**
 * ISO 8601 durations and local wall-clock arithmetic, on luxon. Every function takes its instant explicitly.
 */
import { DateTime, Duration, IANAZone } from 'luxon';

/** A parsed, strictly positive duration, or null (unparseable, zero or negative). */
export function parseDuration(iso: unknown): Duration | null {
  if (typeof iso !== 'string' || iso.length > 40) return null;
  // luxon Durations are immutable: flows use a handful of distinct durations, each parsed once (memoised)
  const known = parsedDurations.get(iso);
  if (known !== undefined) return known;
  const parsed = parseDurationUncached(iso);
  if (parsedDurations.size > 10_000) parsedDurations.clear();
  parsedDurations.set(iso, parsed);
  return parsed;
}

const parsedDurations = new Map<string, Duration | null>();

function parseDurationUncached(iso: string): Duration | null {
  const d = Duration.fromISO(iso);
  if (!d.isValid) return null;
  const values = Object.values(d.toObject()) as number[];
  if (values.some((v) => v < 0 || !Number.isFinite(v))) return null;
  return d.toMillis() > 0 ? d : null;
}

/**
 * The exact length in ms of a duration when adding it is plain arithmetic in `zone`, else null: time units
 * (hours, minutes, seconds) are exact everywhere; weeks and days only in UTC, which has no DST (elsewhere a local
 * day may be 23 or 25 hours); months and years never (their length depends on the date).
 */
const fixedLengths = new Map<string, number | null>();
function fixedLength(iso: string, zone: string): number | null {
  const key = zone === 'UTC' ? `U${iso}` : `Z${iso}`;
  let ms = fixedLengths.get(key);
  if (ms === undefined) {
    const d = requireDuration(iso);
    const calendarFree = !d.years && !d.quarters && !d.months;
    const dayFree = !d.weeks && !d.days;
    ms = calendarFree && (dayFree || zone === 'UTC') ? d.as('milliseconds') : null;
    if (fixedLengths.size > 10_000) fixedLengths.clear();
    fixedLengths.set(key, ms);
  }
  return ms;
}

export function isValidDuration(iso: unknown): boolean {
  return parseDuration(iso) !== null;
}

/** Why a value is not a positive ISO 8601 duration: a duration of zero or less, or not a duration at all; null if it is one. */
export function durationProblem(iso: unknown): 'notPositive' | 'invalid' | null {
  if (parseDuration(iso) !== null) return null;
  const d = typeof iso === 'string' && iso.length <= 40 ? Duration.fromISO(iso) : null;
  return d?.isValid && d.toMillis() <= 0 ? 'notPositive' : 'invalid';
}

// luxon's isValidZone builds an Intl.DateTimeFormat per call (~0.3 ms and garbage): the answer per name is memoised
const zoneValidity = new Map<string, boolean>();

export function isValidTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size > 10_000) zoneValidity.clear();
    zoneValidity.set(zone, valid);
  }
  return valid;
}

/** The zone itself when valid, else UTC (invalid zones never throw here). */
export function safeZone(zone: string | null | undefined): string {
  return zone && isValidTimeZone(zone) ? zone : 'UTC';
}

function requireDuration(iso: string): Duration {
  const d = parseDuration(iso);
  if (!d) throw new Error(`invalid ISO duration "${iso}"`);
  return d;
}

/** `at + iso` in `zone`: calendar units (P1D) keep the local wall time across DST; time units (PT24H) are exact. */
export function addDuration(at: Date, iso: string, zone = 'UTC'): Date {
  const z = safeZone(zone);
  const fixed = fixedLength(iso, z);
  if (fixed !== null) return new Date(at.getTime() + fixed);
  return DateTime.fromJSDate(at, { zone: z }).plus(requireDuration(iso)).toJSDate();
}

export function subtractDuration(at: Date, iso: string, zone = 'UTC'): Date {
  const z = safeZone(zone);
  const fixed = fixedLength(iso, z);
  if (fixed !== null) return new Date(at.getTime() - fixed);
  return DateTime.fromJSDate(at, { zone: z }).minus(requireDuration(iso)).toJSDate();
}

/** The zone's UTC offset in minutes at an instant (exact: the zone's own rules at that instant). */
export function zoneOffsetMinutes(at: number, zone: string): number {
  const z = safeZone(zone);
  return z === 'UTC' ? 0 : IANAZone.create(z).offset(at);
}

/** Local minutes after midnight of an instant in `zone`. */
export function localMinuteOfDay(at: Date, zone: string): number {
  const wall = at.getTime() + zoneOffsetMinutes(at.getTime(), zone) * 60_000;
  return Math.floor((((wall % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
}

/** `HH:mm` → minutes after local midnight. */
export function parseTimeOfDay(hhmm: string): { hour: number; minute: number } {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`invalid local time "${hhmm}" (HH:mm)`);
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) throw new Error(`invalid local time "${hhmm}" (HH:mm)`);
  return { hour, minute };
}

/**
 * The instant at local date + time of day in `zone`. A nonexistent local time (inside a spring-forward gap) maps to
 * the first valid instant after it, i.e. the moment the clocks jump; an ambiguous one (fall-back) to its first
 * occurrence.
 */
export function localDateTime(
  date: { year: number; month: number; day: number },
  time: { hour: number; minute: number },
  zone: string,
): DateTime {
  return localOccurrences(date, time, zone)[0];
}

/** Every instant showing local date + time in `zone`, earliest first: one, two in a fall-back overlap, one in a gap. */
export function localOccurrences(
  date: { year: number; month: number; day: number },
  time: { hour: number; minute: number },
  zone: string,
): DateTime[] {
  const z = safeZone(zone);
  const dt = DateTime.fromObject({ ...date, ...time, second: 0, millisecond: 0 }, { zone: z });
  const shows = (d: DateTime) =>
    d.year === date.year && d.month === date.month && d.day === date.day && d.hour === time.hour && d.minute === time.minute;
  if (shows(dt)) {
    // an ambiguous wall time (fall-back overlap) shows twice; DST shifts are 30 or 60 minutes
    const all = [-120, -60, -30, 0, 30, 60, 120]
      .map((m) => dt.plus({ minutes: m }))
      .filter(shows)
      .sort((a, b) => a.toMillis() - b.toMillis());
    return all.filter((d, i) => i === 0 || d.toMillis() !== all[i - 1].toMillis());
  }
  // In a gap: luxon shifted forward by the gap. Find the first instant whose wall time is ≥ the wanted one.
  const wanted = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const iana = IANAZone.create(z);
  const wallOf = (ms: number) => ms + iana.offset(ms) * 60_000;
  let lo = dt.toMillis() - 4 * 3_600_000; // wall < wanted
  let hi = dt.toMillis(); // wall ≥ wanted
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(mid) >= wanted) hi = mid;
    else lo = mid;
  }
  return [DateTime.fromMillis(Math.ceil(hi / 1000) * 1000, { zone: z })];
}

/** The next occurrence of local `HH:mm` in `zone` strictly after `now`. */
export function nextLocalTime(now: Date, zone: string, hhmm: string): Date {
  const time = parseTimeOfDay(hhmm);
  const local = DateTime.fromJSDate(now, { zone: safeZone(zone) });
  for (let addDays = 0; addDays < 3; addDays++) {
    const day = local.plus({ days: addDays });
    for (const candidate of localOccurrences({ year: day.year, month: day.month, day: day.day }, time, zone)) {
      if (candidate.toMillis() > now.getTime()) return candidate.toJSDate();
    }
  }
  throw new Error('unreachable: no next local time within 3 days');
}

/** Local calendar day `yyyy-MM-dd` of an instant in `zone`. */
export function localDay(at: Date, zone: string): string {
  const wall = new Date(at.getTime() + zoneOffsetMinutes(at.getTime(), zone) * 60_000);
  if (Number.isNaN(wall.getTime())) return '';
  const y = wall.getUTCFullYear();
  // luxon's toISODate form for years outside 0000–9999 (±YYYYYY) is kept by delegating those rare cases
  if (y < 0 || y > 9999) return DateTime.fromJSDate(at, { zone: safeZone(zone) }).toISODate() ?? '';
  return wall.toISOString().slice(0, 10);
}
