import type { FlowGraphDocument } from './schema';
import { diffGraphs, isEmptyDiff } from './graph-diff';

//  t ──▶ push ──▶ wait        (v1)
//  t ──▶ push' ─▶ wait ─▶ goal (v2: push copy changed, goal added)
const v1: FlowGraphDocument = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
    { id: 'push', type: 'channel', position: { x: 0, y: 100 }, data: { channel: 'push', template: { title: 'Hi' } } },
    { id: 'wait', type: 'delay', position: { x: 0, y: 200 }, data: { duration: 'P1D' } },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'push' },
    { id: 'e2', source: 'push', target: 'wait', sourceHandle: 'out' },
  ],
};

describe('diffGraphs', () => {
  it('names added, removed and changed steps and connections; positions are not changes', () => {
    const v2: FlowGraphDocument = {
      nodes: [
        { ...v1.nodes[0], position: { x: 500, y: 500 } },
        { id: 'push', type: 'channel', position: { x: 0, y: 100 }, data: { channel: 'push', template: { title: 'Hello' } } },
        v1.nodes[2],
        { id: 'goal', type: 'goal', position: { x: 0, y: 300 }, data: { event: 'order_paid' } },
      ],
      edges: [{ id: 'x1', source: 't', target: 'push', sourceHandle: 'out' }, v1.edges[1], { id: 'e3', source: 'wait', target: 'goal' }],
    };
    expect(diffGraphs(v1, v2)).toEqual({
      added: ['goal'],
      removed: [],
      changed: ['push'],
      edgesAdded: ['wait —out→ goal'],
      edgesRemoved: [],
    });
    expect(diffGraphs(v2, v1).removed).toEqual(['goal']);
    expect(isEmptyDiff(diffGraphs(v1, { ...v1, nodes: v1.nodes.map((n) => ({ ...n, position: { x: 1, y: 1 } })) }))).toBe(true);
  });
});
