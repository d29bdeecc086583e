/**
 * Rules compiled to SQL WHERE fragments with parameters, for set-based enrollment (trigger audience, segment rule,
 * event `where`). Semantics follow `evaluateRule` (rules.ts):
 * - attributes are read through jsonb (`c.attributes`, or an event's `properties` inside `where`); an exact key wins
 *   over a dotted path; missing → false except `neq` and `exists:false`;
 * - numbers and numeric strings compare as numbers through a guarded cast (a non-numeric string never raises);
 *   other values compare as text; `in` takes an array; `contains` is substring or array element;
 * - `{event, within, count}` is a correlated count over `events`; the window starts `within` before now in the
 *   contact's zone exactly as the core's `subtractDuration` (calendar units keep the local wall time across DST,
 *   time units are exact; `boomerang_local_shift` mirrors luxon, a property test holds the two together);
 * - `{active}` counts distinct local days with activity in the contact's time zone (invalid zones → UTC, through
 *   `boomerang_safe_zone`).
 * `reengaged` and `visits` describe a journey, not a contact: they cannot appear in triggers (`RuleSqlError`).
 */
import type { ActivityRule, Rule } from '../core/types';
import type { AttributeOp, CountComparison } from '../core/schema';
import { Duration } from 'luxon';
import { parseDuration } from '../core/durations';

export class RuleSqlError extends Error {}

/** Collects positional parameters ($1, $2…) while fragments are built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface RuleSqlContext {
  params: SqlParams;
  /** SQL of the contact id (e.g. `c.id`) and time zone (e.g. `c.timezone`) */
  contactId: string;
  timezone: string;
  /** placeholder of `now` (timestamptz) */
  now: string;
  activity: ActivityRule;
}

/** Compiles `rule` over `subject` (a jsonb SQL expression: `c.attributes`, or `e.properties` inside `where`). */
export function ruleToSql(rule: Rule, subject: string, ctx: RuleSqlContext): string {
  if ('all' in rule) return `(${rule.all.map((r) => ruleToSql(r, subject, ctx)).join(' AND ')})`;
  if ('any' in rule) return `(${rule.any.map((r) => ruleToSql(r, subject, ctx)).join(' OR ')})`;
  if ('not' in rule) return `(NOT COALESCE(${ruleToSql(rule.not, subject, ctx)}, false))`;
  if ('attribute' in rule) return attributeSql(subject, rule.attribute, rule.op, rule.value, ctx.params);
  if ('event' in rule) return eventCountSql(rule, ctx);
  if ('active' in rule) return activeSql(rule.active, ctx);
  if ('reengaged' in rule) throw new RuleSqlError('`reengaged` describes a journey and cannot be used in a trigger');
  if ('visits' in rule) throw new RuleSqlError('`visits` describes a journey and cannot be used in a trigger');
  throw new RuleSqlError(`unknown rule leaf ${JSON.stringify(rule).slice(0, 100)}`);
}

const countOps: Record<keyof CountComparison, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function countSql(expr: string, comparison: Partial<CountComparison>, params: SqlParams): string {
  const parts = (Object.keys(countOps) as (keyof CountComparison)[])
    .filter((k) => comparison[k] !== undefined)
    .map((k) => `${expr} ${countOps[k]} ${params.add(comparison[k])}::bigint`);
  return parts.length ? `(${parts.join(' AND ')})` : 'true';
}

/**
 * SQL of `now - within` in the contact's zone, split as luxon's DateTime#minus splits it: whole months (years and
 * quarters included) and whole days (weeks included) move the local calendar, everything else is exact time.
 */
function windowStartSql(within: string, ctx: RuleSqlContext): string {
  const d = parseDuration(within);
  if (!d) throw new RuleSqlError(`invalid duration ${within}`);
  const u = d.toObject();
  const whole = (v: number | undefined) => Math.trunc(v ?? 0);
  const months = whole(u.years) * 12 + whole(u.quarters) * 3 + whole(u.months);
  const days = whole(u.weeks) * 7 + whole(u.days);
  const exactMs = Math.round(
    Duration.fromObject({
      years: (u.years ?? 0) - whole(u.years),
      quarters: (u.quarters ?? 0) - whole(u.quarters),
      months: (u.months ?? 0) - whole(u.months),
      weeks: (u.weeks ?? 0) - whole(u.weeks),
      days: (u.days ?? 0) - whole(u.days),
      hours: u.hours ?? 0,
      minutes: u.minutes ?? 0,
      seconds: u.seconds ?? 0,
      milliseconds: u.milliseconds ?? 0,
    }).as('milliseconds'),
  );
  const p = ctx.params;
  if (!months && !days) return `(${ctx.now}::timestamptz - ${p.add(exactMs)}::bigint * interval '1 millisecond')`;
  return `boomerang_local_shift(${ctx.now}::timestamptz, boomerang_safe_zone(${ctx.timezone}), ${p.add(-months)}::int, ${p.add(-days)}::int, ${p.add(-exactMs)}::bigint)`;
}

function eventCountSql(rule: Extract<Rule, { event: string }>, ctx: RuleSqlContext): string {
  const p = ctx.params;
  const where = rule.where ? ` AND ${ruleToSql(rule.where, 'ev.properties', ctx)}` : '';
  const count = `(SELECT count(*) FROM events ev WHERE ev.contact_id = ${ctx.contactId} AND ev.name = ${p.add(rule.event)}
      AND ev.occurred_at > ${windowStartSql(rule.within, ctx)}
      AND ev.occurred_at <= ${ctx.now}::timestamptz${where})`;
  return countSql(count, rule.count ?? { gte: 1 }, p);
}

