/**
 * Incremental lift of a flow over its holdout, with 95 % intervals. Pure functions, table-tested (lift.spec.ts).
 *
 * - Absolute lift = p_treatment − p_holdout (difference of two independent proportions). Interval: Newcombe's hybrid
 *   score interval ("method 10", Newcombe 1998, Statistics in Medicine 17:873–890), built from the Wilson score
 *   interval of each proportion. Unlike the Wald interval it stays inside [−1, 1] and behaves with small counts
 *   and rates near 0 or 1, which is where win-back conversion rates live.
 * - Relative lift = p_treatment / p_holdout − 1. Interval: the Katz log interval of the risk ratio
 *   (exp(ln RR ± z·sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2))) minus 1; undefined when either group has no conversion.
 * - A result is only stated when each group has at least MIN_GROUP contacts and at least MIN_EVENTS conversions and
 *   non-conversions (the usual normal-approximation rule of thumb); otherwise a plain sentence says why not.
 */
export const Z95 = 1.959963984540054;
export const MIN_GROUP = 30;
export const MIN_EVENTS = 5;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of x successes out of n (n > 0). */
export function wilson(x: number, n: number, z = Z95): Interval {
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe hybrid score interval of p1 − p2 (x1/n1 − x2/n2). */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval & { estimate: number } {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const estimate = p1 - p2;
  const delta = Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2);
  const epsilon = Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2);
  return { estimate, low: estimate - delta, high: estimate + epsilon };
}

/** Katz log interval of the risk ratio (x1/n1)/(x2/n2); null when either count is 0. */
export function katzRiskRatio(x1: number, n1: number, x2: number, n2: number, z = Z95): (Interval & { estimate: number }) | null {
  if (x1 === 0 || x2 === 0) return null;
  const rr = x1 / n1 / (x2 / n2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  return { estimate: rr, low: Math.exp(Math.log(rr) - z * se), high: Math.exp(Math.log(rr) + z * se) };
}

export interface LiftReport {
  /** p_treatment − p_holdout; null without both groups */
  absolute: number | null;
  absoluteInterval: Interval | null;
  /** p_treatment / p_holdout − 1 */
  relative: number | null;
  relativeInterval: Interval | null;
  method: string;
  /** enough data to state a result (see MIN_GROUP, MIN_EVENTS) */
  sufficient: boolean;
  /** the finding, or why there is none, in one plain sentence */
  summary: string;
}

export const LIFT_METHOD =
  'absolute: Newcombe hybrid score interval (method 10) for a difference of proportions; relative: Katz log interval of the risk ratio; 95 %';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`;

/** Lift of treatment (x1 converted of n1) over holdout (x2 of n2). */
export function liftReport(x1: number, n1: number, x2: number, n2: number): LiftReport {
  const none = { absolute: null, absoluteInterval: null, relative: null, relativeInterval: null, method: LIFT_METHOD };
  if (n1 === 0 || n2 === 0) {
    return {
      ...none,
      sufficient: false,
      summary: n2 === 0 ? 'No holdout group yet, so there is nothing to compare with.' : 'No treated contacts yet.',
    };
  }
  const diff = newcombeDifference(x1, n1, x2, n2);
  const rr = katzRiskRatio(x1, n1, x2, n2);
  const report = {
    absolute: diff.estimate,
    absoluteInterval: { low: diff.low, high: diff.high },
    relative: x2 > 0 ? x1 / n1 / (x2 / n2) - 1 : null,
    relativeInterval: rr ? { low: rr.low - 1, high: rr.high - 1 } : null,
    method: LIFT_METHOD,
  };
  const small = [n1, n2].some((n) => n < MIN_GROUP) || [x1, n1 - x1, x2, n2 - x2].some((k) => k < MIN_EVENTS);
  if (small) {
    return {
      ...report,
      sufficient: false,
      summary: `Too few contacts to tell yet: ${x1} of ${n1} treated and ${x2} of ${n2} held out converted; a verdict needs at least ${MIN_GROUP} contacts and ${MIN_EVENTS} conversions and non-conversions in each group.`,
    };
  }
  const interval = `95 % interval ${pp(diff.low)} to ${pp(diff.high)}`;
  const summary =
    diff.low > 0
      ? `The flow works: ${pct(x1 / n1)} of treated contacts converted against ${pct(x2 / n2)} of the holdout (${pp(diff.estimate)}, ${interval}).`
      : diff.high < 0
        ? `The flow hurts: ${pct(x1 / n1)} of treated contacts converted against ${pct(x2 / n2)} of the holdout (${pp(diff.estimate)}, ${interval}).`
        : `No clear effect yet: ${pct(x1 / n1)} of treated contacts converted against ${pct(x2 / n2)} of the holdout (${pp(diff.estimate)}, ${interval} includes zero).`;
  return { ...report, sufficient: true, summary };
}
