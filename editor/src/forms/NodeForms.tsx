/** The inspector's typed forms, one per node type; each edits exactly the engine's `data` shape for that type. */
import { channelKinds, type ChannelData, type ChannelKind, type ConditionData, type DelayData, type GoalData, type MessageTemplate, type TriggerData } from '../engine';
import { createContext, useContext } from 'react';
import { CopyFields, CopyPreview } from './CopyEditor';
import { Check, DurationField, IntegerField, SelectField, TextField, TimeOfDayField } from './fields';
import { RuleBuilder, useWorkspaceSchema } from './RuleBuilder';

/** The flow being edited, for the copy preview's `{{flow.name}}`. */
export const FlowInfo = createContext<{ id: string; name: string }>({ id: '', name: '' });

/** Event names the workspace has seen, for `<input list>` suggestions. */
function EventNames() {
  const schema = useWorkspaceSchema();
  return (
    <datalist id="event-names">
      {schema?.events.map((e) => (
        <option key={e.name} value={e.name}>{`${e.count} received`}</option>
      ))}
    </datalist>
  );
}

interface FormProps<C> {
  config: C;
  onChange: (config: C, renames?: Record<string, string>) => void;
  disabled: boolean;
}


// ---------------------------------------------------------------------------------------------------- trigger

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
        <IntegerField label="Days without activity" name="days" min={1} max={3650} value={config.days} disabled={disabled} onChange={(days) => days !== undefined && onChange({ ...config, days })} />
      )}
      {config.kind === 'event' && (
        <>
          <TextField label="Event name" name="event" list="event-names" issueKey="event" value={config.event} disabled={disabled} onChange={(event) => onChange({ ...config, event })} />
          <EventNames />
          <RuleBuilder label="Only when the event's properties match (optional)" name="where" subject="event" optional value={config.where} disabled={disabled} onChange={(where) => onChange(withOptional(config, 'where', where))} />
        </>
      )}
      {config.kind === 'segment' && (
        <RuleBuilder label="Contacts who match" name="rule" value={config.rule} disabled={disabled} onChange={(rule) => rule && onChange({ ...config, rule })} />
      )}
      <RuleBuilder label="Only contacts who also match (optional)" name="audience" optional value={audience} disabled={disabled} onChange={(a) => onChange(withOptional(config, 'audience', a))} />
      <SelectField<Reentry>
        label="Re-entry"
        name="reentry"
        value={reentryMode}
        disabled={disabled}
        options={[
          ['default', 'Engine default'],
          ['never', 'Never: once per contact'],
          ['cooldown', 'Again after a cooldown'],
        ]}
        onChange={(mode) => onChange(withOptional(config, 'reentry', mode === 'default' ? undefined : mode === 'never' ? 'never' : { cooldown: 'P30D' }))}
      />
      {reentry && reentry !== 'never' && (
        <DurationField label="Can enter again after" name="cooldown" value={reentry.cooldown} disabled={disabled} onChange={(cooldown) => onChange({ ...config, reentry: { cooldown } })} />
      )}
    </>
  );
}

function withOptional<C extends object, K extends string, V>(config: C, key: K, value: V | undefined): C {
  const next = { ...config } as Record<string, unknown>;
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as C;
}

// ---------------------------------------------------------------------------------------------------- condition

type ConditionMode = 'rule' | 'branches' | 'split';

