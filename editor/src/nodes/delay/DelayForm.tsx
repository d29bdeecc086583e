/** The wait's form: a duration, a time of day, an event with a timeout, or the contact's usual active hour. */
import type { DelayData } from '../../engine';
import { EventNames } from '../../forms/EventNames';
import { DurationField, SelectField, TextField, TimeOfDayField } from '../../forms/fields';
import { withOptional } from '../../forms/with-optional';
import { bestHourChoice, bestHourDefault, BestHourFields } from '../../insights/BestHourFields';
import type { FormProps } from '../types';

type DelayMode = 'duration' | 'until' | 'waitFor' | 'bestHour';

export function DelayForm({ config, onChange, disabled }: FormProps<DelayData>) {
  const mode: DelayMode = 'duration' in config ? 'duration' : 'until' in config ? 'until' : 'bestHour' in config ? 'bestHour' : 'waitFor';
  return (
    <>
      <SelectField<DelayMode>
        label="Wait"
        name="delayMode"
        value={mode}
        disabled={disabled}
        options={[
          ['duration', 'For a duration'],
          ['until', 'Until a time of day'],
          ['waitFor', 'For an event, with a timeout'],
          bestHourChoice,
        ]}
        onChange={(m) =>
          onChange(
            m === 'duration'
              ? { duration: 'P1D' }
              : m === 'until'
                ? { until: '09:00' }
                : m === 'bestHour'
                  ? bestHourDefault
                  : { waitFor: { event: 'app_open', timeout: 'P3D' } },
          )
        }
      />
      {'bestHour' in config && <BestHourFields config={config} onChange={onChange} disabled={disabled} />}
      {'duration' in config && (
        <DurationField
          label="Wait time"
          name="duration"
          value={config.duration}
          disabled={disabled}
          onChange={(duration) => onChange({ duration })}
        />
      )}
      {'until' in config && (
        <>
          <TimeOfDayField
            label="Continue at"
            name="until"
            value={config.until}
            timezone={config.timezone}
            disabled={disabled}
            onChange={(until) => onChange({ ...config, until })}
          />
          <TextField
            label="In the time zone"
            name="timezone"
            issueKey="timezone"
            placeholder="each contact's own time zone"
            value={config.timezone}
            disabled={disabled}
            hint="Leave empty to use each contact's time zone, or name one such as Asia/Shanghai"
            onChange={(tz) =>
              onChange(withOptional({ until: config.until, timezone: config.timezone }, 'timezone', tz.trim() === '' ? undefined : tz))
            }
          />
        </>
      )}
      {'waitFor' in config && (
        <>
          <TextField
            label="Event"
            name="waitEvent"
            list="event-names"
            value={config.waitFor.event}
            disabled={disabled}
            onChange={(event) => onChange({ waitFor: { ...config.waitFor, event } })}
          />
          <EventNames />
          <DurationField
            label="Wait at most"
            name="timeout"
            value={config.waitFor.timeout}
            disabled={disabled}
            onChange={(timeout) => onChange({ waitFor: { ...config.waitFor, timeout } })}
          />
          <p className="hint">Leaves by the “event” exit when it happens, by “timeout” otherwise.</p>
        </>
      )}
    </>
  );
}
