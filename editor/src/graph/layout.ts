/**
 * Auto-layout top to bottom with dagre. Back edges (the weekly check-in loop) are laid out like any other edge by
 * dagre's acyclic pass; the canvas then draws them around the side (see `isBackEdge`).
 */
import dagre from '@dagrejs/dagre';

export const CARD_WIDTH = 240;
export const CARD_HEIGHT = 110;

export interface LayoutNode {
  id: string;
  width?: number;
  height?: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

/** Top-left positions by node id. */
export function layoutTopDown(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width ?? CARD_WIDTH, height: n.height ?? CARD_HEIGHT });
  edges.forEach((e, i) => {
    if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    out.set(n.id, { x: Math.round(p.x - (n.width ?? CARD_WIDTH) / 2), y: Math.round(p.y - (n.height ?? CARD_HEIGHT) / 2) });
  }
  return out;
}

/** An edge that goes back up the page (a loop): drawn around the graph instead of through it. */
export function isBackEdge(sourceY: number, targetY: number): boolean {
  return targetY < sourceY;
}

/** Do cards overlap (a document with no or stacked positions)? Then the editor lays it out on open. */
export function needsLayout(nodes: readonly { position: { x: number; y: number } }[]): boolean {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i].position;
      const b = nodes[j].position;
      if (Math.abs(a.x - b.x) < CARD_WIDTH - 20 && Math.abs(a.y - b.y) < 60) return true;
    }
  }
  return false;
}