export function ConditionForm({ config, onChange, disabled }: FormProps<ConditionData>) {
  const mode: ConditionMode = 'rule' in config ? 'rule' : 'branches' in config ? 'branches' : 'split';
  return (
    <>
      <SelectField<ConditionMode>
        label="Decide by"
        name="conditionMode"
        value={mode}
        disabled={disabled}
        options={[
          ['rule', 'A rule: yes / no'],
          ['branches', 'Layers: first matching branch, else'],
          ['split', 'Random split (A/B)'],
        ]}
        onChange={(m) =>
          onChange(
            m === 'rule'
              ? { rule: { active: true } }
              : m === 'branches'
                ? { branches: [{ id: 'heavy', rule: { attribute: 'usage_minutes', op: 'gt', value: 180 } }] }
                : { split: [{ id: 'a', percent: 50 }, { id: 'b', percent: 50 }] },
          )
        }
      />
      {'rule' in config && <RuleBuilder label="Go down “yes” when" name="rule" value={config.rule} disabled={disabled} onChange={(rule) => rule && onChange({ rule })} />}
      {'branches' in config && (
        <div className="rows">
          {config.branches.map((b, i) => (
            <div className="row-card" key={i}>
              <div className="row-head">
                <TextField
                  label={`Path ${i + 1} name (shown on its exit)`}
                  name={`branch-${i}-id`}
                  value={b.id}
                  disabled={disabled}
                  onChange={(id) => onChange({ branches: config.branches.map((x, j) => (j === i ? { ...x, id } : x)) }, { [b.id]: id })}
                />
                {!disabled && config.branches.length > 1 && (
                  <button type="button" className="btn small ghost" onClick={() => onChange({ branches: config.branches.filter((_, j) => j !== i) })}>
                    Remove
                  </button>
                )}
              </div>
              <RuleBuilder label="Contacts who match" name={`branch-${i}-rule`} value={b.rule} disabled={disabled} onChange={(rule) => rule && onChange({ branches: config.branches.map((x, j) => (j === i ? { ...x, rule } : x)) })} />
            </div>
          ))}
          {!disabled && (
            <button type="button" className="btn small" onClick={() => onChange({ branches: [...config.branches, { id: freshId(config.branches.map((b) => b.id), 'layer'), rule: { active: false } }] })}>
              Add branch
            </button>
          )}
          <p className="hint">Contacts go down the first branch whose rule matches, otherwise “else”.</p>
        </div>
      )}
      {'split' in config && (
        <div className="rows">
          {config.split.map((s, i) => (
            <div className="row-inline" key={i}>
              <TextField label="Arm id" name={`split-${i}-id`} value={s.id} disabled={disabled} onChange={(id) => onChange({ split: config.split.map((x, j) => (j === i ? { ...x, id } : x)) }, { [s.id]: id })} />
              <IntegerField label="Percent" name={`split-${i}-percent`} min={0} max={100} value={s.percent} disabled={disabled} onChange={(percent) => percent !== undefined && onChange({ split: config.split.map((x, j) => (j === i ? { ...x, percent } : x)) })} />
              {!disabled && config.split.length > 2 && (
                <button type="button" className="btn small ghost" onClick={() => onChange({ split: config.split.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              )}
            </div>
          ))}
          {!disabled && config.split.length < 10 && (
            <button type="button" className="btn small" onClick={() => onChange({ split: [...config.split, { id: freshId(config.split.map((s) => s.id), 'arm'), percent: 0 }] })}>
              Add arm
            </button>
          )}
          <p className={`hint ${config.split.reduce((n, s) => n + s.percent, 0) !== 100 ? 'warn' : ''}`}>
            Total {config.split.reduce((n, s) => n + s.percent, 0)}% (should be 100%).
          </p>
        </div>
      )}
    </>
  );
}

function freshId(taken: string[], base: string): string {
  for (let i = taken.length + 1; ; i++) if (!taken.includes(`${base}${i}`)) return `${base}${i}`;
}

// ---------------------------------------------------------------------------------------------------- delay

type DelayMode = 'duration' | 'until' | 'waitFor';

export function DelayForm({ config, onChange, disabled }: FormProps<DelayData>) {
  const mode: DelayMode = 'duration' in config ? 'duration' : 'until' in config ? 'until' : 'waitFor';
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
        ]}
        onChange={(m) => onChange(m === 'duration' ? { duration: 'P1D' } : m === 'until' ? { until: '09:00' } : { waitFor: { event: 'app_open', timeout: 'P3D' } })}
      />
      {'duration' in config && <DurationField label="Wait time" name="duration" value={config.duration} disabled={disabled} onChange={(duration) => onChange({ duration })} />}
      {'until' in config && (
        <>
          <TimeOfDayField label="Continue at" name="until" value={config.until} timezone={config.timezone} disabled={disabled} onChange={(until) => onChange({ ...config, until })} />
          <TextField
            label="In the time zone"
            name="timezone"
            issueKey="timezone"
            placeholder="each contact's own time zone"
            value={config.timezone}
            disabled={disabled}
            hint="Leave empty to use each contact's time zone, or name one such as Asia/Shanghai"
            onChange={(tz) => onChange(withOptional({ until: config.until, timezone: config.timezone }, 'timezone', tz.trim() === '' ? undefined : tz))}
          />
        </>
      )}
      {'waitFor' in config && (
        <>
          <TextField label="Event" name="waitEvent" list="event-names" value={config.waitFor.event} disabled={disabled} onChange={(event) => onChange({ waitFor: { ...config.waitFor, event } })} />
          <EventNames />
          <DurationField label="Wait at most" name="timeout" value={config.waitFor.timeout} disabled={disabled} onChange={(timeout) => onChange({ waitFor: { ...config.waitFor, timeout } })} />
          <p className="hint">Leaves by the “event” exit when it happens, by “timeout” otherwise.</p>
        </>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------------- channel

const channelNames: Record<ChannelKind, string> = { email: 'Email', push: 'App push', sms: 'SMS', webhook: 'Webhook' };

export function ChannelForm({ config, onChange, disabled }: FormProps<ChannelData>) {
  const channels = [config.channel, ...(config.fallback ?? [])];
  const flow = useContext(FlowInfo);
  const setTemplate = (key: keyof MessageTemplate, value: string) => onChange({ ...config, template: withOptional(config.template, key, value === '' ? undefined : value) });
  return (
    <>
      <SelectField<ChannelKind>
        label="Channel"
        name="channel"
        value={config.channel}
        disabled={disabled}
        options={channelKinds.map((c) => [c, channelNames[c]] as const)}
        onChange={(channel) => onChange(withOptional({ ...config, channel }, 'fallback', config.fallback?.filter((f) => f !== channel).length ? config.fallback.filter((f) => f !== channel) : undefined))}
      />
      <div className="field">
        <span>Fallback when the contact cannot get {channelNames[config.channel]}</span>
        <div className="checks">
          {channelKinds
            .filter((c) => c !== config.channel)
            .map((c) => (
              <Check
                key={c}
                name={`fallback-${c}`}
                label={channelNames[c]}
                disabled={disabled}
                checked={config.fallback?.includes(c) ?? false}
                onChange={(on) => {
                  const next = on ? [...(config.fallback ?? []), c] : (config.fallback ?? []).filter((f) => f !== c);
                  onChange(withOptional(config, 'fallback', next.length ? next : undefined));
                }}
              />
            ))}
        </div>
      </div>
      {channels.map((c) => (
        <fieldset className="template-fields" key={c}>
          <legend>
            {c === config.channel ? `${channelNames[c]} copy` : `${channelNames[c]} fallback copy`}
            {c !== config.channel && <small className="muted"> (shares fields with the main copy)</small>}
          </legend>
          <CopyFields channel={c} template={config.template} disabled={disabled} onChange={setTemplate} costCents={config.costCents} />
        </fieldset>
      ))}
      <CopyPreview channel={config.channel} template={config.template} costCents={config.costCents} flow={flow} />
      <p className="hint">Variables: any contact attribute ({'{{firstName}}'}), {'{{default firstName "there"}}'} for a fallback, {'{{links.click}}'} for a tracked link.</p>
      <IntegerField label="Cost per message (cents)" name="costCents" hint="Counts toward the flow's spend; an SMS costs this per segment" optional min={0} max={1_000_000} value={config.costCents} disabled={disabled} onChange={(costCents) => onChange(withOptional(config, 'costCents', costCents))} />
      <Check label="Win-back message (counts for “re-engaged” attribution)" name="winback" checked={config.winback ?? false} disabled={disabled} onChange={(winback) => onChange({ ...config, winback })} />
    </>
  );
}

// ---------------------------------------------------------------------------------------------------- goal

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
          <TextField label="Event" name="goalEvent" list="event-names" value={config.event} disabled={disabled} onChange={(event) => onChange({ ...config, event })} />
          <EventNames />
          <RuleBuilder label="Only when the event's properties match (optional)" name="where" subject="event" optional value={config.where} disabled={disabled} onChange={(where) => onChange(withOptional(config, 'where', where))} />
        </>
      ) : (
        <RuleBuilder label="Converted when" name="rule" value={config.rule} disabled={disabled} onChange={(rule) => rule && onChange({ rule })} />
      )}
      <p className="hint">Goals are checked on every tick and event: reaching one ends the journey as converted.</p>
    </>
  );
}
