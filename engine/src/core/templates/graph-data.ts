/** Tiny helpers to write template graphs as data: nodes on a grid (column, row) and edges with generated ids. */
import type { FlowEdge, FlowGraphDocument, FlowNode } from '../schema';

type Data<T extends FlowNode['type']> = Extract<FlowNode, { type: T }>['data'];

export function node<T extends FlowNode['type']>(id: string, type: T, data: Data<T>, col: number, row: number, label?: string): FlowNode {
  return { id, type, data, position: { x: col * 280, y: row * 140 }, ...(label ? { label } : {}) } as FlowNode;
}

export function graph(nodes: FlowNode[], links: [source: string, target: string, handle?: string][]): FlowGraphDocument {
  const edges: FlowEdge[] = links.map(([source, target, handle], i) => ({
    id: `e${i + 1}-${source}-${target}`,
    source,
    target,
    ...(handle ? { sourceHandle: handle } : {}),
  }));
  return { nodes, edges };
}
