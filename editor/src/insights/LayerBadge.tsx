/** A condition exit's verdict on the canvas card (“worth it”, “not yet clear”, “not worth it”), from the flow's metrics. */
import { useContext, useSyncExternalStore } from 'react';
import { FlowInfo } from '../flow/FlowInfo';
import './insights.css';
import { layerVerdictOf, subscribeLayerVerdicts, verdictPhrase } from './layer-verdicts';

export function LayerBadge({ nodeId, handle }: { nodeId: string; handle: string }) {
  const flowId = useContext(FlowInfo).id;
  const verdict = useSyncExternalStore(subscribeLayerVerdicts, () => layerVerdictOf(flowId, nodeId, handle));
  if (!verdict) return null;
  return (
    <span
      className={`verdict-badge on-handle verdict-${verdict}`}
      data-layer-badge={handle}
      title="Is this path worth its messages? Compared with the held-out contacts who took it (see Metrics → Layers)."
    >
      {verdictPhrase[verdict]}
    </span>
  );
}
