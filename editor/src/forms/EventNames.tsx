import { useWorkspaceSchema } from './RuleBuilder';

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
