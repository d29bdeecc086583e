/**
 * The flow graph with its adjacency built once: node by id, outgoing edge by (node, handle), incoming edges.
 * Edges keep React Flow's shape; a missing `sourceHandle` means the node's single `out` handle.
 */
import { OUT, traitsOf } from './nodes';
import type { FlowEdge, FlowGraphDocument, FlowNode, FlowNodeOf, NodeType } from './schema';

export { OUT };

/** The handle an edge leaves from, normalised: `null`/`undefined` → `out`. */
export function edgeHandle(edge: Pick<FlowEdge, 'sourceHandle'>): string {
  return edge.sourceHandle == null || edge.sourceHandle === '' ? OUT : edge.sourceHandle;
}

/** The out handles a node offers, from its type and data (DESIGN "Nodes"; each type's `outHandles` in nodes/). */
export function outHandles(node: FlowNode): string[] {
  return traitsOf(node.type).outHandles(node.data);
}

export class FlowGraph {
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly FlowEdge[];
  private readonly byId = new Map<string, FlowNode>();
  private readonly outgoing = new Map<string, Map<string, FlowEdge>>();
  private readonly incoming = new Map<string, FlowEdge[]>();
  private readonly allOut = new Map<string, FlowEdge[]>();

  constructor(doc: Pick<FlowGraphDocument, 'nodes' | 'edges'>) {
    this.nodes = doc.nodes;
    this.edges = doc.edges;
    for (const node of doc.nodes) if (!this.byId.has(node.id)) this.byId.set(node.id, node);
    for (const edge of doc.edges) {
      const handles = this.outgoing.get(edge.source) ?? new Map<string, FlowEdge>();
      const handle = edgeHandle(edge);
      if (!handles.has(handle)) handles.set(handle, edge); // the first edge per handle wins; validation flags others
      this.outgoing.set(edge.source, handles);
      this.incoming.set(edge.target, [...(this.incoming.get(edge.target) ?? []), edge]);
      this.allOut.set(edge.source, [...(this.allOut.get(edge.source) ?? []), edge]);
    }
  }

  node(id: string): FlowNode | undefined {
    return this.byId.get(id);
  }

  requireNode(id: string): FlowNode {
    const node = this.byId.get(id);
    if (!node) throw new Error(`node "${id}" is not in the graph`);
    return node;
  }

  /** The node an out handle leads to, or undefined when the handle is unconnected. */
  next(nodeId: string, handle: string): FlowNode | undefined {
    const edge = this.outgoing.get(nodeId)?.get(handle);
    return edge ? this.byId.get(edge.target) : undefined;
  }

  outEdges(nodeId: string): FlowEdge[] {
    return [...(this.outgoing.get(nodeId)?.values() ?? [])];
  }

  inEdges(nodeId: string): FlowEdge[] {
    return this.incoming.get(nodeId) ?? [];
  }

  ofType<T extends NodeType>(type: T): FlowNodeOf<T>[] {
    return this.nodes.filter((n): n is FlowNodeOf<T> => n.type === type);
  }

  trigger(): FlowNodeOf<'trigger'> | undefined {
    return this.ofType('trigger')[0];
  }

  goals(): FlowNodeOf<'goal'>[] {
    return this.ofType('goal');
  }

  /** Node ids reachable from `start` (inclusive) along existing edges. */
  reachableFrom(start: string): Set<string> {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id) || !this.byId.has(id)) continue;
      seen.add(id);
      for (const e of this.allOut.get(id) ?? []) stack.push(e.target);
    }
    return seen;
  }
}

const cache = new WeakMap<object, FlowGraph>();

/** A FlowGraph for a document, built once per document object. */
export function flowGraphOf(graph: FlowGraph | Pick<FlowGraphDocument, 'nodes' | 'edges'>): FlowGraph {
  if (graph instanceof FlowGraph) return graph;
  let g = cache.get(graph);
  if (!g) {
    g = new FlowGraph(graph);
    cache.set(graph, g);
  }
  return g;
}
