/**
 * Tiny helpers to write template graphs as data: nodes on a grid and edges with generated ids. `col` is the step's
 * depth and goes DOWN the page (the editor draws flows top to bottom, and an edge that climbs is drawn as a loop);
 * `row` spreads siblings across.
 */
import type { FlowEdge, FlowGraphDocument, FlowNode } from '../schema';

type Data<T extends FlowNode['type']> = Extract<FlowNode, { type: T }>['data'];

export function node<T extends FlowNode['type']>(id: string, type: T, data: Data<T>, col: number, row: number, label?: string): FlowNode {
  return { id, type, data, position: { x: row * 280, y: col * 190 }, ...(label ? { label } : {}) } as FlowNode;
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
