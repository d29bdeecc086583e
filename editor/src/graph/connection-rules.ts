/**
 * Which connections the canvas accepts, from the engine's own handle rules (the ones `validateFlow` enforces):
 * the source handle is one `outHandles` offers, one edge per handle, nothing leads into the trigger, and a loop must
 * pass through a delay. Returns the reason a connection is refused, or null.
 */
import { edgeHandle } from '../engine';
import { handlesOf, type NodeShape } from './model';

export interface ConnectionLike {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
}

export function connectionProblem(
  nodes: readonly NodeShape[],
  edges: readonly { source: string; target: string; sourceHandle?: string | null; id?: string }[],
  connection: ConnectionLike,
): string | null {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const source = connection.source ? byId.get(connection.source) : undefined;
  const target = connection.target ? byId.get(connection.target) : undefined;
  if (!source || !target) return 'both ends must be nodes of this flow';
  if (source.id === target.id) return 'a node cannot lead to itself';
  if (target.type === 'trigger') return 'nothing may lead into the trigger';
  const handle = edgeHandle(connection);
  const handles = handlesOf(source.type, source.config);
  if (!handles.includes(handle)) {
    return handles.length === 0
      ? `a ${source.type} node has no out handles`
      : `"${source.id}" offers ${handles.map((h) => `"${h}"`).join(', ')}, not "${handle}"`;
  }
  if (edges.some((e) => e.source === source.id && edgeHandle(e) === handle)) {
    return `handle "${handle}" of "${source.id}" is already connected; one edge per handle`;
  }
  if (source.type !== 'delay' && target.type !== 'delay' && reachesWithoutDelay(byId, edges, target.id, source.id)) {
    return 'a loop must pass through a delay node';
  }
  return null;
}

/** Is `to` reachable from `from` through non-delay nodes only? (The new edge would close a loop without a delay.) */
function reachesWithoutDelay(
  byId: Map<string, NodeShape>,
  edges: readonly { source: string; target: string }[],
  from: string,
  to: string,
): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id) || byId.get(id)?.type === 'delay') continue;
    seen.add(id);
    for (const e of edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}
