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
  /** out handles left to right as the card draws them; their targets are put in the same order */
  handles?: readonly string[];
}

export interface LayoutEdge {
  source: string;
  target: string;
  sourceHandle?: string | null;
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
  orderByHandles(nodes, edges, out);
  return out;
}

/**
 * dagre knows nothing of ports: a "yes" on the left may lead to a card laid out on the right, crossing its sibling.
 * Cards that hang off the same step on the same row swap places to follow the order of the exits.
 */
function orderByHandles(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], at: Map<string, { x: number; y: number }>): void {
  for (const n of nodes) {
    if (!n.handles || n.handles.length < 2) continue;
    const from = at.get(n.id)!;
    const height = new Map(nodes.map((m) => [m.id, m.height ?? CARD_HEIGHT]));
    const rank = (id: string) => Math.round(at.get(id)!.y + height.get(id)! / 2); // dagre centres a row's cards
    const targets = n.handles
      .map((h) => edges.find((e) => e.source === n.id && (e.sourceHandle ?? 'out') === h)?.target)
      .filter((t): t is string => t !== undefined && at.get(t)!.y > from.y);
    const rows = new Map<number, string[]>();
    for (const t of targets) rows.set(rank(t), [...(rows.get(rank(t)) ?? []), t]);
    for (const row of rows.values()) {
      if (row.length < 2 || new Set(row).size !== row.length) continue;
      const xs = row.map((t) => at.get(t)!.x).sort((a, b) => a - b);
      row.forEach((t, i) => at.set(t, { ...at.get(t)!, x: xs[i] }));
    }
  }
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
