import type { NodeType } from '../engine';
import { handleLabel, type PlainIssue } from '../graph/plain-issues';
import { FieldIssues } from '../forms/fields';
import { NodeForm } from '../forms/NodeForms';
import { TextField } from '../forms/fields';
import type { ConfigOf, EditorNode } from '../graph/model';
import { typeLabel } from '../graph/summary';
import { NodeIcon } from './icons';

export interface InspectorActions {
  onConfig: (id: string, type: NodeType, config: ConfigOf<NodeType>, renames?: Record<string, string>) => void;
  onLabel: (id: string, label: string) => void;
  onDelete: (id: string) => void;
  /** marks exits as ending the journey on purpose ("ends here") */
  onEnds: (id: string, ends: string[]) => void;
}

/** The selected node's form: label, then the typed fields of its `data`, with its current validation messages. */
export function NodeInspector({
  node,
  readOnly,
  errors,
  warnings,
  actions,
  unconnected,
}: {
  node: EditorNode;
  readOnly: boolean;
  errors: PlainIssue[];
  warnings: PlainIssue[];
  actions: InspectorActions;
  /** the node's exits with no connection (the ones "ends here" is about) */
  unconnected: string[];
}) {
  const byField: Record<string, string> = {};
  for (const i of [...warnings, ...errors]) if (i.field) byField[i.field] = i.text;
  const general = (list: PlainIssue[]) => list.filter((i) => !i.field);
  const change = (config: ConfigOf<NodeType>, renames?: Record<string, string>) => actions.onConfig(node.id, node.type, config, renames);
  return (
    <div className="inspector" data-inspector={node.id}>
      <div className={`inspector-head flow-node-${node.type}`}>
        <span className="flow-node-icon">
          <NodeIcon type={node.type} />
        </span>
        <strong>{typeLabel[node.type]}</strong>
        <code>{node.id}</code>
      </div>
      {general(errors).length + general(warnings).length > 0 && (
        <ul className="issue-list compact">
          {general(errors).map((m) => (
            <li key={m.original} className="issue error" title={m.original}>
              {m.text}
            </li>
          ))}
          {general(warnings).map((m) => (
            <li key={m.original} className="issue warning" title={m.original}>
              {m.text}
            </li>
          ))}
        </ul>
      )}
      <FieldIssues.Provider value={byField}>
        <TextField
          label="Name on the canvas"
          name="label"
          value={node.data.label}
          placeholder={typeLabel[node.type]}
          disabled={readOnly}
          onChange={(label) => actions.onLabel(node.id, label)}
        />
        <NodeForm node={node} onChange={change} disabled={readOnly} />
      </FieldIssues.Provider>
      {unconnected.length > 0 && (
        <fieldset className="ends-choice" data-ends-choice>
          <legend>Exits with nothing after them</legend>
          {unconnected.map((h) => (
            <label className="check" key={h}>
              <input
                type="checkbox"
                name={`ends-${h}`}
                disabled={readOnly}
                checked={node.data.ends?.includes(h) ?? false}
                onChange={(e) =>
                  actions.onEnds(node.id, e.target.checked ? [...(node.data.ends ?? []), h] : (node.data.ends ?? []).filter((x) => x !== h))
                }
              />
              <span>The “{handleLabel(h)}” exit ends the journey here (on purpose: no warning)</span>
            </label>
          ))}
        </fieldset>
      )}
      {!readOnly && (
        <button type="button" className="btn danger small" onClick={() => actions.onDelete(node.id)}>
          Delete step
        </button>
      )}
    </div>
  );
}

/** Errors and warnings of the whole flow; a click selects the node it names. */
export function ProblemList({
  errors,
  warnings,
  labels,
  source,
  onPick,
}: {
  errors: PlainIssue[];
  warnings: PlainIssue[];
  labels: ReadonlyMap<string, string>;
  source: string;
  onPick: (nodeId: string) => void;
}) {
  return (
    <section className="problems" data-problems>
      <div className="panel-title">
        {errors.length === 0 ? (
          <span className="ok-dot">Valid</span>
        ) : (
          <span className="error-dot">
            {errors.length} error{errors.length === 1 ? '' : 's'}
          </span>
        )}
        {warnings.length > 0 && (
          <span className="muted">
            {' '}
            · {warnings.length} warning{warnings.length === 1 ? '' : 's'}
          </span>
        )}
        <span className="muted source">{source}</span>
      </div>
      {(errors.length > 0 || warnings.length > 0) && (
        <ul className="issue-list">
          {errors.map((i, k) => (
            <li
              key={`e${k}`}
              className={`issue error ${i.nodeId ? 'clickable' : ''}`}
              title={i.original}
              data-issue-node={i.nodeId ?? ''}
              onClick={() => i.nodeId && onPick(i.nodeId)}
            >
              {i.nodeId && <strong>{labels.get(i.nodeId) ?? i.nodeId}: </strong>}
              {i.text}
            </li>
          ))}
          {warnings.map((i, k) => (
            <li
              key={`w${k}`}
              className={`issue warning ${i.nodeId ? 'clickable' : ''}`}
              title={i.original}
              data-issue-node={i.nodeId ?? ''}
              onClick={() => i.nodeId && onPick(i.nodeId)}
            >
              {i.nodeId && <strong>{labels.get(i.nodeId) ?? i.nodeId}: </strong>}
              {i.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
