/** Edge drawing: arrows, handle labels in the cards' words, and loops routed around the right of the graph. */
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, MarkerType, useStore, type EdgeProps, type ReactFlowState } from '@xyflow/react';
import { edgeHandle, OUT } from '../engine';
import { isBackEdge } from '../graph/layout';
import type { EditorEdge } from '../graph/model';
import { handleLabel } from '../graph/plain-issues';

/** A loop (an edge back up the page) is drawn around the right of the graph; other edges are smooth steps. */
function FlowEdgeView(props: EdgeProps) {
  const { sourceX, sourceY, targetX, targetY, markerEnd, label, style } = props;
  const back = isBackEdge(sourceY, targetY);
  // a loop runs down the right of every card between its ends (only loops pay for this look-up)
  const clear = useStore((s: ReactFlowState) => (back ? rightEdgeBetween(s, Math.min(sourceY, targetY), Math.max(sourceY, targetY)) : 0));
  if (back) {
    const right = Math.max(sourceX + 140, targetX + 140, clear + 30);
    const path = `M ${sourceX} ${sourceY} L ${sourceX} ${sourceY + 18} L ${right} ${sourceY + 18} L ${right} ${targetY - 18} L ${targetX} ${targetY - 18} L ${targetX} ${targetY}`;
    return (
      <>
        <BaseEdge path={path} markerEnd={markerEnd} style={{ ...style, strokeDasharray: '6 4' }} />
        {label && (
          <EdgeLabelRenderer>
            <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${right}px, ${(sourceY + targetY) / 2}px)` }}>
              {label} ↺
            </div>
          </EdgeLabelRenderer>
        )}
      </>
    );
  }
  const [path, lx, ly] = getSmoothStepPath({ ...props, borderRadius: 10 });
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={style} />
      {label && (
        <EdgeLabelRenderer>
          <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
/** The right-most card edge among cards that overlap the band between two heights (flow coordinates). */
function rightEdgeBetween(s: ReactFlowState, top: number, bottom: number): number {
  let right = -Infinity;
  for (const n of s.nodeLookup.values()) {
    const y = n.internals.positionAbsolute.y;
    const h = n.measured.height ?? 0;
    if (y + h < top - 20 || y > bottom + 20) continue;
    right = Math.max(right, n.internals.positionAbsolute.x + (n.measured.width ?? 0));
  }
  return Number.isFinite(right) ? right : 0;
}

/** Built once at module scope (a new object per render would remount every edge). */
export const edgeTypes = { flow: FlowEdgeView };

/** Edges drawn with an arrow and, for named handles, the handle as label. */
export function styled(edge: EditorEdge): EditorEdge {
  const handle = edgeHandle(edge);
  return {
    ...edge,
    type: 'flow',
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    ...(handle !== OUT ? { label: handleLabel(handle), className: `edge-${handle}` } : {}),
  };
}
