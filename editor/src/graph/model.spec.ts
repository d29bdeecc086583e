import { flowTemplates } from '@boomerang/engine/core/templates';
import { plainTemplate, validateFlow } from '../engine';
import { connectionProblem } from './connection-rules';
import {
  documentKey,
  handlesOf,
  newNode,
  newNodeId,
  reconcileEdges,
  shapeOf,
  toDocument,
  toEditorEdges,
  toEditorNodes,
  type EditorEdge,
} from './model';
import { summarize } from './summary';

const weekly = flowTemplates.find((t) => t.id === 'weekly-checkin')!.graph;

describe('document ⇄ React Flow state', () => {
  it.each(flowTemplates.map((t) => [t.id, t.graph] as const))('round-trips the %s template unchanged', (_id, graph) => {
    const back = toDocument(toEditorNodes(graph), toEditorEdges(graph));
    expect(documentKey(back)).toBe(documentKey(graph));
    expect(validateFlow(back).valid).toBe(true);
  });

  it('gives every edge an explicit handle on the canvas and omits `out` in the document', () => {
    const edges = toEditorEdges(weekly);
    expect(edges.find((e) => e.source === 'trigger')!.sourceHandle).toBe('out');
    expect(edges.find((e) => e.source === 'returned' && e.target === 'second')!.sourceHandle).toBe('timeout');
    const doc = toDocument(toEditorNodes(weekly), edges);
    expect(doc.edges.find((e) => e.source === 'trigger')).not.toHaveProperty('sourceHandle');
  });

  it('keeps labels out of the engine data and drops React Flow’s presentational keys', () => {
    const nodes = toEditorNodes(weekly).map((n) => ({ ...n, selected: true, measured: { width: 220, height: 90 } }));
    const doc = toDocument(nodes, []);
    const week = doc.nodes.find((n) => n.id === 'week')!;
    expect(week).toEqual({ id: 'week', type: 'delay', position: week.position, data: { duration: 'P7D' }, label: 'Wait a week' });
  });
});

describe('new nodes', () => {
  it('takes the first free id of the type', () => {
    expect(newNodeId('delay', ['trigger'])).toBe('delay');
    expect(newNodeId('delay', ['delay', 'delay2'])).toBe('delay3');
  });

  it.each(['trigger', 'condition', 'delay', 'channel', 'goal'] as const)('a new %s node has data the engine accepts', (type) => {
    const trigger = newNode('trigger', { x: 0, y: 0 }, []);
    const node = newNode(type, { x: 300, y: 0 }, [trigger.id]);
    const nodes = type === 'trigger' ? [trigger] : [trigger, node];
    const edges: EditorEdge[] = type === 'trigger' ? [] : [{ id: 'e1', source: trigger.id, target: node.id, sourceHandle: 'out' }];
    expect(validateFlow(toDocument(nodes, edges)).errors).toEqual([]);
  });
});

describe('handles', () => {
  it('are the engine’s out handles for the data', () => {
    expect(handlesOf('condition', { rule: { active: true } })).toEqual(['yes', 'no']);
    expect(handlesOf('condition', { branches: [{ id: 'heavy', rule: { active: true } }] })).toEqual(['heavy', 'else']);
    expect(
      handlesOf('condition', {
        split: [
          { id: 'a', percent: 50 },
          { id: 'b', percent: 50 },
        ],
      }),
    ).toEqual(['a', 'b']);
    expect(handlesOf('delay', { waitFor: { event: 'app_open', timeout: 'P3D' } })).toEqual(['event', 'timeout']);
    expect(handlesOf('delay', { duration: 'P7D' })).toEqual(['out']);
    expect(handlesOf('goal', { event: 'order_paid' })).toEqual([]);
  });

  it('edges follow a renamed branch and are dropped with a removed handle', () => {
    const edges: EditorEdge[] = [
      { id: 'a', source: 'c', target: 'x', sourceHandle: 'heavy' },
      { id: 'b', source: 'c', target: 'y', sourceHandle: 'else' },
      { id: 'z', source: 'other', target: 'c', sourceHandle: 'out' },
    ];
    expect(reconcileEdges(edges, 'c', ['light', 'else'], { heavy: 'light' }).map((e) => [e.id, e.sourceHandle])).toEqual([
      ['a', 'light'],
      ['b', 'else'],
      ['z', 'out'],
    ]);
    expect(reconcileEdges(edges, 'c', ['yes', 'no']).map((e) => e.id)).toEqual(['z']);
  });
});

