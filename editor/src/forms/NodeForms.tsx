/** The inspector's typed forms, one per node type; each edits exactly the engine's `data` shape for that type. */
import {
  channelKinds,
  type ChannelData,
  type ChannelKind,
  type Escalate,
  type ConditionData,
  type DelayData,
  type GoalData,
  type MessageTemplate,
  type TriggerData,
} from '../engine';
import { createContext, useContext, useState } from 'react';
import { CopyFields, CopyPreview } from './CopyEditor';
import { Check, DurationField, IntegerField, SelectField, TextField, TimeOfDayField, useFieldIssue } from './fields';
import { RuleBuilder, useWorkspaceSchema } from './RuleBuilder';
import { describeDuration } from '../graph/durations';
import { bestHourChoice, bestHourDefault, BestHourFields } from '../insights/BestHourFields';

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
          <TextField
            label="Event name"
            name="event"
            list="event-names"
            issueKey="event"
            value={config.event}
            disabled={disabled}
            onChange={(event) => onChange({ ...config, event })}
          />
          <EventNames />
          <RuleBuilder
            label="Only when the event's properties match (optional)"
            name="where"
            subject="event"
            optional
            value={config.where}
            disabled={disabled}
            onChange={(where) => onChange(withOptional(config, 'where', where))}
          />
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
          ['default', 'Engine default'],
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
                : {
                    split: [
                      { id: 'a', percent: 50 },
                      { id: 'b', percent: 50 },
                    ],
                  },
          )
        }
      />
      {'rule' in config && (
        <RuleBuilder
          label="Go down “yes” when"
          name="rule"
          value={config.rule}
          disabled={disabled}
          onChange={(rule) => rule && onChange({ rule })}
        />
      )}
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
                  <button
                    type="button"
                    className="btn small ghost"
                    onClick={() => onChange({ branches: config.branches.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                )}
              </div>
              <RuleBuilder
                label="Contacts who match"
                name={`branch-${i}-rule`}
                value={b.rule}
                disabled={disabled}
                onChange={(rule) => rule && onChange({ branches: config.branches.map((x, j) => (j === i ? { ...x, rule } : x)) })}
              />
            </div>
          ))}
          {!disabled && (
            <button
              type="button"
              className="btn small"
              onClick={() =>
                onChange({
                  branches: [
                    ...config.branches,
                    {
                      id: freshId(
                        config.branches.map((b) => b.id),
                        'layer',
                      ),
                      rule: { active: false },
                    },
                  ],
                })
              }
            >
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
              <TextField
                label="Arm id"
                name={`split-${i}-id`}
                value={s.id}
                disabled={disabled}
                onChange={(id) => onChange({ ...config, split: config.split.map((x, j) => (j === i ? { ...x, id } : x)) }, { [s.id]: id })}
              />
              <IntegerField
                label="Percent"
                name={`split-${i}-percent`}
                min={0}
                max={100}
                value={s.percent}
                disabled={disabled}
                onChange={(percent) =>
                  percent !== undefined && onChange({ ...config, split: config.split.map((x, j) => (j === i ? { ...x, percent } : x)) })
                }
              />
              {!disabled && config.split.length > 2 && (
                <button
                  type="button"
                  className="btn small ghost"
                  onClick={() => onChange({ ...config, split: config.split.filter((_, j) => j !== i) })}
                >
                  ✕
                </button>
              )}
            </div>
          ))}
          {!disabled && config.split.length < 10 && (
            <button
              type="button"
              className="btn small"
              onClick={() =>
                onChange({
                  ...config,
                  split: [
                    ...config.split,
                    {
                      id: freshId(
                        config.split.map((s) => s.id),
                        'arm',
                      ),
                      percent: 0,
                    },
                  ],
                })
              }
            >
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

// ---------------------------------------------------------------------------------------------------- channel

const channelNames: Record<ChannelKind, string> = { email: 'Email', push: 'App push', sms: 'SMS', webhook: 'Webhook' };

/** Locales offered for copy variants; the contact's `locale` attribute picks one (zh-Hant-TW → zh-Hant → zh → default). */
const localeChoices = ['zh-CN', 'zh-TW', 'zh', 'en', 'en-US', 'en-GB', 'ja', 'ko', 'fr', 'de', 'es', 'pt-BR', 'ru', 'ar'];

export function ChannelForm({ config, onChange, disabled }: FormProps<ChannelData>) {
  // fallback and escalation channels send the same template: show their fields too
  const channels = [...new Set([config.channel, ...(config.fallback ?? []), ...(config.escalate?.to ?? [])])];
  const flow = useContext(FlowInfo);
  const [locale, setLocale] = useState<string | null>(null); // the copy tab: null = the default copy
  const activeLocale = locale !== null && config.locales?.[locale] ? locale : null;
  const shown = activeLocale ? (config.locales?.[activeLocale] ?? {}) : config.template;
  const setTemplate = (key: keyof MessageTemplate, value: string) => {
    if (!activeLocale) {
      onChange({ ...config, template: withOptional(config.template, key, value === '' ? undefined : value) });
      return;
    }
    onChange({
      ...config,
      locales: {
        ...config.locales,
        [activeLocale]: withOptional(config.locales?.[activeLocale] ?? {}, key, value === '' ? undefined : value),
      },
    });
  };
  const addLocale = (tag: string) => {
    if (!tag || config.locales?.[tag]) return;
    onChange({ ...config, locales: { ...config.locales, [tag]: { ...config.template } } });
    setLocale(tag);
  };
  const removeLocale = (tag: string) => {
    const rest = { ...config.locales };
    delete rest[tag];
    onChange(withOptional(config, 'locales', Object.keys(rest).length ? rest : undefined));
    setLocale(null);
  };
  const localeIssue = useFieldIssue('locales');
  const previewTemplate = activeLocale ? { ...config.template, ...config.locales?.[activeLocale] } : config.template;
  // the engine counts a message as win-back unless it says `winback: false`: the box shows exactly that
  const winback = config.winback !== false;
  return (
    <>
      <Check
        label="Win-back message"
        name="winback"
        checked={winback}
        disabled={disabled}
        onChange={(on) => onChange({ ...config, winback: on })}
      />
      <p className="hint" data-winback-sentence>
        {winback
          ? 'A contact who comes back within the attribution window after this message counts as won back by it.'
          : 'A follow-up (e.g. a check-in after the contact returned): coming back after it is not credited to the flow.'}
      </p>
      <SelectField<ChannelKind>
        label="Channel"
        name="channel"
        value={config.channel}
        disabled={disabled}
        options={channelKinds.map((c) => [c, channelNames[c]] as const)}
        onChange={(channel) =>
          onChange(
            withOptional(
              { ...config, channel },
              'fallback',
              config.fallback?.filter((f) => f !== channel).length ? config.fallback.filter((f) => f !== channel) : undefined,
            ),
          )
        }
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
      <div className={`field ${localeIssue ? 'invalid' : ''}`} data-field="locales">
        <span>Copy by language</span>
        {localeIssue && <small className="field-error">{localeIssue}</small>}
        <div className="locale-tabs" role="tablist">
          <button
            type="button"
            role="tab"
            className={`btn small ${activeLocale === null ? 'on' : ''}`}
            data-locale-tab="default"
            onClick={() => setLocale(null)}
          >
            Default
          </button>
          {Object.keys(config.locales ?? {}).map((tag) => (
            <button
              type="button"
              role="tab"
              key={tag}
              className={`btn small ${activeLocale === tag ? 'on' : ''}`}
              data-locale-tab={tag}
              onClick={() => setLocale(tag)}
            >
              {tag}
            </button>
          ))}
          {!disabled && (
            <select name="addLocale" aria-label="Add a language" value="" onChange={(e) => addLocale(e.target.value)}>
              <option value="">+ Add a language…</option>
              {localeChoices
                .filter((tag) => !config.locales?.[tag])
                .map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
            </select>
          )}
        </div>
        <small className="hint">
          {activeLocale
            ? `Sent to contacts whose locale is ${activeLocale} (or a narrower one); empty fields use the default copy.`
            : 'Sent to everyone without a matching language variant.'}
          {activeLocale && !disabled && (
            <>
              {' '}
              <button type="button" className="linkish" data-remove-locale={activeLocale} onClick={() => removeLocale(activeLocale)}>
                Remove {activeLocale}
              </button>
            </>
          )}
        </small>
      </div>
      {channels.map((c) => (
        <fieldset className="template-fields" key={c}>
          <legend>
            {c === config.channel
              ? `${channelNames[c]} copy`
              : config.fallback?.includes(c)
                ? `${channelNames[c]} fallback copy`
                : `${channelNames[c]} escalation copy`}
            {activeLocale && ` · ${activeLocale}`}
            {c !== config.channel && <small className="muted"> (shares fields with the main copy)</small>}
          </legend>
          <CopyFields channel={c} template={shown} disabled={disabled} onChange={setTemplate} costCents={config.costCents} />
        </fieldset>
      ))}
      <CopyPreview
        channel={config.channel}
        template={previewTemplate}
        locales={activeLocale ? undefined : config.locales}
        costCents={config.costCents}
        flow={flow}
      />
      <EscalateFields config={config} disabled={disabled} onChange={onChange} />
      <p className="hint">
        Variables: any contact attribute ({'{{firstName}}'}), {'{{default firstName "there"}}'} for a fallback, {'{{links.click}}'} for a
        tracked link.
      </p>
      <IntegerField
        label="Cost per message (cents)"
        name="costCents"
        hint="Counts toward the flow's spend; an SMS costs this per segment"
        optional
        min={0}
        max={1_000_000}
        value={config.costCents}
        disabled={disabled}
        onChange={(costCents) => onChange(withOptional(config, 'costCents', costCents))}
      />
    </>
  );
}

/** "Escalate if not clicked/opened after … to …": the same copy on the next channel(s), no wiring. */
function EscalateFields({ config, onChange, disabled }: FormProps<ChannelData>) {
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
          <TextField
            label="Event"
            name="goalEvent"
            list="event-names"
            value={config.event}
            disabled={disabled}
            onChange={(event) => onChange({ ...config, event })}
          />
          <EventNames />
          <RuleBuilder
            label="Only when the event's properties match (optional)"
            name="where"
            subject="event"
            optional
            value={config.where}
            disabled={disabled}
            onChange={(where) => onChange(withOptional(config, 'where', where))}
          />
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
