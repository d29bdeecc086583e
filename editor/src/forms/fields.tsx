/** Form fields for the inspector. Text-backed fields keep what is typed and pass on only values that parse. */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ruleSchema } from '../engine';
import { describeTimeOfDay, durationUnits, joinDuration, splitDuration, type DurationUnit } from '../graph/durations';

/** Plain-words validation messages of the selected step, by form field (see graph/plain-issues.ts). */
export const FieldIssues = createContext<Readonly<Record<string, string>>>({});

export function useFieldIssue(key: string | undefined): string | null {
  const issues = useContext(FieldIssues);
  return key ? (issues[key] ?? null) : null;
}

export function Field({
  label,
  hint,
  error,
  issueKey,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  issueKey?: string;
  children: ReactNode;
}) {
  const issue = useFieldIssue(issueKey);
  error = error || issue;
  return (
    <label className={`field ${error ? 'invalid' : ''}`} data-field={issueKey}>
      <span>{label}</span>
      {children}
      {error ? <small className="field-error">{error}</small> : hint ? <small className="hint">{hint}</small> : null}
    </label>
  );
}

export function TextField(props: {
  label: string;
  name: string;
  value: string | undefined;
  onChange: (value: string) => void;
  placeholder?: string;
  hint?: ReactNode;
  error?: string | null;
  disabled?: boolean;
  multiline?: boolean;
  type?: string;
  issueKey?: string;
  list?: string;
}) {
  const common = {
    name: props.name,
    value: props.value ?? '',
    placeholder: props.placeholder,
    disabled: props.disabled,
    onChange: (e: { target: { value: string } }) => props.onChange(e.target.value),
  };
  return (
    <Field label={props.label} hint={props.hint} error={props.error} issueKey={props.issueKey}>
      {props.multiline ? <textarea rows={4} {...common} /> : <input type={props.type ?? 'text'} list={props.list} {...common} />}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  name: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      <select name={props.name} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * Keeps the typed text while it does not parse; resyncs when the value changes from outside. `edit(text)` is the
 * input's change handler: it keeps the text, shows the parse error, and passes parsed values on.
 */
function useDraft<V>(
  value: V,
  format: (v: V) => string,
  parse: (text: string) => { ok: true; value: V } | { ok: false; error: string },
  onChange: (value: V) => void,
) {
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const parsed = parse(text);
    if (!parsed.ok || format(parsed.value) !== format(value)) {
      setText(format(value));
      setError(null);
    }
  }, [format(value)]); // eslint-disable-line react-hooks/exhaustive-deps -- only when the outside value changes
  const edit = (next: string) => {
    setText(next);
    const parsed = parse(next);
    setError(parsed.ok ? null : parsed.error);
    if (parsed.ok) onChange(parsed.value);
  };
  return { text, error, edit };
}

export function IntegerField(props: {
  label: string;
  name: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  min?: number;
  max?: number;
  optional?: boolean;
  hint?: ReactNode;
  disabled?: boolean;
  issueKey?: string;
}) {
  const parse = (t: string): { ok: true; value: number | undefined } | { ok: false; error: string } => {
    if (t.trim() === '') return props.optional ? { ok: true, value: undefined } : { ok: false, error: 'required' };
    const n = Number(t);
    if (!Number.isInteger(n)) return { ok: false, error: 'a whole number' };
    if (props.min !== undefined && n < props.min) return { ok: false, error: `at least ${props.min}` };
    if (props.max !== undefined && n > props.max) return { ok: false, error: `at most ${props.max}` };
    return { ok: true, value: n };
  };
  const draft = useDraft(props.value, (v) => (v === undefined ? '' : String(v)), parse, props.onChange);
  return (
    <Field label={props.label} hint={props.hint} error={draft.error} issueKey={props.issueKey}>
      <input
        name={props.name}
        inputMode="numeric"
        value={draft.text}
        disabled={props.disabled}
        onChange={(e) => draft.edit(e.target.value)}
      />
    </Field>
  );
}

const unitWords: Record<DurationUnit, string> = { minutes: 'minutes', hours: 'hours', days: 'days', weeks: 'weeks' };

/**
 * A length of time as a number and a unit; stored as ISO 8601 (`P7D`). A stored value the picker cannot show
 * exactly (`P1DT12H`) is offered as text with a button back to the picker.
 */
