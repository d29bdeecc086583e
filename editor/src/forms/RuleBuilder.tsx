/**
 * The visual rule builder: a group (all / any) of conditions in words, each an attribute comparison, an event count
 * in a time window, "is active" or "re-engaged". It edits the engine's RULE JSON directly; the raw JSON stays behind
 * an "Advanced" toggle. Attribute and event names are suggested from what the workspace has ingested (`/api/schema`).
 */
import { useEffect, useId, useState } from 'react';
import { schemaApi, type WorkspaceSchema } from '../api';
import type { Rule } from '../engine';
import { DurationField, JsonField, useFieldIssue } from './fields';
import { fromGroup, leafKind, opsForType, toGroup, typedValue, valueText, type Group, type LeafKind } from './rule-model';

export function useWorkspaceSchema(): WorkspaceSchema | null {
  const [schema, setSchema] = useState<WorkspaceSchema | null>(null);
  useEffect(() => {
    let live = true;
    schemaApi
      .get()
      .then((s) => live && setSchema(s))
      .catch(() => undefined); // suggestions are a nicety: the builder works without them
    return () => {
      live = false;
    };
  }, []);
  return schema;
}

interface RuleBuilderProps {
  label: string;
  name: string;
  value: Rule | undefined;
  onChange: (rule: Rule | undefined) => void;
  disabled?: boolean;
  /** an optional rule can be removed (audience, property filters) */
  optional?: boolean;
  /** `event` rules filter an event's properties: no event/active leaves, no attribute suggestions */
  subject?: 'contact' | 'event';
}

const leafNames: Record<LeafKind, string> = {
  attribute: 'An attribute',
  event: 'Did an event',
  active: 'Is active',
  reengaged: 'Re-engaged',
};

export function RuleBuilder({ label, name, value, onChange, disabled, optional, subject = 'contact' }: RuleBuilderProps) {
  const [advanced, setAdvanced] = useState(false);
  const schema = useWorkspaceSchema();
  const listId = useId();
  const issue = useFieldIssue(name);
  const group = value ? toGroup(value) : null;

  return (
    <div className={`field rule-builder ${issue ? 'invalid' : ''}`} data-rule={name} data-field={name}>
      <div className="rule-head">
        <span>{label}</span>
        <button type="button" className="linkish" onClick={() => setAdvanced((a) => !a)} aria-pressed={advanced}>
          {advanced ? 'Back to the builder' : 'Advanced (JSON)'}
        </button>
      </div>
      {advanced || (value && !group) ? (
        <>
          {!advanced && <p className="hint">This rule uses parts the builder cannot show; edit it as JSON.</p>}
          <JsonField
            label="Rule as JSON"
            name={name}
            rule
            optional={optional}
            value={value}
            disabled={disabled}
            onChange={(v) => onChange(v as Rule | undefined)}
          />
        </>
      ) : !group ? (
        <button
          type="button"
          className="btn small"
          disabled={disabled}
          onClick={() => onChange({ attribute: '', op: 'eq', value: '' } as Rule)}
        >
          Add a condition
        </button>
      ) : (
        <GroupEditor
          group={group}
          depth={0}
          disabled={disabled}
          subject={subject}
          schema={subject === 'contact' ? schema : null}
          listId={listId}
          onChange={(g) => onChange(fromGroup(g))}
          onRemove={optional ? () => onChange(undefined) : undefined}
        />
      )}
      {issue && <small className="field-error">{issue}</small>}
      {schema && subject === 'contact' && (
        <>
          <datalist id={`${listId}-attrs`}>
            {schema.attributes.map((a) => (
              <option key={`${a.key}:${a.type}`} value={a.key}>{`${a.type} · e.g. ${a.samples.slice(0, 3).map(String).join(', ')}`}</option>
            ))}
          </datalist>
          <datalist id={`${listId}-events`}>
            {schema.events.map((e) => (
              <option key={e.name} value={e.name}>{`${e.count} received`}</option>
            ))}
          </datalist>
        </>
      )}
    </div>
  );
}

interface GroupProps {
  group: Group;
  depth: number;
  disabled?: boolean;
  subject: 'contact' | 'event';
  schema: WorkspaceSchema | null;
  listId: string;
  onChange: (g: Group) => void;
  onRemove?: () => void;
}

