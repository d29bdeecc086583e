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

/** A segment trigger (contacts with a push token) → 50/50 split → push A (1 ¢) or push B (2 ¢) → wait 3 days; goal order_paid. */
export const abSplitGraph = (): FlowGraphDocument =>
  ({
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule: { attribute: 'pushToken', op: 'exists' } } },
      {
        id: 'ab',
        type: 'condition',
        position: { x: 0, y: 150 },
        data: {
          split: [
            { id: 'a', percent: 50 },
            { id: 'b', percent: 50 },
          ],
        },
      },
      {
        id: 'pushA',
        type: 'channel',
        position: { x: -200, y: 330 },
        data: { channel: 'push', costCents: 1, template: { title: 'A', body: 'a' } },
      },
      {
        id: 'pushB',
        type: 'channel',
        position: { x: 200, y: 330 },
        data: { channel: 'push', costCents: 2, template: { title: 'B', body: 'b' } },
      },
      { id: 'wait', type: 'delay', position: { x: 0, y: 520 }, data: { duration: 'P3D' } },
      { id: 'paid', type: 'goal', position: { x: 400, y: 0 }, data: { event: 'order_paid' } },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'ab' },
      { id: 'e2', source: 'ab', target: 'pushA', sourceHandle: 'a' },
      { id: 'e3', source: 'ab', target: 'pushB', sourceHandle: 'b' },
      { id: 'e4', source: 'pushA', target: 'wait' },
      { id: 'e5', source: 'pushB', target: 'wait' },
    ],
  }) as unknown as FlowGraphDocument;
