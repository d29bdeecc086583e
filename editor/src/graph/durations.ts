/**
 * Durations in the marketer's words: a number and a unit (minutes, hours, days, weeks) ⇄ the ISO 8601 the graph
 * stores (`PT30M`, `PT24H`, `P3D`, `P1W`). Anything the picker cannot show exactly stays editable as ISO text.
 */
import type { DurationParts } from '../engine';

export { describeDuration, describeTimeOfDay, durationUnits, splitDuration, type DurationParts, type DurationUnit } from '../engine';

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