/*
 *   trigger → winback → returned —event→ week → active —yes→ goal
 *                                                  —no→ capped —no→ checkin → week   (loop through the delay)
 */
describe('connection rules', () => {
  const nodes = toEditorNodes(weekly).map(shapeOf);
  const edges = toEditorEdges(weekly);
  const without = (source: string, handle: string) => edges.filter((e) => !(e.source === source && e.sourceHandle === handle));

  it('accepts a free handle that the source offers', () => {
    expect(connectionProblem(nodes, without('active', 'yes'), { source: 'active', sourceHandle: 'yes', target: 'checkin' })).toBeNull();
    expect(connectionProblem(nodes, edges, { source: 'capped', sourceHandle: 'yes', target: 'goal' })).toBeNull();
  });

  it('refuses a handle the node does not have, or one already connected', () => {
    expect(connectionProblem(nodes, edges, { source: 'week', sourceHandle: 'yes', target: 'goal' })).toMatch(/offers "out"/);
    expect(connectionProblem(nodes, edges, { source: 'goal', sourceHandle: null, target: 'week' })).toMatch(/no out handles/);
    expect(connectionProblem(nodes, edges, { source: 'active', sourceHandle: 'yes', target: 'checkin' })).toMatch(/already connected/);
  });

  it('refuses edges into the trigger and onto the same node', () => {
    expect(connectionProblem(nodes, edges, { source: 'capped', sourceHandle: 'yes', target: 'trigger' })).toMatch(/trigger/);
    expect(connectionProblem(nodes, edges, { source: 'capped', sourceHandle: 'yes', target: 'capped' })).toMatch(/itself/);
  });

  it('refuses a loop without a delay, allows one through a delay', () => {
    // capped —yes→ active would close active → capped → active with no delay in it
    expect(connectionProblem(nodes, edges, { source: 'capped', sourceHandle: 'yes', target: 'active' })).toMatch(/delay/);
    expect(connectionProblem(nodes, edges, { source: 'capped', sourceHandle: 'yes', target: 'week' })).toBeNull();
  });
});

describe('summaries', () => {
  it('describe the data in words', () => {
    expect(summarize('trigger', { kind: 'inactive', days: 7, reentry: { cooldown: 'P30D' } })).toBe(
      'No activity for 7 days · again after 30 days',
    );
    expect(summarize('condition', { rule: { attribute: 'cart_items', op: 'gt', value: 0 } })).toBe('cart_items > 0');
    expect(summarize('condition', { rule: { visits: { node: 'checkin', gte: 12 } } })).toBe('visits of checkin ≥ 12');
    expect(summarize('delay', { waitFor: { event: 'app_open', timeout: 'P3D' } })).toBe('Wait for “app_open”, at most 3 days');
    expect(summarize('goal', { rule: { active: true } })).toBe('Rule: contact is active');
    expect(
      summarize('condition', {
        rule: {
          all: [
            { event: 'app_open', within: 'P7D', count: { lte: 0 } },
            { attribute: 'churn', op: 'in', value: ['a', 'b'] },
          ],
        },
      }),
    ).toBe('app_open at most 0 times in the last 7 days and churn is one of a, b');
  });

  it('show templates without Handlebars noise', () => {
    expect(plainTemplate('We miss you{{#if firstName}}, {{firstName}}{{/if}}!')).toBe('We miss you!');
    expect(plainTemplate('{{default firstName "Hey"}}, your account is waiting')).toBe('{{firstName}}, your account is waiting');
    expect(summarize('channel', { channel: 'push', template: { title: 'Hi {{firstName}}' } })).toBe('push · Hi {{firstName}}');
    expect(summarize('delay', { until: '09:00' })).toBe("Wait until 9:00 in the contact's time zone");
  });
});
