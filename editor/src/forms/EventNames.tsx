import type { Rule } from '../engine';
import { TextField } from './fields';
import { RuleBuilder, useWorkspaceSchema } from './RuleBuilder';
import { withOptional } from './with-optional';

/** Event names the workspace has seen, for `<input list="event-names">` suggestions. */
export function EventNames() {
  const schema = useWorkspaceSchema();
  return (
    <datalist id="event-names">
      {schema?.events.map((e) => (
        <option key={e.name} value={e.name}>{`${e.count} received`}</option>
      ))}
    </datalist>
  );
}

/** "This event, when its properties match": the trigger's and the goal's event, with the names seen as suggestions. */
export function EventMatchFields<C extends { event: string; where?: Rule }>(props: {
  label: string;
  name: string;
  issueKey?: string;
  config: C;
  disabled?: boolean;
  onChange: (config: C) => void;
}) {
  const { config, onChange, disabled } = props;
  return (
    <>
      <TextField
        label={props.label}
        name={props.name}
        list="event-names"
        issueKey={props.issueKey}
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
  );
}
