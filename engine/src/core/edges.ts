/**
 * The rules one edge must keep, in one place for `validateFlow` (stored documents) and the editor's
 * `isValidConnection` (a connection being drawn): both ends are steps of the flow, nothing leads into the trigger,
 * the edge leaves from a handle its source offers, and a handle carries one edge. Each caller words the problem its
 * own way (the validator names the edge, the canvas speaks to the person dragging). Loops are checked over the
 * whole graph by the validator (a cycle is legal only through a delay) and per connection by the canvas.
 */
import { edgeHandle } from './graph';
import { traitsOf, type DataOf } from './nodes';
import type { NodeType } from './schema';

export interface EdgeEnd {
  id: string;
  type: NodeType;
  data: unknown;
}

export type EdgeProblem =
  | { kind: 'unknown-source' }
  | { kind: 'unknown-target' }
  | { kind: 'into-trigger' }
  | { kind: 'no-handles'; sourceType: NodeType }
  | { kind: 'wrong-handle'; handle: string; offered: string[] }
  | { kind: 'handle-taken'; handle: string; by: string };

/** The out handles of a step, or none while its data is mid-edit in a shape the graph does not know yet. */
export function handlesOfStep(node: EdgeEnd): string[] {
  try {
    return traitsOf(node.type).outHandles(node.data as DataOf<NodeType>);
  } catch {
    return [];
  }
}

/**
 * Everything wrong with `edge` between `source` and `target` (undefined: not a step of the flow), given `siblings`:
 * the other edges already leaving the same source. Empty when nothing is; the canvas shows the first.
 */
export function edgeProblems(
  source: EdgeEnd | undefined,
  target: EdgeEnd | undefined,
  edge: { sourceHandle?: string | null },
  siblings: readonly { id?: string; sourceHandle?: string | null }[],
): EdgeProblem[] {
  if (!source) return [{ kind: 'unknown-source' }];
  if (!target) return [{ kind: 'unknown-target' }];
  const problems: EdgeProblem[] = [];
  const handle = edgeHandle(edge);
  const offered = handlesOfStep(source);
  if (!offered.includes(handle)) {
    problems.push(offered.length === 0 ? { kind: 'no-handles', sourceType: source.type } : { kind: 'wrong-handle', handle, offered });
  }
  const taken = siblings.find((s) => edgeHandle(s) === handle);
  if (taken) problems.push({ kind: 'handle-taken', handle, by: taken.id ?? '' });
  if (target.type === 'trigger') problems.push({ kind: 'into-trigger' });
  return problems;
}
