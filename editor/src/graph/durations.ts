/**
 * Durations in the marketer's words: a number and a unit (minutes, hours, days, weeks) ⇄ the ISO 8601 the graph
 * stores (`PT30M`, `PT24H`, `P3D`, `P1W`). Anything the picker cannot show exactly stays editable as ISO text.
 */
export const durationUnits = ['minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof durationUnits)[number];

export interface DurationParts {
  amount: number;
  unit: DurationUnit;
}

const pattern = /^P(?:(\d+)W|(\d+)D|T(\d+)H|T(\d+)M)$/;

export function splitDuration(iso: string | undefined): DurationParts | null {
  const m = pattern.exec(iso ?? '');
  if (!m) return null;
  if (m[1] !== undefined) return { amount: Number(m[1]), unit: 'weeks' };
  if (m[2] !== undefined) return { amount: Number(m[2]), unit: 'days' };
  if (m[3] !== undefined) return { amount: Number(m[3]), unit: 'hours' };
  return { amount: Number(m[4]), unit: 'minutes' };
}

export function joinDuration({ amount, unit }: DurationParts): string {
  const n = Math.max(0, Math.trunc(amount));
  switch (unit) {
    case 'weeks':
      return `P${n}W`;
    case 'days':
      return `P${n}D`;
    case 'hours':
      return `PT${n}H`;
    case 'minutes':
      return `PT${n}M`;
  }
}

/** "7 days", "1 hour", "2 weeks"; other ISO values are shown as they are. */
export function describeDuration(iso: string | undefined): string {
  const parts = splitDuration(iso);
  if (!parts) return iso ?? '';
  const singular = parts.unit.slice(0, -1);
  return `${parts.amount} ${parts.amount === 1 ? singular : parts.unit}`;
}

/** "9:00" → "9:00", "21:30" → "21:30"; with the zone wording used on cards and in forms. */
export function describeTimeOfDay(hhmm: string, timezone?: string): string {
  const [h, m] = hhmm.split(':');
  const time = `${Number(h)}:${m ?? '00'}`;
  return timezone ? `${time} in ${timezone}` : `${time} in the contact's time zone`;
}
