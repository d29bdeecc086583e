/** Form fields for the inspector. Text-backed fields keep what is typed and pass on only values that parse. */
import { useEffect, useState, type ReactNode } from 'react';
import { isValidDuration, ruleSchema } from '../engine';

export function Field({ label, hint, error, children }: { label: string; hint?: ReactNode; error?: string | null; children: ReactNode }) {
  return (
    <label className={`field ${error ? 'invalid' : ''}`}>
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
}) {
  const common = {
    name: props.name,
    value: props.value ?? '',
    placeholder: props.placeholder,
    disabled: props.disabled,
    onChange: (e: { target: { value: string } }) => props.onChange(e.target.value),
  };
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {props.multiline ? <textarea rows={4} {...common} /> : <input type={props.type ?? 'text'} {...common} />}
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
    <Field label={props.label} hint={props.hint} error={draft.error}>
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

const durationPresets = ['PT1H', 'PT24H', 'P3D', 'P7D', 'P30D'];

/** ISO 8601 duration: the typed text is stored as is (validation names the node when it is wrong). */
export function DurationField(props: { label: string; name: string; value: string | undefined; onChange: (v: string) => void; disabled?: boolean }) {
  const value = props.value ?? '';
  const error = value && !isValidDuration(value) ? `“${value}” is not an ISO 8601 duration (e.g. PT24H, P7D)` : !value ? 'required' : null;
  return (
    <Field label={props.label} error={error} hint="ISO 8601: PT30M, PT24H, P3D, P1W">
      <input name={props.name} value={value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)} />
      {!props.disabled && (
        <span className="chips">
          {durationPresets.map((p) => (
            <button type="button" key={p} className={`chip ${p === value ? 'on' : ''}`} onClick={() => props.onChange(p)}>
              {p}
            </button>
          ))}
        </span>
      )}
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
    if (!checked.success) ruleError = 'not a rule: use {all:[…]}, {any:[…]}, {not:…}, {attribute,op,value}, {event,within,count}, {active}, {reengaged}';
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
      <input type="checkbox" name={props.name} checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.label}</span>
    </label>
  );
}