export function DurationField(props: {
  label: string;
  name: string;
  value: string | undefined;
  onChange: (v: string) => void;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  const parts = splitDuration(props.value);
  const [amountText, setAmountText] = useState(parts ? String(parts.amount) : '');
  useEffect(() => {
    const p = splitDuration(props.value);
    if (p && Number(amountText) !== p.amount) setAmountText(String(p.amount));
  }, [props.value]); // eslint-disable-line react-hooks/exhaustive-deps -- only when the outside value changes
  if (!parts) {
    return (
      <Field
        label={props.label}
        issueKey={props.name}
        hint={
          <>
            Written as ISO 8601 (e.g. P1DT12H).{' '}
            <button type="button" className="linkish" disabled={props.disabled} onClick={() => props.onChange('P1D')}>
              Use the picker
            </button>
          </>
        }
      >
        <input name={props.name} value={props.value ?? ''} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)} />
      </Field>
    );
  }
  const typed = Number(amountText);
  const badAmount = amountText.trim() !== '' && !(Number.isInteger(typed) && typed >= 0);
  return (
    <Field
      label={props.label}
      issueKey={props.name}
      hint={
        badAmount ? (
          <span className="field-error" data-duration-error>
            A whole number of {unitWords[parts.unit]}, not negative: “{amountText}” is not kept.
          </span>
        ) : (
          props.hint
        )
      }
    >
      <span className="duration-picker">
        <input
          name={`${props.name}-amount`}
          aria-label={`${props.label}: number`}
          type="number"
          min={0}
          step={1}
          value={amountText}
          disabled={props.disabled}
          onChange={(e) => {
            setAmountText(e.target.value);
            const n = Number(e.target.value);
            // a negative or fractional number is not stored (the card would say "Wait 0 days"): the field says why
            if (e.target.value.trim() !== '' && Number.isInteger(n) && n >= 0)
              props.onChange(joinDuration({ amount: n, unit: parts.unit }));
          }}
        />
        <select
          name={`${props.name}-unit`}
          aria-label={`${props.label}: unit`}
          value={parts.unit}
          disabled={props.disabled}
          onChange={(e) => props.onChange(joinDuration({ amount: parts.amount, unit: e.target.value as DurationUnit }))}
        >
          {durationUnits.map((u) => (
            <option key={u} value={u}>
              {unitWords[u]}
            </option>
          ))}
        </select>
      </span>
    </Field>
  );
}

/** A local time of day (HH:mm) with the zone it is read in, in words. */
export function TimeOfDayField(props: {
  label: string;
  name: string;
  value: string;
  timezone?: string;
  onChange: (v: string) => void;
  disabled?: boolean;
}) {
  return (
    <Field label={props.label} issueKey={props.name} hint={`Sends at ${describeTimeOfDay(props.value || '09:00', props.timezone)}.`}>
      <input
        type="time"
        name={props.name}
        value={props.value}
        step={60}
        disabled={props.disabled}
        onChange={(e) => e.target.value && props.onChange(e.target.value)}
      />
    </Field>
  );
}

/** A rule (or any JSON) as text: invalid JSON stays local with a message; valid JSON goes out, checked as a rule. */
export function JsonField(props: {
  label: string;
  name: string;
  value: unknown;
  onChange: (value: unknown) => void;
  optional?: boolean;
  rule?: boolean;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  const parse = (t: string): { ok: true; value: unknown } | { ok: false; error: string } => {
    if (t.trim() === '') return props.optional ? { ok: true, value: undefined } : { ok: false, error: 'required' };
    try {
      return { ok: true, value: JSON.parse(t) };
    } catch (e) {
      return { ok: false, error: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  };
  const draft = useDraft(props.value, (v) => (v === undefined ? '' : JSON.stringify(v, null, 2)), parse, props.onChange);
  let ruleError: string | null = null;
  if (props.rule && !draft.error && props.value !== undefined) {
    const checked = ruleSchema.safeParse(props.value);
    if (!checked.success)
      ruleError = 'not a rule: use {all:[…]}, {any:[…]}, {not:…}, {attribute,op,value}, {event,within,count}, {active}, {reengaged}';
  }
  return (
    <Field label={props.label} error={draft.error ?? ruleError} hint={props.hint}>
      <textarea
        name={props.name}
        className="code"
        rows={Math.min(10, Math.max(3, draft.text.split('\n').length))}
        spellCheck={false}
        value={draft.text}
        disabled={props.disabled}
        placeholder={props.optional ? '(none)' : undefined}
        onChange={(e) => draft.edit(e.target.value)}
      />
    </Field>
  );
}

export function Check(props: { label: string; name: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  return (
    <label className="check">
      <input
        type="checkbox"
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}