function GroupEditor({ group, depth, disabled, subject, schema, listId, onChange, onRemove }: GroupProps) {
  const set = (i: number, item: Group['items'][number] | null) =>
    onChange({ ...group, items: item === null ? group.items.filter((_, j) => j !== i) : group.items.map((x, j) => (j === i ? item : x)) });
  return (
    <div className={`rule-group depth-${depth}`}>
      <div className="rule-group-head">
        <select
          aria-label="Match"
          name={depth === 0 ? 'rule-match' : `rule-match-${depth}`}
          value={group.mode}
          disabled={disabled}
          onChange={(e) => onChange({ ...group, mode: e.target.value as Group['mode'] })}
        >
          <option value="all">All of these are true</option>
          <option value="any">Any of these is true</option>
        </select>
        {onRemove && !disabled && (
          <button type="button" className="btn small ghost" onClick={onRemove}>
            Remove
          </button>
        )}
      </div>
      <ul className="rule-items">
        {group.items.map((item, i) => (
          <li key={i} className="rule-item">
            {'mode' in item ? (
              <GroupEditor
                group={item}
                depth={depth + 1}
                disabled={disabled}
                subject={subject}
                schema={schema}
                listId={listId}
                onChange={(g) => set(i, g)}
                onRemove={() => set(i, null)}
              />
            ) : (
              <LeafEditor
                rule={item}
                index={i}
                disabled={disabled}
                subject={subject}
                schema={schema}
                listId={listId}
                onChange={(r) => set(i, r)}
                onRemove={group.items.length > 1 || onRemove ? () => set(i, null) : undefined}
              />
            )}
          </li>
        ))}
      </ul>
      {!disabled && (
        <div className="rule-add">
          <button
            type="button"
            className="btn small"
            data-add="condition"
            onClick={() => onChange({ ...group, items: [...group.items, { attribute: '', op: 'eq', value: '' } as Rule] })}
          >
            + Condition
          </button>
          {depth === 0 && (
            <button
              type="button"
              className="btn small ghost"
              onClick={() =>
                onChange({ ...group, items: [...group.items, { mode: group.mode === 'all' ? 'any' : 'all', items: [{ active: true }] }] })
              }
            >
              + Group
            </button>
          )}
        </div>
      )}
    </div>
  );
}

interface LeafProps {
  rule: Rule;
  index: number;
  disabled?: boolean;
  subject: 'contact' | 'event';
  schema: WorkspaceSchema | null;
  listId: string;
  onChange: (r: Rule) => void;
  onRemove?: () => void;
}

function LeafEditor({ rule, disabled, subject, schema, listId, onChange, onRemove }: LeafProps) {
  const kind = leafKind(rule);
  const kinds: LeafKind[] = subject === 'event' ? ['attribute'] : ['attribute', 'event', 'active', 'reengaged'];
  const switchKind = (k: LeafKind) =>
    onChange(
      k === 'attribute'
        ? ({ attribute: '', op: 'eq', value: '' } as Rule)
        : k === 'event'
          ? { event: schema?.events[0]?.name ?? 'app_open', within: 'P7D', count: { gte: 1 } }
          : k === 'active'
            ? { active: true }
            : { reengaged: true },
    );
  return (
    <div className={`rule-leaf leaf-${kind}`}>
      {kinds.length > 1 && (
        <select
          aria-label="Condition type"
          name="leaf-kind"
          value={kind ?? 'attribute'}
          disabled={disabled}
          onChange={(e) => switchKind(e.target.value as LeafKind)}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {leafNames[k]}
            </option>
          ))}
        </select>
      )}
      {kind === 'attribute' && 'attribute' in rule && (
        <AttributeLeaf rule={rule} disabled={disabled} subject={subject} schema={schema} listId={listId} onChange={onChange} />
      )}
      {kind === 'event' && 'event' in rule && <EventLeaf rule={rule} disabled={disabled} listId={listId} onChange={onChange} />}
      {kind === 'active' && 'active' in rule && (
        <select
          aria-label="Active"
          name="leaf-active"
          value={String(rule.active)}
          disabled={disabled}
          onChange={(e) => onChange({ active: e.target.value === 'true' })}
        >
          <option value="true">the contact is active (meets the activity rule)</option>
          <option value="false">the contact is not active</option>
        </select>
      )}
      {kind === 'reengaged' && 'reengaged' in rule && (
        <select
          aria-label="Re-engaged"
          name="leaf-reengaged"
          value={String(rule.reengaged)}
          disabled={disabled}
          onChange={(e) => onChange({ reengaged: e.target.value === 'true' })}
        >
          <option value="true">came back after a win-back message</option>
          <option value="false">has not come back yet</option>
        </select>
      )}
      {onRemove && !disabled && (
        <button type="button" className="icon-btn" aria-label="Remove condition" title="Remove condition" onClick={onRemove}>
          ✕
        </button>
      )}
    </div>
  );
}

type AttributeRule = Extract<Rule, { attribute: string }>;
type EventRule = Extract<Rule, { event: string; within: string }>;

