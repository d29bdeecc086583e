import type { Rule } from '../engine';
import { fromGroup, toGroup, typedValue } from './rule-model';

describe('rule builder model', () => {
  it.each<Rule>([
    { active: true },
    { attribute: 'cart_items', op: 'gt', value: 0 },
    {
      all: [
        { attribute: 'churn_type', op: 'in', value: ['frustrated', 'natural'] },
        { event: 'app_open', within: 'P7D', count: { lte: 0 } },
      ],
    },
    { any: [{ reengaged: true }, { all: [{ active: false }, { attribute: 'vip', op: 'eq', value: true }] }] },
  ])('round-trips %j', (rule) => {
    const group = toGroup(rule);
    expect(group).not.toBeNull();
    expect(fromGroup(group!)).toEqual(rule);
  });

  it('leaves what it cannot show to the JSON view', () => {
    expect(toGroup({ not: { active: true } })).toBeNull();
    expect(toGroup({ visits: { node: 'x', gte: 3 } })).toBeNull();
    expect(toGroup({ all: [{ any: [{ all: [{ active: true }] }] }] })).toBeNull();
  });

  it('types values by the attribute type and operator', () => {
    expect(typedValue('3', 'number', 'gt')).toBe(3);
    expect(typedValue('3', 'string', 'eq')).toBe('3');
    expect(typedValue('3', 'string', 'gt')).toBe(3);
    expect(typedValue('a, b', 'string', 'in')).toEqual(['a', 'b']);
    expect(typedValue('true', 'boolean', 'eq')).toBe(true);
  });
});
