import { flowTemplates, type FlowGraphDocument } from '@boomerang/engine';

/** A deep copy of the default template's graph (valid). */
export function validGraph(): FlowGraphDocument {
  return structuredClone(flowTemplates[0].graph);
}

/** trigger → push, valid and tiny. */
export function tinyGraph(title = 'Hi'): FlowGraphDocument {
  return {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
      { id: 'm', type: 'channel', position: { x: 0, y: 100 }, data: { channel: 'push', template: { title, body: 'Come back' } } },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  };
}

/** Schema-valid but semantically broken: an edge to a node that does not exist. */
export function danglingGraph(): FlowGraphDocument {
  const graph = tinyGraph();
  graph.edges.push({ id: 'e2', source: 'm', target: 'nowhere' });
  return graph;
}

/** Strings with SQL meta-characters and HTML, for every string field. */
export const nasty = `Robert'); DROP TABLE contacts;-- <script>alert("x")</script> \\ % _ $1 ;`;