function activeSql(wanted: boolean, ctx: RuleSqlContext): string {
  const p = ctx.params;
  const zone = `boomerang_safe_zone(${ctx.timezone})`;
  const windowDays = Math.max(1, ctx.activity.windowDays);
  const days = `(SELECT count(DISTINCT (ev.occurred_at AT TIME ZONE ${zone})::date) FROM events ev
      WHERE ev.contact_id = ${ctx.contactId} AND ev.is_activity AND ev.occurred_at <= ${ctx.now}::timestamptz
        AND ev.occurred_at > ${ctx.now}::timestamptz - ${p.add(windowDays + 1)}::int * interval '1 day'
        AND (ev.occurred_at AT TIME ZONE ${zone})::date > (${ctx.now}::timestamptz AT TIME ZONE ${zone})::date - ${p.add(windowDays)}::int)`;
  return `((${days} >= ${p.add(ctx.activity.minDays)}::bigint) = ${p.add(wanted)}::boolean)`;
}

/** jsonb value of an attribute: the exact key, else the dotted path. */
function valueExpr(subject: string, name: string, params: SqlParams): string {
  const key = params.add(name);
  if (!name.includes('.')) return `(${subject} -> ${key}::text)`;
  return `(CASE WHEN ${subject} ? ${key}::text THEN ${subject} -> ${key}::text ELSE ${subject} #> ${params.add(name.split('.'))}::text[] END)`;
}

// the core's numeric strings (rules.ts asNumber): optional sign, digits with an optional fraction, an exponent
const numericPattern = '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$';

function numericExpr(v: string): string {
  return `(CASE WHEN jsonb_typeof(${v}) = 'number' THEN (${v})::numeric
    WHEN jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') ~ '${numericPattern}' THEN (${v} #>> '{}')::numeric END)`;
}

function isNumeric(value: unknown): value is number | string {
  return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && new RegExp(numericPattern).test(value));
}

const cmpOps: Partial<Record<AttributeOp, string>> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * `v op value` for one scalar value, as the core's `looseEquals`/`order`: numbers and numeric strings compare as
 * numbers; a numeric string against a non-numeric string compares as text; strings by code point (COLLATE "C",
 * as JavaScript's `<`); a boolean equals its own text ("true"); objects by JSON equality. NULL or false when not
 * comparable.
 */
function scalarCompare(v: string, op: '=' | '>' | '>=' | '<' | '<=', value: unknown, params: SqlParams): string {
  if (value === null || value === undefined) return 'false';
  if (typeof value === 'boolean') return op === '=' ? `((${v} #>> '{}') = ${params.add(String(value))})` : 'false';
  if (typeof value === 'object') return op === '=' ? `${v} = ${params.add(JSON.stringify(value))}::jsonb` : 'false';
  if (typeof value === 'number') return isNumeric(value) ? `${numericExpr(v)} ${op} ${params.add(String(value))}::numeric` : 'false';
  const text = String(value);
  const p = params.add(text);
  const asText = `(jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') COLLATE "C" ${op} ${p}::text COLLATE "C")`;
  const asBoolean =
    op === '=' && (text === 'true' || text === 'false') ? ` OR (jsonb_typeof(${v}) = 'boolean' AND (${v} #>> '{}') = ${p}::text)` : '';
  if (!isNumeric(text)) return `(${asText}${asBoolean})`;
  return `((CASE WHEN ${numericExpr(v)} IS NOT NULL THEN ${numericExpr(v)} ${op} ${p}::numeric ELSE ${asText} END)${asBoolean})`;
}

function attributeSql(subject: string, name: string, op: AttributeOp, value: unknown, params: SqlParams): string {
  // nothing is `in` an empty list or a non-list, and nothing contains null (as the core's compareAttribute);
  // decided before any parameter is added: an unused parameter cannot be typed
  if (op === 'in' && (!Array.isArray(value) || !value.length)) return 'false';
  if (op === 'contains' && (value === null || value === undefined)) return 'false';
  const v = valueExpr(subject, name, params);
  const present = `(${v} IS NOT NULL AND jsonb_typeof(${v}) <> 'null')`;
  switch (op) {
    case 'exists':
      return value === false ? `(NOT ${present})` : present;
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `(${present} AND COALESCE(${scalarCompare(v, cmpOps[op] as '=', value, params)}, false))`;
    case 'neq':
      return `(NOT ${present} OR NOT COALESCE(${scalarCompare(v, '=', value, params)}, false))`;
    case 'in': {
      const values = value as unknown[];
      const element = (x: string) => `(${values.map((val) => `COALESCE(${scalarCompare(x, '=', val, params)}, false)`).join(' OR ')})`;
      return `(${present} AND (CASE WHEN jsonb_typeof(${v}) = 'array'
        THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${v}) AS el(x) WHERE ${element('el.x')}) ELSE ${element(v)} END))`;
    }
    case 'contains':
      return `(${present} AND (CASE WHEN jsonb_typeof(${v}) = 'array'
        THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${v}) AS el(x) WHERE COALESCE(${scalarCompare('el.x', '=', value, params)}, false))
        WHEN jsonb_typeof(${v}) = 'string' THEN strpos(${v} #>> '{}', ${params.add(String(value))}) > 0 ELSE false END))`;
  }
}
