/**
 * Which connections the canvas accepts: the engine's own edge rules (`edgeProblems`, the ones `validateFlow`
 * enforces: a handle the source offers, one edge per handle, nothing into the trigger), plus what only a connection
 * being drawn needs: no step leads to itself, and a new loop must pass through a delay. Returns the reason a
 * connection is refused, in the words of the person dragging it, or null.
 */
import { edgeProblems, traitsOf, type EdgeProblem } from '../engine';
import type { NodeShape } from './model';

export interface ConnectionLike {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
}

function words(problem: EdgeProblem, sourceId: string): string {
  switch (problem.kind) {
    case 'unknown-source':
    case 'unknown-target':
      return 'both ends must be nodes of this flow';
    case 'no-handles':
      return `a ${problem.sourceType} node has no out handles`;
    case 'wrong-handle':
      return `"${sourceId}" offers ${problem.offered.map((h) => `"${h}"`).join(', ')}, not "${problem.handle}"`;
    case 'handle-taken':
      return `handle "${problem.handle}" of "${sourceId}" is already connected; one edge per handle`;
    case 'into-trigger':
      return 'nothing may lead into the trigger';
  }
}

export function connectionProblem(
  nodes: readonly NodeShape[],
  edges: readonly { source: string; target: string; sourceHandle?: string | null; id?: string }[],
  connection: ConnectionLike,
): string | null {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const step = (id: string | null) => {
    const node = id ? byId.get(id) : undefined;
    return node ? { id: node.id, type: node.type, data: node.config } : undefined;
  };
  const source = step(connection.source);
  const target = step(connection.target);
  if (source && target && source.id === target.id) return 'a node cannot lead to itself';
  const siblings = source ? edges.filter((e) => e.source === source.id) : [];
  const [problem] = edgeProblems(source, target, connection, siblings);
  if (problem) return words(problem, source?.id ?? '');
  const waits = (step: { type: NodeShape['type'] }) => traitsOf(step.type).breaksLoops === true;
  if (!waits(source!) && !waits(target!) && reachesWithoutDelay(byId, edges, target!.id, source!.id)) {
    return 'a loop must pass through a delay node';
  }
  return null;
}

/** Is `to` reachable from `from` through nodes that do not wait (delays)? (The new edge would close a loop without a delay.) */
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
    const node = byId.get(id);
    if (seen.has(id) || (node && traitsOf(node.type).breaksLoops)) continue;
    seen.add(id);
    for (const e of edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}
