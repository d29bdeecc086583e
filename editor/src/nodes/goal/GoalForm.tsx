/** The goal's form: converted when an event happens or a rule holds, and how long journeys that reach it wait. */
import type { GoalData } from '../../engine';
import { EventMatchFields } from '../../forms/EventNames';
import { DurationField, SelectField } from '../../forms/fields';
import { RuleBuilder } from '../../forms/RuleBuilder';
import { withOptional } from '../../forms/with-optional';
import { describeDuration } from '../../graph/durations';
import type { FormProps } from '../types';

export function GoalForm({ config, onChange, disabled }: FormProps<GoalData>) {
  const mode = 'event' in config ? 'event' : 'rule';
  return (
    <>
      <SelectField
        label="Converted when"
        name="goalMode"
        value={mode}
        disabled={disabled}
        options={[
          ['event', 'The contact does an event'],
          ['rule', 'A rule holds (e.g. active again)'],
        ]}
        onChange={(m) => onChange(m === 'event' ? { event: 'order_paid' } : { rule: { active: true } })}
      />
      {'event' in config ? (
        <>
          <EventMatchFields label="Event" name="goalEvent" config={config} disabled={disabled} onChange={onChange} />
        </>
      ) : (
        <RuleBuilder
          label="Converted when"
          name="rule"
          value={config.rule}
          disabled={disabled}
          onChange={(rule) => rule && onChange({ rule })}
        />
      )}
      <GoalWithin config={config} onChange={onChange} disabled={disabled} />
    </>
  );
}

/** The goal's optional `within`: how long a journey that reaches the goal along a connection waits for it. */
function GoalWithin({ config, onChange, disabled }: FormProps<GoalData>) {
  const what = 'event' in config ? `“${config.event || 'the event'}”` : 'the rule to hold';
  const waitWords = config.within ? describeDuration(config.within) : 'the attribution window (3 days unless the workspace says otherwise)';
  return (
    <div className="goal-within" data-goal-within>
      <SelectField
        label="Journeys that reach this step wait"
        name="goalWithinMode"
        value={config.within ? 'custom' : 'default'}
        disabled={disabled}
        options={[
          ['default', 'As long as the attribution window'],
          ['custom', 'For a time I choose'],
        ]}
        onChange={(m) => onChange(withOptional(config, 'within', m === 'custom' ? 'P3D' : undefined))}
      />
      {config.within && (
        <DurationField
          label="Wait up to"
          name="goalWithin"
          value={config.within}
          disabled={disabled}
          onChange={(within) => onChange({ ...config, within })}
        />
      )}
      <p className="hint" data-goal-sentence>
        Journeys that reach this step wait up to {waitWords} for {what}; if it doesn't come they end without converting. Contacts who{' '}
        {'event' in config ? 'do it' : 'meet it'} at any point in the journey convert at once. A goal with no incoming connection only
        watches the whole journey.
      </p>
    </div>
  );
}
