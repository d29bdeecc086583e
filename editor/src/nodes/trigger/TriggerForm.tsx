/** The trigger's form: who enters (inactive, an event, a segment), an optional audience, and re-entry. */
import type { TriggerData } from '../../engine';
import { EventMatchFields } from '../../forms/EventNames';
import { Check, DurationField, IntegerField, SelectField } from '../../forms/fields';
import { RuleBuilder } from '../../forms/RuleBuilder';
import { withOptional } from '../../forms/with-optional';
import { describeDuration } from '../../graph/durations';
import type { FormProps } from '../types';

type Reentry = 'default' | 'never' | 'cooldown';

export function TriggerForm({ config, onChange, disabled }: FormProps<TriggerData>) {
  const { audience, reentry } = config;
  const common = { ...(audience ? { audience } : {}), ...(reentry ? { reentry } : {}) };
  const reentryMode: Reentry = reentry === undefined ? 'default' : reentry === 'never' ? 'never' : 'cooldown';
  return (
    <>
      <SelectField
        label="Who enters"
        name="kind"
        value={config.kind}
        disabled={disabled}
        options={[
          ['inactive', 'Inactive for a number of days'],
          ['event', 'Did an event'],
          ['segment', 'Matches a segment rule'],
        ]}
        onChange={(kind) =>
          onChange(
            kind === 'inactive'
              ? { kind, days: 7, ...common }
              : kind === 'event'
                ? { kind, event: 'signed_up', ...common }
                : { kind, rule: { attribute: 'cart_items', op: 'gt', value: 0 }, ...common },
          )
        }
      />
      {config.kind === 'inactive' && (
        <IntegerField
          label="Days without activity"
          name="days"
          min={1}
          max={3650}
          value={config.days}
          disabled={disabled}
          onChange={(days) => days !== undefined && onChange({ ...config, days })}
        />
      )}
      {config.kind === 'event' && (
        <>
          <EventMatchFields label="Event name" name="event" issueKey="event" config={config} disabled={disabled} onChange={onChange} />
          <Check
            label="Ignore events that arrive late (old imports, phones that were offline)"
            name="maxAgeOn"
            checked={config.maxAge !== undefined}
            disabled={disabled}
            onChange={(on) => onChange(withOptional(config, 'maxAge', on ? 'P1D' : undefined))}
          />
          {config.maxAge !== undefined && (
            <DurationField
              label="Ignore events older than"
              name="maxAge"
              value={config.maxAge}
              disabled={disabled}
              hint={`An event that happened more than ${describeDuration(config.maxAge)} before it reached us does not start the flow.`}
              onChange={(maxAge) => onChange({ ...config, maxAge })}
            />
          )}
        </>
      )}
      {config.kind === 'segment' && (
        <RuleBuilder
          label="Contacts who match"
          name="rule"
          value={config.rule}
          disabled={disabled}
          onChange={(rule) => rule && onChange({ ...config, rule })}
        />
      )}
      <RuleBuilder
        label="Only contacts who also match (optional)"
        name="audience"
        optional
        value={audience}
        disabled={disabled}
        onChange={(a) => onChange(withOptional(config, 'audience', a))}
      />
      <SelectField<Reentry>
        label="Re-entry"
        name="reentry"
        value={reentryMode}
        disabled={disabled}
        options={[
          ['default', 'Once per contact (the default)'],
          ['never', 'Never: once per contact'],
          ['cooldown', 'Again after a cooldown'],
        ]}
        onChange={(mode) =>
          onChange(withOptional(config, 'reentry', mode === 'default' ? undefined : mode === 'never' ? 'never' : { cooldown: 'P30D' }))
        }
      />
      {reentry && reentry !== 'never' && (
        <DurationField
          label="Can enter again after"
          name="cooldown"
          value={reentry.cooldown}
          disabled={disabled}
          onChange={(cooldown) => onChange({ ...config, reentry: { cooldown } })}
        />
      )}
    </>
  );
}
