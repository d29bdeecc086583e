/**
 * Rule evaluation: pure, explained. A verdict carries a readable explanation ("cart_items = 2 > 0 → yes") and the
 * structured values each leaf was decided on, so the journey log can answer "why did this user get this?".
 *
 * Attribute comparison (decided here, documented for the editor):
 * - missing (undefined/null) attribute → false, except `neq` and `exists:false` which are true;
 * - numbers and numeric strings compare as numbers ("2" = 2, "10" > 9);
 * - ISO dates (strings or Date) compare as instants when both sides are dates;
 * - otherwise strings compare as strings (case-sensitive), booleans match true/false and "true"/"false";
 * - `in` takes an array value (the attribute equals one of them; an array attribute matches if any element does);
 * - `contains`: substring for strings, element (by `eq`) for arrays;
 * - `exists` with value true (the default) or false.
 * Attribute names may be dotted paths into nested objects (`address.city`), an exact key wins.
 */
import { DateTime } from 'luxon';
import type { AttributeOp, CountComparison, Rule } from './schema';
import type { ActivityRule, ContactFacts, EngineSettings, EventFact, JourneySnapshot } from './types';
import { defaultEngineSettings } from './types';
import { addDuration, localDay, safeZone, subtractDuration } from './durations';

export interface RuleContext {
  settings?: Pick<EngineSettings, 'activity' | 'attributionWindow'>;
  /** the journey the rule is evaluated for: `reengaged` and `visits` read its context */
  journey?: Pick<JourneySnapshot, 'context' | 'enteredAt'>;
}

export type RuleCheckKind = 'attribute' | 'event' | 'active' | 'reengaged' | 'visits';

export interface RuleCheck {
  kind: RuleCheckKind;
  text: string;
  result: boolean;
  values: Record<string, unknown>;
}

