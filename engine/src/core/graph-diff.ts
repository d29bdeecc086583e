/**
 * What changed between two versions of a flow, in the terms a marketer reviews before publishing: steps added,
 * removed or changed (type, data or label; moving a card is not a change) and connections added or removed.
 */
import { edgeHandle } from './graph';
import type { FlowGraphDocument } from './schema';
import type { GraphDiff } from './views/flows';

export type { GraphDiff };

export function diffGraphs(
  before: Pick<FlowGraphDocument, 'nodes' | 'edges'>,
  after: Pick<FlowGraphDocument, 'nodes' | 'edges'>,
): GraphDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const next = new Map(after.nodes.map((n) => [n.id, n]));
  const meaning = (n: FlowGraphDocument['nodes'][number]) => canonical({ type: n.type, data: n.data, label: n.label ?? null });
  const edgeKey = (e: FlowGraphDocument['edges'][number]) => `${e.source} —${edgeHandle(e)}→ ${e.target}`;
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  return {
    added: [...next.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !next.has(id)),
    changed: [...next.values()].filter((n) => old.has(n.id) && meaning(old.get(n.id)!) !== meaning(n)).map((n) => n.id),
    edgesAdded: [...newEdges].filter((k) => !oldEdges.has(k)),
    edgesRemoved: [...oldEdges].filter((k) => !newEdges.has(k)),
  };
}

export function isEmptyDiff(d: GraphDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.edgesAdded.length + d.edgesRemoved.length === 0;
}

/** JSON with sorted keys: jsonb does not keep key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
