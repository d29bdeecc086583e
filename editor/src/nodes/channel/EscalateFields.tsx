import { channelKinds, type ChannelData, type Escalate } from '../../engine';
import { Check, DurationField, SelectField, useFieldIssue } from '../../forms/fields';
import { withOptional } from '../../forms/with-optional';
import { describeDuration } from '../../graph/durations';
import type { FormProps } from '../types';
import { channelNames } from './channel-names';

/** "Escalate if not clicked/opened after … to …": the same copy on the next channel(s), no wiring. */
export function EscalateFields({ config, onChange, disabled }: FormProps<ChannelData>) {
  const esc = config.escalate;
  const others = channelKinds.filter((c) => c !== config.channel);
  const set = (next: Escalate) => onChange({ ...config, escalate: next });
  const toIssue = useFieldIssue('escalateTo');
  return (
    <div className="rows" data-escalate>
      <Check
        label="Escalate to another channel when this message is ignored"
        name="escalateOn"
        checked={esc !== undefined}
        disabled={disabled}
        onChange={(on) =>
          onChange(
            withOptional(
              config,
              'escalate',
              on ? { after: 'P1D', unless: 'clicked', to: [others.includes('sms') ? 'sms' : others[0]] } : undefined,
            ),
          )
        }
      />
      {esc && (
        <div className="row-card">
          <SelectField<Escalate['unless']>
            label="If the contact has not"
            name="escalateUnless"
            value={esc.unless}
            disabled={disabled}
            options={[
              ['clicked', 'clicked it'],
              ['opened', 'opened it'],
            ]}
            onChange={(unless) => set({ ...esc, unless })}
          />
          <DurationField
            label="After"
            name="escalateAfter"
            value={esc.after}
            disabled={disabled}
            onChange={(after) => set({ ...esc, after })}
          />
          <div className={`field ${toIssue ? 'invalid' : ''}`} data-field="escalateTo">
            <span>Send the same copy by (in this order)</span>
            <div className="checks">
              {others.map((c) => (
                <Check
                  key={c}
                  name={`escalate-${c}`}
                  label={esc.to.includes(c) ? `${channelNames[c]} (${esc.to.indexOf(c) + 1})` : channelNames[c]}
                  disabled={disabled || (esc.to.length === 1 && esc.to[0] === c)}
                  checked={esc.to.includes(c)}
                  onChange={(on) => set({ ...esc, to: on ? [...esc.to, c] : esc.to.filter((x) => x !== c) })}
                />
              ))}
            </div>
            {toIssue && <small className="field-error">{toIssue}</small>}
            <small className="hint">
              {`If not ${esc.unless} within ${describeDuration(esc.after)}, the message goes again by ${esc.to.map((c) => channelNames[c]).join(', then ')}. At least one channel; a channel the contact cannot get is skipped.`}
            </small>
          </div>
        </div>
      )}
    </div>
  );
}
