/** One-line, human summaries of node data and rules for the canvas cards and lists. */
import type { NodeType, Rule } from '../engine';
import { describeDuration, describeTimeOfDay } from './durations';
import type { ConfigOf } from './model';

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

function countText(c: Partial<Record<'eq' | 'gt' | 'gte' | 'lt' | 'lte', number>> | undefined): string {
  if (!c) return 'at least 1 time';
  return Object.entries(c)
    .filter(([k]) => k in countWords)
    .map(([k, v]) => `${countWords[k]} ${v} time${v === 1 ? '' : 's'}`)
    .join(', ');
}

function visitsText(c: Partial<Record<'eq' | 'gt' | 'gte' | 'lt' | 'lte', number>>): string {
  return Object.entries(c)
    .filter(([k]) => k in opText)
    .map(([k, v]) => `${opText[k]} ${v}`)
    .join(', ');
}

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

export function summarize<T extends NodeType>(type: T, config: ConfigOf<T>): string {
  const c = config as Record<string, any>;
  switch (type) {
    case 'trigger': {
      const base =
        c.kind === 'inactive'
          ? `No activity for ${c.days} day${c.days === 1 ? '' : 's'}`
          : c.kind === 'event'
            ? `On event “${c.event}”`
            : `Segment: ${describeRule(c.rule)}`;
      const reentry =
        c.reentry === 'never' ? ' · once' : c.reentry?.cooldown ? ` · again after ${describeDuration(c.reentry.cooldown)}` : '';
      return base + reentry;
    }
    case 'condition':
      if ('rule' in c) return describeRule(c.rule);
      if ('branches' in c) return `${c.branches.length} branch${c.branches.length === 1 ? '' : 'es'} + else`;
      if ('split' in c) return `Split ${c.split.map((s: { percent: number }) => `${s.percent}%`).join(' / ')}`;
      return '';
    case 'delay':
      if ('duration' in c) return `Wait ${describeDuration(c.duration)}`;
      if ('until' in c) return `Wait until ${describeTimeOfDay(c.until, c.timezone)}`;
      if ('waitFor' in c) return `Wait for “${c.waitFor?.event}”, at most ${describeDuration(c.waitFor?.timeout)}`;
      return '';
    case 'channel': {
      const t = c.template ?? {};
      const headline = t.title ?? t.subject ?? t.body ?? t.url ?? t.text ?? '';
      const fallback = c.fallback?.length ? ` → ${c.fallback.join(', ')}` : '';
      const plain = plainTemplate(String(headline));
      return `${c.channel}${fallback}${plain ? ` · ${plain.length > 48 ? `${plain.slice(0, 47)}…` : plain}` : ''}`;
    }
    case 'goal':
      return 'event' in c ? `Event “${c.event}”` : `Rule: ${describeRule(c.rule)}`;
  }
  return '';
}

export const typeLabel: Record<NodeType, string> = {
  trigger: 'Trigger',
  condition: 'Condition',
  delay: 'Delay',
  channel: 'Message',
  goal: 'Goal',
};

export const typeHint: Record<NodeType, string> = {
  trigger: 'Who enters: inactivity, an event or a segment',
  condition: 'Branch on a rule, layers or an A/B split',
  delay: 'Wait a duration, until a time, or for an event',
  channel: 'Send email, push, SMS or a webhook',
  goal: 'Conversion: ends the journey as converted',
};

const hiddenDetail = /^(type|flowId|journeyId|messageId|providerId|idempotencyKey)$/;

/** A log row's `detail` as one readable line: the explanation first, then the remaining values. */
export function describeDetail(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  const parts: string[] = [];
  for (const key of ['explanation', 'reason', 'text', 'preview']) {
    const v = detail[key];
    if (typeof v === 'string' && v) parts.push(v);
  }
  for (const [k, v] of Object.entries(detail)) {
    if (['explanation', 'reason', 'text', 'preview'].includes(k) && typeof v === 'string') continue;
    if (hiddenDetail.test(k)) continue; // ids and keys: in the API, not what a marketer reads
    if (v === null || v === undefined) continue;
    parts.push(`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(' · ');
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
