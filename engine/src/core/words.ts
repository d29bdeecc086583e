/**
 * Plain words for what a flow holds: durations, times of day, rules and template text as a marketer reads them on
 * the canvas cards and in lists. Pure and clock-free; the node types' `summary` (nodes/*.ts) speak with these.
 */
import type { Rule } from './schema';

export const durationUnits = ['minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof durationUnits)[number];

export interface DurationParts {
  amount: number;
  unit: DurationUnit;
}

const durationPattern = /^P(?:(\d+)W|(\d+)D|T(\d+)H|T(\d+)M)$/;

/** `P3D` → 3 days: the durations a number-and-unit picker can show exactly, else null. */
export function splitDuration(iso: string | undefined): DurationParts | null {
  const m = durationPattern.exec(iso ?? '');
  if (!m) return null;
  if (m[1] !== undefined) return { amount: Number(m[1]), unit: 'weeks' };
  if (m[2] !== undefined) return { amount: Number(m[2]), unit: 'days' };
  if (m[3] !== undefined) return { amount: Number(m[3]), unit: 'hours' };
  return { amount: Number(m[4]), unit: 'minutes' };
}

/** "7 days", "1 hour", "2 weeks"; other ISO values are shown as they are. */
export function describeDuration(iso: string | undefined): string {
  const parts = splitDuration(iso);
  if (!parts) return iso ?? '';
  const singular = parts.unit.slice(0, -1);
  return `${parts.amount} ${parts.amount === 1 ? singular : parts.unit}`;
}

/** "9:00" → "9:00", "21:30" → "21:30"; with the zone wording used on cards and in forms. */
export function describeTimeOfDay(hhmm: string, timezone?: string): string {
  const [h, m] = hhmm.split(':');
  const time = `${Number(h)}:${m ?? '00'}`;
  return timezone ? `${time} in ${timezone}` : `${time} in the contact's time zone`;
}

const opText: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'is one of',
  contains: 'contains',
  exists: 'is set',
};

const countWords: Record<string, string> = { eq: 'exactly', gt: 'more than', gte: 'at least', lt: 'fewer than', lte: 'at most' };

type Counts = Partial<Record<'eq' | 'gt' | 'gte' | 'lt' | 'lte', number>>;

function countText(c: Counts | undefined): string {
  if (!c) return 'at least 1 time';
  return Object.entries(c)
    .filter(([k]) => k in countWords)
    .map(([k, v]) => `${countWords[k]} ${v} time${v === 1 ? '' : 's'}`)
    .join(', ');
}

function visitsText(c: Counts): string {
  return Object.entries(c)
    .filter(([k]) => k in opText)
    .map(([k, v]) => `${opText[k]} ${v}`)
    .join(', ');
}

/** A rule as one line: `cart_items > 0 and (order_paid at least 1 time in the last 7 days or …)`. */
export function describeRule(rule: Rule | undefined, depth = 0): string {
  if (!rule || typeof rule !== 'object') return '—';
  const wrap = (s: string) => (depth > 0 ? `(${s})` : s);
  if ('all' in rule && Array.isArray(rule.all)) return wrap(rule.all.map((r) => describeRule(r, depth + 1)).join(' and '));
  if ('any' in rule && Array.isArray(rule.any)) return wrap(rule.any.map((r) => describeRule(r, depth + 1)).join(' or '));
  if ('not' in rule) return `not ${describeRule(rule.not, depth + 1)}`;
  if ('attribute' in rule) {
    if (rule.op === 'exists') return rule.value === false ? `${rule.attribute} is not set` : `${rule.attribute} is set`;
    const value = Array.isArray(rule.value)
      ? rule.value.join(', ')
      : typeof rule.value === 'string'
        ? `“${rule.value}”`
        : String(rule.value);
    return `${rule.attribute} ${opText[rule.op] ?? rule.op} ${value}`;
  }
  if ('event' in rule) return `${rule.event} ${countText(rule.count)} in the last ${describeDuration(rule.within)}`;
  if ('active' in rule) return rule.active ? 'contact is active' : 'contact is not active';
  if ('reengaged' in rule) return rule.reengaged ? 'contact re-engaged' : 'not re-engaged';
  if ('visits' in rule && rule.visits) {
    const { node, ...count } = rule.visits;
    return `visits of ${node} ${visitsText(count)}`;
  }
  return JSON.stringify(rule);
}

/**
 * A Handlebars template as short display text: block helpers dropped, variables kept as the marketer typed them
 * (`{{firstName}}`; `{{default firstName "x"}}` → `{{firstName}}`), never the half-braced `{firstName}`.
 */
export function plainTemplate(source: string): string {
  return source
    .replace(/\{\{#(\w+)[^}]*\}\}[\s\S]*?\{\{\/\1\}\}/g, '')
    .replace(/\{\{\{?\s*(?:default\s+)?([\w.]+)[^}]*\}?\}\}/g, '{{$1}}')
    .replace(/\s+/g, ' ')
    .trim();
}
