/** Edge drawing: arrows, handle labels in the cards' words, and loops routed around the right of the graph. */
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, MarkerType, type EdgeProps } from '@xyflow/react';
import { edgeHandle, OUT } from '../engine';
import { isBackEdge } from '../graph/layout';
import type { EditorEdge } from '../graph/model';
import { handleLabel } from '../graph/plain-issues';

/** A loop (an edge back up the page) is drawn around the right of the graph; other edges are smooth steps. */
function FlowEdgeView(props: EdgeProps) {
  const { sourceX, sourceY, targetX, targetY, markerEnd, label, style } = props;
  if (isBackEdge(sourceY, targetY)) {
    const right = Math.max(sourceX, targetX) + 170;
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