function AttributeLeaf({
  rule,
  disabled,
  subject,
  schema,
  listId,
  onChange,
}: {
  rule: AttributeRule;
  disabled?: boolean;
  subject: 'contact' | 'event';
  schema: WorkspaceSchema | null;
  listId: string;
  onChange: (r: Rule) => void;
}) {
  const known = schema?.attributes.find((a) => a.key === rule.attribute);
  const type = known?.type ?? (typeof rule.value === 'number' ? 'number' : typeof rule.value === 'boolean' ? 'boolean' : 'string');
  const ops = opsForType(type);
  const [text, setText] = useState(valueText(rule.value));
  useEffect(() => {
    if (typedValue(text, type, rule.op) !== rule.value && valueText(rule.value) !== text) setText(valueText(rule.value));
  }, [rule.value]); // eslint-disable-line react-hooks/exhaustive-deps -- resync only from outside
  const needsValue = rule.op !== 'exists';
  return (
    <>
      <input
        className="leaf-attr"
        name="leaf-attribute"
        aria-label={subject === 'event' ? 'Property' : 'Attribute'}
        placeholder={subject === 'event' ? 'property' : 'attribute, e.g. cart_items'}
        list={schema ? `${listId}-attrs` : undefined}
        value={rule.attribute}
        disabled={disabled}
        onChange={(e) => onChange({ ...rule, attribute: e.target.value })}
      />
      <select
        aria-label="Comparison"
        name="leaf-op"
        value={rule.op === 'exists' && rule.value === false ? 'not-exists' : rule.op}
        disabled={disabled}
        onChange={(e) => {
          const op = e.target.value;
          if (op === 'exists' || op === 'not-exists')
            onChange({ attribute: rule.attribute, op: 'exists', ...(op === 'not-exists' ? { value: false } : {}) });
          else onChange({ ...rule, op: op as AttributeRule['op'], value: typedValue(text, type, op) });
        }}
      >
        {ops.map(([op, words]) => (
          <option key={op} value={op}>
            {words}
          </option>
        ))}
      </select>
      {needsValue &&
        (type === 'boolean' ? (
          <select
            aria-label="Value"
            name="leaf-value"
            value={String(rule.value ?? true)}
            disabled={disabled}
            onChange={(e) => onChange({ ...rule, value: e.target.value === 'true' })}
          >
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        ) : (
          <input
            className="leaf-value"
            name="leaf-value"
            aria-label="Value"
            type={type === 'number' && rule.op !== 'in' ? 'number' : 'text'}
            placeholder={rule.op === 'in' ? 'a, b, c' : known?.samples[0] !== undefined ? `e.g. ${String(known.samples[0])}` : 'value'}
            value={text}
            disabled={disabled}
            onChange={(e) => {
              setText(e.target.value);
              onChange({ ...rule, value: typedValue(e.target.value, type, rule.op) });
            }}
          />
        ))}
    </>
  );
}

const countModes = [
  ['gte', 'at least'],
  ['lte', 'at most'],
  ['eq', 'exactly'],
] as const;

function EventLeaf({
  rule,
  disabled,
  listId,
  onChange,
}: {
  rule: EventRule;
  disabled?: boolean;
  listId: string;
  onChange: (r: Rule) => void;
}) {
  const count = rule.count ?? { gte: 1 };
  const mode = (Object.keys(count)[0] as 'gte' | 'lte' | 'eq' | 'gt' | 'lt') ?? 'gte';
  const n = (count as Record<string, number>)[mode] ?? 1;
  return (
    <>
      <input
        className="leaf-event"
        name="leaf-event"
        aria-label="Event"
        placeholder="event, e.g. app_open"
        list={`${listId}-events`}
        value={rule.event}
        disabled={disabled}
        onChange={(e) => onChange({ ...rule, event: e.target.value })}
      />
      <select
        aria-label="How often"
        name="leaf-count-op"
        value={mode}
        disabled={disabled}
        onChange={(e) => onChange({ ...rule, count: { [e.target.value]: n } })}
      >
        {countModes.map(([m, words]) => (
          <option key={m} value={m}>
            {words}
          </option>
        ))}
        {(mode === 'gt' || mode === 'lt') && <option value={mode}>{mode === 'gt' ? 'more than' : 'fewer than'}</option>}
      </select>
      <input
        className="leaf-count"
        name="leaf-count"
        aria-label="Times"
        type="number"
        min={0}
        value={n}
        disabled={disabled}
        onChange={(e) => e.target.value !== '' && onChange({ ...rule, count: { [mode]: Math.max(0, Math.trunc(Number(e.target.value))) } })}
      />
      <span className="muted">times in the last</span>
      <div className="leaf-window">
        <DurationField
          label="Time window"
          name="within"
          value={rule.within}
          disabled={disabled}
          onChange={(within) => onChange({ ...rule, within })}
        />
      </div>
    </>
  );
}
