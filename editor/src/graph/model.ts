/**
 * The editor's React Flow state ⇄ the engine's graph document. A React Flow node carries the engine's `data`
 * untouched in `data.config` (the engine's schemas are strict, so nothing presentational may leak into it) and the
 * display name in `data.label` (the document keeps it as the node's top-level `label`).
 */
import type { Edge, Node } from '@xyflow/react';
import {
  edgeHandle,
  handlesOfStep,
  OUT,
  traitsOf,
  type FlowEdge,
  type FlowGraphDocument,
  type FlowNode,
  type FlowNodeOf,
  type NodeType,
} from '../engine';

export type ConfigOf<T extends NodeType> = FlowNodeOf<T>['data'];
/** `ends`: exits that end the journey on purpose ("ends here"; no warning when unconnected). */
export type EditorData<T extends NodeType> = { config: ConfigOf<T>; label?: string; ends?: string[] };

export type TriggerNode = Node<EditorData<'trigger'>, 'trigger'>;
export type ConditionNode = Node<EditorData<'condition'>, 'condition'>;
export type DelayNode = Node<EditorData<'delay'>, 'delay'>;
export type ChannelNode = Node<EditorData<'channel'>, 'channel'>;
export type GoalNode = Node<EditorData<'goal'>, 'goal'>;
export type EditorNode = TriggerNode | ConditionNode | DelayNode | ChannelNode | GoalNode;
export type EditorEdge = Edge;

/** What the handle rules need of a node, whichever side it comes from. */
export type NodeShape = { id: string; type: NodeType; config: unknown };

export function shapeOf(node: EditorNode): NodeShape {
  return { id: node.id, type: node.type, config: node.data.config };
}

/** The out handles of a node type with this data: the engine's `outHandles`, the same list validation checks. */
export function handlesOf(type: NodeType, config: unknown): string[] {
  return handlesOfStep({ id: '', type, data: config });
}

export function toEditorNodes(doc: Pick<FlowGraphDocument, 'nodes'>): EditorNode[] {
  return doc.nodes.map(
    (n) =>
      ({
        id: n.id,
        type: n.type,
        position: { ...n.position },
        data: { config: n.data, ...(n.label ? { label: n.label } : {}), ...(n.ends?.length ? { ends: [...n.ends] } : {}) },
      }) as EditorNode,
  );
}

/** Edges get an explicit source handle (`out` when the document omits it) so React Flow finds the named handle. */
export function toEditorEdges(doc: Pick<FlowGraphDocument, 'edges'>): EditorEdge[] {
  return doc.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: edgeHandle(e) }));
}

/** Back to the stored document: engine data, rounded positions, `sourceHandle` omitted for a single `out`. */
export function toDocument(nodes: readonly EditorNode[], edges: readonly EditorEdge[]): FlowGraphDocument {
  return {
    nodes: nodes.map(
      (n) =>
        ({
          id: n.id,
          type: n.type,
          position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
          data: n.data.config,
          ...(n.data.label ? { label: n.data.label } : {}),
          ...(n.data.ends?.length ? { ends: n.data.ends } : {}),
        }) as FlowNode,
    ),
    edges: edges.map((e): FlowEdge => {
      const handle = edgeHandle(e);
      return { id: e.id, source: e.source, target: e.target, ...(handle !== OUT ? { sourceHandle: handle } : {}) };
    }),
  };
}

/** A stable string of a document for "unsaved changes?" (key order of jsonb round trips does not matter). */
export function documentKey(doc: unknown): string {
  return JSON.stringify(doc, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** `delay`, `delay2`, `delay3`…: the first id of that type not taken. */
export function newNodeId(type: NodeType, taken: Iterable<string>): string {
  const ids = new Set(taken);
  if (!ids.has(type)) return type;
  for (let i = 2; ; i++) if (!ids.has(`${type}${i}`)) return `${type}${i}`;
}

export function newNode(type: NodeType, position: { x: number; y: number }, taken: Iterable<string>): EditorNode {
  return { id: newNodeId(type, taken), type, position, data: { config: traitsOf(type).defaultData() } } as EditorNode;
}

export function newEdgeId(source: string, handle: string, target: string, taken: Iterable<string>): string {
  const ids = new Set(taken);
  const base = `e-${source}-${handle}-${target}`;
  if (!ids.has(base)) return base;
  for (let i = 2; ; i++) if (!ids.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * After a node's data changed its handles (a branch renamed, a delay switched to waitFor…): edges on renamed handles
 * follow the new name, edges on handles that no longer exist are dropped (React Flow cannot draw them).
 */
export function reconcileEdges(
  edges: readonly EditorEdge[],
  nodeId: string,
  handles: readonly string[],
  renames: Readonly<Record<string, string>> = {},
): EditorEdge[] {
  const out: EditorEdge[] = [];
  for (const e of edges) {
    if (e.source !== nodeId) {
      out.push(e);
      continue;
    }
    const handle = renames[edgeHandle(e)] ?? edgeHandle(e);
    if (!handles.includes(handle)) continue;
    out.push(handle === edgeHandle(e) ? e : { ...e, sourceHandle: handle });
  }
  return out;
}
