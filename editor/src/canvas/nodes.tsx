/**
 * The node cards. `nodeTypes` is built once at module scope (a new object per render would remount every node).
 * Each card shows the node's label, a summary of its data, and its named out handles from the engine's rules.
 */
import { Handle, Position, useStore, useUpdateNodeInternals, type NodeProps, type NodeTypes } from '@xyflow/react';
import { createContext, memo, useContext, useEffect, useRef } from 'react';
import { flowNodeTypes, type NodeType } from '../engine';
import { handlesOf, type EditorData, type EditorNode } from '../graph/model';
import { handleLabel } from '../graph/plain-issues';
import { summarize, typeLabel } from '../graph/summary';
import { Bump } from '../live';
import { NodeIcon } from './icons';
import { IssuesContext } from './issues';
import { kindOf, type StepCounts } from '../nodes';

/**
 * Below this zoom cards switch to their compact form (icon, step name in large type, the one count that matters), whose
 * text is sized against the zoom. Between 0.92 and this, the full card's text grows against the zoom (CSS `--fs`), so
 * its smallest text (12 px) never falls under 11 px on screen.
 */
export const COMPACT_ZOOM = 0.75;
/** Between this and COMPACT_ZOOM the compact card also shows its summary (two lines at most). */
export const SUMMARY_ZOOM = 0.5;

function NodeCard<T extends NodeType>({ id, type, data, selected }: { id: string; type: T; data: EditorData<T>; selected: boolean }) {
  const issues = useContext(IssuesContext).get(id);
  const handles = handlesOf(type, data.config);
  const handleKey = handles.join('\u0000');
  const updateNodeInternals = useUpdateNodeInternals();
  // a boolean selector: the card re-renders when the zoom crosses the threshold, not on every zoom step
  const size = useStore((s) => (s.transform[2] >= COMPACT_ZOOM ? 'full' : s.transform[2] >= SUMMARY_ZOOM ? 'medium' : 'small'));
  const compact = size !== 'full';
  const kind = kindOf(type);
  // only a type whose summary depends on it watches the edges
  const reachedByConnection = useStore((s) => kind.summaryNote !== undefined && s.edges.some((e) => e.target === id));
  // handles come and go with the data (branches, waitFor): React Flow must re-measure them (not on mount: it does)
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) updateNodeInternals(id);
    mounted.current = true;
  }, [handleKey, compact, id, updateNodeInternals]);

  const errors = issues?.errors ?? [];
  const warnings = issues?.warnings ?? [];
  const counts = useContext(CountsContext)?.[id];
  const highlighted = useContext(HighlightContext) === id;
  const sim = useContext(SimulationContext)?.[id];
  const className = [
    'flow-node',
    `flow-node-${type}`,
    compact ? 'is-compact' : '',
    selected ? 'is-selected' : '',
    errors.length ? 'has-error' : '',
    highlighted ? 'is-highlighted' : '',
  ].join(' ');
  const summary = summarize(type, data.config) + (kind.summaryNote?.(data.config, reachedByConnection) ?? '');
  if (compact) {
    const key = counts ? kind.keyCount(counts) : null;
    return (
      <div
        className={className}
        data-node-id={id}
        data-compact
        title={[`${typeLabel[type]}: ${summary}`, ...errors, ...warnings].join('\n')}
      >
        {type !== 'trigger' && <Handle type="target" position={Position.Top} className="handle-in" />}
        <div className="flow-node-compact">
          <span className="flow-node-icon">
            <NodeIcon type={type} />
          </span>
          <span className="flow-node-title">{data.label || typeLabel[type]}</span>
          {errors.length > 0 && <span className="flow-node-flag error">!</span>}
        </div>
        {size === 'medium' && <div className="flow-node-summary">{summary}</div>}
        {key && (
          <div className="flow-node-keycount" data-counts>
            <Bump value={key.value}>
              {key.value} {key.words}
            </Bump>
          </div>
        )}
        {handles.length > 0 && (
          <div className="flow-node-outs">
            {handles.map((h) => (
              <div className={`flow-node-out out-${h}`} key={h}>
                <Handle type="source" id={h} position={Position.Bottom} className={`handle-out handle-${h}`} />
              </div>
            ))}
          </div>
        )}
      </div>
    );
  }
  return (
    <div className={className} data-node-id={id} title={[...errors, ...warnings].join('\n') || undefined}>
      {type !== 'trigger' && <Handle type="target" position={Position.Top} className="handle-in" />}
      <div className="flow-node-head">
        <span className="flow-node-icon">
          <NodeIcon type={type} />
        </span>
        <span className="flow-node-kind">{typeLabel[type]}</span>
        <span className="flow-node-id">{id}</span>
        {errors.length > 0 ? (
          <span className="flow-node-flag error">{errors.length}</span>
        ) : warnings.length > 0 ? (
          <span className="flow-node-flag warning" />
        ) : null}
      </div>
      <div className="flow-node-body">
        <div className="flow-node-title">{data.label || typeLabel[type]}</div>
        <div className="flow-node-summary">{summary}</div>
        {errors.length > 0 && <div className="flow-node-error">{errors[0]}</div>}
        {counts && (
          <div className="flow-node-counts" data-counts>
            <span title="journeys that entered this step">
              <Bump value={counts.entered}>{counts.entered} in</Bump>
            </span>
            <span title="journeys waiting here now">
              <Bump value={counts.waiting}>{counts.waiting} waiting</Bump>
            </span>
            {kind.sends && (
              <span title="messages sent">
                <Bump value={counts.sent}>{counts.sent} sent</Bump>
              </span>
            )}
            {counts.converted > 0 && <span title="converted after this step">{counts.converted} conv.</span>}
          </div>
        )}
        {sim && (
          <div className="flow-node-sim" data-sim-counts title="expected over the simulated days">
            <span>sim: {sim.entered} in</span>
            {kind.sends && <span>{sim.sent} sent</span>}
            {sim.returns > 0 && <span>{sim.returns} back</span>}
            {sim.conversions > 0 && <span>{sim.conversions} conv.</span>}
          </div>
        )}
      </div>
      {handles.length > 0 && (
        <div className="flow-node-outs">
          {handles.map((h) => (
            <div className={`flow-node-out out-${h}`} key={h}>
              <span>{handleLabel(h)}</span>
              {data.ends?.includes(h) && (
                <span className="ends-here" data-ends={h} title="The journey ends here on purpose">
                  {' '}
                  · ends
                </span>
              )}
              {kind.ExitBadge && <kind.ExitBadge nodeId={id} handle={h} />}
              <Handle type="source" id={h} position={Position.Bottom} className={`handle-out handle-${h}`} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** Per-node counts from the metrics endpoint, shown on each card. */
export const CountsContext = createContext<Record<string, StepCounts> | null>(null);
/** Per-node figures of the last simulation report, shown on each card while the report is open. */
export const SimulationContext = createContext<Record<
  string,
  { entered: number; sent: number; returns: number; conversions: number }
> | null>(null);
/** The step a timeline entry points at, outlined on the canvas. */
export const HighlightContext = createContext<string | null>(null);

/** One memoised card component per type, for React Flow's `nodeTypes`. */
export const nodeTypes: NodeTypes = Object.fromEntries(
  flowNodeTypes.map((type) => {
    const View = memo((p: NodeProps<EditorNode>) => (
      <NodeCard id={p.id} type={type} data={p.data as EditorData<NodeType>} selected={p.selected} />
    ));
    View.displayName = `${type}Card`;
    return [type, View];
  }),
);
