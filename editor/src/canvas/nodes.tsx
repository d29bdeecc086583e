/**
 * The node cards. `nodeTypes` is built once at module scope (a new object per render would remount every node).
 * Each card shows the node's label, a summary of its data, and its named out handles from the engine's rules.
 */
import { Handle, Position, useUpdateNodeInternals, type NodeProps, type NodeTypes } from '@xyflow/react';
import { createContext, memo, useContext, useEffect, useRef } from 'react';
import type { NodeType } from '../engine';
import {
  handlesOf,
  type ChannelNode,
  type ConditionNode,
  type DelayNode,
  type EditorData,
  type GoalNode,
  type TriggerNode,
} from '../graph/model';
import { handleLabel } from '../graph/plain-issues';
import { summarize, typeLabel } from '../graph/summary';
import { NodeIcon } from './icons';
import { IssuesContext } from './issues';
import { LayerBadge } from '../insights/LayerBadge';

function NodeCard<T extends NodeType>({ id, type, data, selected }: { id: string; type: T; data: EditorData<T>; selected: boolean }) {
  const issues = useContext(IssuesContext).get(id);
  const handles = handlesOf(type, data.config);
  const handleKey = handles.join('\u0000');
  const updateNodeInternals = useUpdateNodeInternals();
  // handles come and go with the data (branches, waitFor): React Flow must re-measure them (not on mount: it does)
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) updateNodeInternals(id);
    mounted.current = true;
  }, [handleKey, id, updateNodeInternals]);

  const errors = issues?.errors ?? [];
  const warnings = issues?.warnings ?? [];
  const counts = useContext(CountsContext)?.[id];
  const highlighted = useContext(HighlightContext) === id;
  const sim = useContext(SimulationContext)?.[id];
  const className = [
    'flow-node',
    `flow-node-${type}`,
    selected ? 'is-selected' : '',
    errors.length ? 'has-error' : '',
    highlighted ? 'is-highlighted' : '',
  ].join(' ');
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
        <div className="flow-node-summary">{summarize(type, data.config)}</div>
        {errors.length > 0 && <div className="flow-node-error">{errors[0]}</div>}
        {counts && (
          <div className="flow-node-counts" data-counts>
            <span title="journeys that entered this step">{counts.entered} in</span>
            <span title="journeys waiting here now">{counts.waiting} waiting</span>
            {type === 'channel' && <span title="messages sent">{counts.sent} sent</span>}
            {counts.converted > 0 && <span title="converted after this step">{counts.converted} conv.</span>}
          </div>
        )}
        {sim && (
          <div className="flow-node-sim" data-sim-counts title="expected over the simulated days">
            <span>sim: {sim.entered} in</span>
            {type === 'channel' && <span>{sim.sent} sent</span>}
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
              {type === 'condition' && <LayerBadge nodeId={id} handle={h} />}
              <Handle type="source" id={h} position={Position.Bottom} className={`handle-out handle-${h}`} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** Per-node counts from the metrics endpoint, shown on each card. */
export const CountsContext = createContext<Record<string, { entered: number; waiting: number; sent: number; converted: number }> | null>(
  null,
);
/** Per-node figures of the last simulation report, shown on each card while the report is open. */
export const SimulationContext = createContext<Record<
  string,
  { entered: number; sent: number; returns: number; conversions: number }
> | null>(null);
/** The step a timeline entry points at, outlined on the canvas. */
export const HighlightContext = createContext<string | null>(null);

const TriggerView = memo((p: NodeProps<TriggerNode>) => <NodeCard id={p.id} type="trigger" data={p.data} selected={p.selected} />);
const ConditionView = memo((p: NodeProps<ConditionNode>) => <NodeCard id={p.id} type="condition" data={p.data} selected={p.selected} />);
const DelayView = memo((p: NodeProps<DelayNode>) => <NodeCard id={p.id} type="delay" data={p.data} selected={p.selected} />);
const ChannelView = memo((p: NodeProps<ChannelNode>) => <NodeCard id={p.id} type="channel" data={p.data} selected={p.selected} />);
const GoalView = memo((p: NodeProps<GoalNode>) => <NodeCard id={p.id} type="goal" data={p.data} selected={p.selected} />);

export const nodeTypes = {
  trigger: TriggerView,
  condition: ConditionView,
  delay: DelayView,
  channel: ChannelView,
  goal: GoalView,
} satisfies NodeTypes;
