import type { NodeType } from '../engine';
import { kindOf } from '../nodes';

/** A node type's icon (its path in `nodes/<type>/`), in the palette, on the cards and in the inspector. */
export function NodeIcon({ type, size = 14 }: { type: NodeType; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      <path d={kindOf(type).icon} fill="currentColor" />
    </svg>
  );
}
