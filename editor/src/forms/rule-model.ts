/** The rule builder's model: a RULE as a group of leaves (and one level of sub-groups) and back, plus value typing. */
import type { Rule } from '../engine';

export type LeafKind = 'attribute' | 'event' | 'active' | 'reengaged';
export interface Group {
  mode: 'all' | 'any';
  items: (Rule | Group)[];
}

export function leafKind(rule: Rule): LeafKind | null {
  if ('attribute' in rule) return 'attribute';
  if ('event' in rule) return 'event';
  if ('active' in rule) return 'active';
  if ('reengaged' in rule) return 'reengaged';
  return null;
}

/** The builder shows all/any groups of leaves, nested once; `not`, `visits` and deeper nesting need the JSON view. */
export function toGroup(rule: Rule, depth = 0): Group | null {
  if ('all' in rule || 'any' in rule) {
    const mode = 'all' in rule ? 'all' : 'any';
    const list = 'all' in rule ? rule.all : (rule as { any: Rule[] }).any;
    const items: (Rule | Group)[] = [];
    for (const r of list) {
      if ('all' in r || 'any' in r) {
        if (depth > 0) return null;
        const g = toGroup(r, depth + 1);
        if (!g) return null;
        items.push(g);
      } else if (leafKind(r) && !('event' in r && r.where)) items.push(r);
      else return null;
    }
    return { mode, items };
  }
  return leafKind(rule) && !('event' in rule && rule.where) ? { mode: 'all', items: [rule] } : null;
}

/** A group of one leaf is stored as the leaf itself (`{"active":true}`, not `{"all":[{"active":true}]}`). */
export function fromGroup(group: Group): Rule {
  const items = group.items.map((i) => ('mode' in i ? fromGroup(i) : i));
  if (items.length === 1 && !('mode' in group.items[0])) return items[0];
  return group.mode === 'all' ? { all: items } : { any: items };
}

type Op = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains' | 'exists' | 'not-exists';

export function opsForType(type: string): (readonly [Op, string])[] {
  if (type === 'number') {
    return [
      ['eq', 'is'],
      ['neq', 'is not'],
      ['gt', 'is more than'],
      ['gte', 'is at least'],
      ['lt', 'is less than'],
      ['lte', 'is at most'],
      ['in', 'is one of'],
      ['exists', 'is set'],
      ['not-exists', 'is not set'],
    ];
  }
  if (type === 'boolean')
    return [
      ['eq', 'is'],
      ['neq', 'is not'],
      ['exists', 'is set'],
      ['not-exists', 'is not set'],
    ];
  return [
    ['eq', 'is'],
    ['neq', 'is not'],
    ['contains', 'contains'],
    ['in', 'is one of'],
    ['gt', 'comes after'],
    ['lt', 'comes before'],
    ['exists', 'is set'],
    ['not-exists', 'is not set'],
  ];
}

/** The typed value of what was typed: numbers for number attributes (and numeric text compared with > <), lists for "in". */
export function typedValue(text: string, type: string, op: string): unknown {
  if (op === 'in')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => typedValue(s, type, 'eq'));
  if (type === 'boolean') return text === 'true';
  const numeric = text.trim() !== '' && Number.isFinite(Number(text));
  if (type === 'number' && numeric) return Number(text);
  if (type !== 'string' && numeric) return Number(text);
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && numeric) return Number(text);
  return text;
}

export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}
