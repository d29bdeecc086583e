/** Copy, paste and duplicate of steps: fresh ids, offset positions, and the connections among the copied steps. */
import { newEdgeId, newNodeId, type EditorEdge, type EditorNode } from './model';
import { edgeHandle } from '../engine';

export interface Clip {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

export function copySelection(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): Clip | null {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return null;
  const ids = new Set(picked.map((n) => n.id));
  return { nodes: structuredClone(picked), edges: structuredClone(edges.filter((e) => ids.has(e.source) && ids.has(e.target))) };
}

/** The clip as new nodes and edges that fit beside `nodes`/`edges`; the pasted steps come selected. */
export function pasteClip(
  clip: Clip,
  nodes: readonly EditorNode[],
  edges: readonly EditorEdge[],
  offset = 40,
): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const taken = nodes.map((n) => n.id);
  const rename = new Map<string, string>();
  const pasted: EditorNode[] = [];
  for (const n of clip.nodes) {
    const id = newNodeId(n.type, [...taken, ...rename.values()]);
    rename.set(n.id, id);
    pasted.push({
      ...structuredClone(n),
      id,
      selected: true,
      position: { x: n.position.x + offset, y: n.position.y + offset },
    } as EditorNode);
  }
  const edgeIds = edges.map((e) => e.id);
  const newEdges: EditorEdge[] = [];
  for (const e of clip.edges) {
    const source = rename.get(e.source)!;
    const target = rename.get(e.target)!;
    const id = newEdgeId(source, edgeHandle(e), target, [...edgeIds, ...newEdges.map((x) => x.id)]);
    newEdges.push({ ...e, id, source, target, selected: false });
  }
  return { nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted], edges: [...edges, ...newEdges] };
}
