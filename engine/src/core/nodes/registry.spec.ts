import { flowNodeSchema, nodeTypes } from '../schema';
import { nodeRegistry, traitsOf } from '.';

describe('the node registry', () => {
  it('knows every node type', () => {
    expect(Object.keys(nodeRegistry).sort()).toEqual([...nodeTypes].sort());
  });

  it.each(nodeTypes)('a new %s starts with data the schema and its own checks accept, and words for it', (type) => {
    const traits = traitsOf(type);
    const data = traits.defaultData();
    expect(flowNodeSchema.safeParse({ id: 'n', type, position: { x: 0, y: 0 }, data }).success).toBe(true);
    expect(traits.check(data)).toEqual([]);
    expect(traits.summary(data)).not.toBe('');
    expect(traits.label).not.toBe('');
  });

  it.each([
    ['trigger', { kind: 'event', event: 'app_open', audience: { active: false } }, ['audience'], ['enrollment']],
    [
      'condition',
      {
        branches: [
          { id: 'vip', rule: { active: true } },
          { id: 'rest', rule: { active: false } },
        ],
      },
      ['branches[0].rule', 'branches[1].rule'],
      ['journey', 'journey'],
    ],
    ['goal', { event: 'order_paid', where: { attribute: 'total', op: 'gt', value: 0 } }, ['where'], ['journey']],
    ['delay', { duration: 'P1D' }, [], []],
  ] as const)('a %s names the rules it holds and who reads them', (type, data, fields, readers) => {
    const rules = traitsOf(type).rules(data as never);
    expect(rules.map((r) => r.field)).toEqual(fields);
    expect(rules.map((r) => r.readBy)).toEqual(readers);
  });
});
