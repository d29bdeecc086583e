/**
 * The delay form's fourth choice (issue 24): wait until the contact's usual active hour, learnt from their own
 * activity (else their time zone's), with a set time of day when there is too little to go on.
 */
import type { DelayData } from '../engine';
import { TimeOfDayField } from '../forms/fields';

type BestHourData = Extract<DelayData, { bestHour: unknown }>;

export const bestHourChoice: ['bestHour', string] = ['bestHour', "At the contact's usual active hour"];
export const bestHourDefault: BestHourData = { bestHour: { fallback: '10:00' } };

export function BestHourFields({
  config,
  onChange,
  disabled,
}: {
  config: BestHourData;
  onChange: (config: BestHourData) => void;
  disabled: boolean;
}) {
  return (
    <>
      <TimeOfDayField
        label="When we do not know their usual hour yet, continue at"
        name="bestHourFallback"
        value={config.bestHour.fallback}
        disabled={disabled}
        onChange={(fallback) => onChange({ bestHour: { fallback } })}
      />
      <p className="hint" data-best-hour-hint>
        Continues at the next hour of the day this contact is usually active (from their last 8 weeks of activity), else the busiest hour of
        people in their time zone, else at this time. The journey log says which and why.
      </p>
    </>
  );
}