export interface RuleVerdict {
  result: boolean;
  /** e.g. `all(cart_items = 2 > 0 → yes; app_open in last P7D: 0 (≥ 1) → no) → no` */
  explanation: string;
  /** one entry per leaf, in rule order */
  checks: RuleCheck[];
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

interface Env {
  /** where attribute leaves look: contact attributes, or an event's properties inside `where` */
  subject: Record<string, unknown>;
  facts: ContactFacts;
  now: Date;
  ctx: RuleContext;
  checks: RuleCheck[];
}

/** Evaluates a rule for a contact at `now`. Never throws for a rule that passed the schema. */
export function evaluateRule(rule: Rule, facts: ContactFacts, now: Date, ctx: RuleContext = {}): RuleVerdict {
  const checks: RuleCheck[] = [];
  const { result, text } = evaluate(rule, { subject: facts.attributes ?? {}, facts, now, ctx, checks });
  return { result, explanation: text, checks };
}

function evaluate(rule: Rule, env: Env): { result: boolean; text: string } {
  if ('all' in rule) {
    const parts = rule.all.map((r) => evaluate(r, env));
    const result = parts.every((p) => p.result);
    return { result, text: `all(${parts.map((p) => p.text).join('; ')}) → ${yesNo(result)}` };
  }
  if ('any' in rule) {
    const parts = rule.any.map((r) => evaluate(r, env));
    const result = parts.some((p) => p.result);
    return { result, text: `any(${parts.map((p) => p.text).join('; ')}) → ${yesNo(result)}` };
  }
  if ('not' in rule) {
    const inner = evaluate(rule.not, env);
    return { result: !inner.result, text: `not(${inner.text}) → ${yesNo(!inner.result)}` };
  }
  const check = leaf(rule, env);
  env.checks.push(check);
  return { result: check.result, text: check.text };
}

function leaf(rule: Rule, env: Env): RuleCheck {
  if ('attribute' in rule) return attributeCheck(rule.attribute, rule.op, rule.value, env.subject);
  if ('event' in rule) return eventCheck(rule, env);
  if ('active' in rule) {
    const activity = env.ctx.settings?.activity ?? defaultEngineSettings.activity;
    const days = activeDays(env.facts.events, env.now, env.facts.timezone, activity.windowDays);
    const active = days.length >= activity.minDays;
    const result = active === rule.active;
    return {
      kind: 'active',
      result,
      text: `active (${days.length} of ${activity.minDays} days in last ${activity.windowDays}) = ${active}${
        rule.active ? '' : ', wanted false'
      } → ${yesNo(result)}`,
      values: { active, activeDays: days, minDays: activity.minDays, windowDays: activity.windowDays },
    };
  }
  if ('reengaged' in rule) {
    const state = reengagement(env.facts, env.now, env.ctx);
    const result = state.reengaged === rule.reengaged;
    return {
      kind: 'reengaged',
      result,
      text: `reengaged (returned ${state.returnedAt ?? 'never'}, active ${state.active}) = ${state.reengaged}${
        rule.reengaged ? '' : ', wanted false'
      } → ${yesNo(result)}`,
      values: { ...state },
    };
  }
  if ('visits' in rule) {
    const { node, ...comparison } = rule.visits;
    const count = env.ctx.journey?.context.visits?.[node] ?? 0;
    const result = compareCount(count, comparison);
    return {
      kind: 'visits',
      result,
      text: `visits of ${node} = ${count} ${describeCount(comparison)} → ${yesNo(result)}`,
      values: { node, count, comparison },
    };
  }
  throw new Error(`unknown rule leaf ${JSON.stringify(rule).slice(0, 100)}`);
}

// ---------------------------------------------------------------------------------------------- events

function eventCheck(rule: Extract<Rule, { event: string }>, env: Env): RuleCheck {
  const zone = safeZone(env.facts.timezone);
  const since = subtractDuration(env.now, rule.within, zone);
  const comparison = rule.count ?? { gte: 1 };
  const count = env.facts.events.filter(
    (e) =>
      e.name === rule.event &&
      e.occurredAt.getTime() > since.getTime() &&
      e.occurredAt.getTime() <= env.now.getTime() &&
      (!rule.where || evaluate(rule.where, { ...env, subject: e.properties ?? {}, checks: [] }).result),
  ).length;
  const result = compareCount(count, comparison);
  return {
    kind: 'event',
    result,
    text: `${rule.event}${rule.where ? ' (filtered)' : ''} in last ${rule.within}: ${count} ${describeCount(comparison)} → ${yesNo(result)}`,
    values: { event: rule.event, within: rule.within, since: since.toISOString(), count, comparison },
  };
}

export function compareCount(count: number, c: Partial<CountComparison>): boolean {
  return (
    (c.eq === undefined || count === c.eq) &&
    (c.gt === undefined || count > c.gt) &&
    (c.gte === undefined || count >= c.gte) &&
    (c.lt === undefined || count < c.lt) &&
    (c.lte === undefined || count <= c.lte)
  );
}

const countSymbols: Record<string, string> = { eq: '=', gt: '>', gte: '≥', lt: '<', lte: '≤' };
function describeCount(c: Partial<CountComparison>): string {
  const parts = Object.entries(c)
    .filter(([k, v]) => k in countSymbols && v !== undefined)
    .map(([k, v]) => `${countSymbols[k]} ${v}`);
  return `(${parts.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------- activity

/** Distinct local days (`yyyy-MM-dd`, contact's zone) with activity within the last `windowDays` days, today included. */
export function activeDays(events: readonly EventFact[], now: Date, timezone: string, windowDays: number): string[] {
  const zone = safeZone(timezone);
  // No activity event can fall in the window: skip the local-calendar arithmetic. The window starts at most
  // windowDays local days (≤ 25 h each with DST) before now, so this bound is conservative.
  const bound = now.getTime() - Math.max(1, windowDays) * 25 * 3_600_000;
  if (!events.some((e) => e.activity && e.occurredAt.getTime() <= now.getTime() && e.occurredAt.getTime() >= bound)) return [];
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const first = today.minus({ days: Math.max(1, windowDays) - 1 }).toMillis();
  const days = new Set<string>();
  for (const e of events) {
    if (!e.activity) continue;
    const t = e.occurredAt.getTime();
    if (t > now.getTime() || t < first) continue;
    days.add(localDay(e.occurredAt, zone));
  }
  return [...days].sort();
}

/** The workspace activity rule: activity on at least `minDays` distinct local days of the last `windowDays`. */
export function isActive(
  events: readonly EventFact[],
  now: Date,
  timezone: string,
  activity: ActivityRule = defaultEngineSettings.activity,
): boolean {
  return activeDays(events, now, timezone, activity.windowDays).length >= activity.minDays;
}

/**
 * The first activity event strictly after a win-back send and within the attribution window after it (and not
 * after `now`), or null.
 */
export function findReturn(
  events: readonly EventFact[],
  winbackSentAt: readonly string[] | undefined,
  now: Date,
  attributionWindow: string,
): Date | null {
  let best: Date | null = null;
  for (const sentIso of winbackSentAt ?? []) {
    const sent = new Date(sentIso);
    if (Number.isNaN(sent.getTime())) continue;
    const end = Math.min(addDuration(sent, attributionWindow).getTime(), now.getTime());
    for (const e of events) {
      const t = e.occurredAt.getTime();
      if (e.activity && t > sent.getTime() && t <= end && (!best || t < best.getTime())) best = e.occurredAt;
    }
  }
  return best;
}

export interface Reengagement {
  reengaged: boolean;
  returnedAt: string | null;
  active: boolean;
}

/** Re-engaged: returned after a win-back message within the attribution window, and not yet active. */
export function reengagement(facts: ContactFacts, now: Date, ctx: RuleContext = {}): Reengagement {
  const settings = { ...defaultEngineSettings, ...ctx.settings };
  const context = ctx.journey?.context ?? {};
  const returned =
    context.returnedAt != null
      ? new Date(context.returnedAt)
      : findReturn(facts.events, context.winbackSentAt, now, settings.attributionWindow);
  const active = isActive(facts.events, now, facts.timezone, settings.activity);
  return { reengaged: returned !== null && !active, returnedAt: returned?.toISOString() ?? null, active };
}

// ---------------------------------------------------------------------------------------------- attributes

const opSymbols: Record<AttributeOp, string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'in',
  contains: 'contains',
  exists: 'exists',
};

/** Reads an attribute: an exact key first, then a dotted path into nested objects. */
export function readAttribute(subject: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(subject, name)) return subject[name];
  if (!name.includes('.')) return undefined;
  let cur: unknown = subject;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function attributeCheck(attribute: string, op: AttributeOp, value: unknown, subject: Record<string, unknown>): RuleCheck {
  const actual = readAttribute(subject, attribute);
  const result = compareAttribute(actual, op, value);
  const shown = actual === undefined || actual === null ? '(missing)' : show(actual);
  const wanted = op === 'exists' ? (value === false ? 'false' : 'true') : show(value);
  return {
    kind: 'attribute',
    result,
    text: `${attribute} = ${shown} ${opSymbols[op]} ${wanted} → ${yesNo(result)}`,
    values: { attribute, op, actual: actual ?? null, expected: value ?? null },
  };
}

function show(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

export function compareAttribute(actual: unknown, op: AttributeOp, value: unknown): boolean {
  const missing = actual === undefined || actual === null;
  if (op === 'exists') return value === false ? missing : !missing;
  if (missing) return op === 'neq';
  switch (op) {
    case 'eq':
      return looseEquals(actual, value);
    case 'neq':
      return !looseEquals(actual, value);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const c = order(actual, value);
      if (c === null) return false;
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
    case 'in': {
      if (!Array.isArray(value)) return false;
      const candidates = Array.isArray(actual) ? actual : [actual];
      return candidates.some((a) => value.some((v) => looseEquals(a, v)));
    }
    case 'contains':
      if (typeof actual === 'string') return value !== undefined && value !== null && actual.includes(String(value));
      if (Array.isArray(actual)) return actual.some((a) => looseEquals(a, value));
      return false;
  }
}

const numeric = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && numeric.test(v)) return Number(v);
  return null;
}

const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
function asInstant(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === 'string' && isoDate.test(v)) {
    const dt = DateTime.fromISO(v.replace(' ', 'T'), { zone: 'utc' });
    return dt.isValid ? dt.toMillis() : null;
  }
  return null;
}

/** Sign of actual − expected when both are comparable (numbers, dates, strings); null otherwise. */
function order(actual: unknown, expected: unknown): number | null {
  const an = asNumber(actual);
  const en = asNumber(expected);
  if (an !== null && en !== null) return Math.sign(an - en);
  const ad = asInstant(actual);
  const ed = asInstant(expected);
  if (ad !== null && ed !== null) return Math.sign(ad - ed);
  if (typeof actual === 'string' && typeof expected === 'string') return actual < expected ? -1 : actual > expected ? 1 : 0;
  return null;
}

function looseEquals(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    // a boolean equals its own text ("true"), never a list or an object that happens to print the same
    if (typeof actual === 'object' || typeof expected === 'object') return false;
    return String(actual) === String(expected);
  }
  const c = order(actual, expected);
  if (c !== null) return c === 0;
  if (typeof actual === 'object' && typeof expected === 'object' && actual !== null && expected !== null) {
    try {
      return JSON.stringify(actual) === JSON.stringify(expected);
    } catch {
      return false;
    }
  }
  return false;
}

/** Walks every rule leaf (for validation and lookback computation). */
export function forEachLeaf(rule: Rule, visit: (leaf: Rule, path: string) => void, path = 'rule'): void {
  if ('all' in rule) rule.all.forEach((r, i) => forEachLeaf(r, visit, `${path}.all[${i}]`));
  else if ('any' in rule) rule.any.forEach((r, i) => forEachLeaf(r, visit, `${path}.any[${i}]`));
  else if ('not' in rule) forEachLeaf(rule.not, visit, `${path}.not`);
  else {
    visit(rule, path);
    if ('event' in rule && rule.where) forEachLeaf(rule.where, visit, `${path}.where`);
  }
}
