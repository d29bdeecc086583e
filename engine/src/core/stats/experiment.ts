/**
 * Experiments that pick their winner: when a split's window has closed, does one arm beat every other?
 *
 * The test: the arm with the highest success rate (the leader) is compared with each other arm by Newcombe's hybrid
 * score interval of the difference of two proportions (the method the flow's lift uses), at the Bonferroni-corrected
 * level 1 − 0.05 / (k − 1) for k arms (k − 1 comparisons), so the chance of naming a winner when all arms are equal
 * stays at or below 5 %. The leader wins when every interval lies above zero and every arm has the minimum sample.
 */
import { jStat } from 'jstat';
import { newcombeDifference } from './lift';

export interface ArmOutcome {
  id: string;
  journeys: number;
  successes: number;
}

export interface ArmComparison {
  arm: string;
  against: string;
  difference: number;
  low: number;
  high: number;
}

export interface ExperimentVerdict {
  winner: string | null;
  /** one plain sentence: who won and by how much, or why nobody did */
  reason: string;
  /** confidence of each comparison after the correction (0.975 for 2 arms, 0.9833… for 3) */
  level: number;
  comparisons: ArmComparison[];
}

export const EXPERIMENT_TEST =
  'leader against every other arm: Newcombe hybrid score interval of the difference of proportions, Bonferroni-corrected for k − 1 comparisons, 95 % family-wise';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`;

export function pickExperimentWinner(arms: readonly ArmOutcome[], minSample: number, alpha = 0.05): ExperimentVerdict {
  const k = arms.length;
  const level = 1 - alpha / Math.max(1, k - 1);
  const none = (reason: string, comparisons: ArmComparison[] = []): ExperimentVerdict => ({ winner: null, reason, level, comparisons });
  if (k < 2) return none('an experiment needs at least two arms');
  const short = arms.filter((a) => a.journeys < minSample);
  if (short.length) {
    return none(`not enough contacts yet: ${short.map((a) => `“${a.id}” has ${a.journeys} of the ${minSample} needed`).join(', ')}`);
  }
  const rate = (a: ArmOutcome) => a.successes / a.journeys;
  const leader = [...arms].sort((a, b) => rate(b) - rate(a))[0];
  // two-sided interval whose lower bound is the one-sided test at the corrected level
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  const comparisons = arms
    .filter((a) => a !== leader)
    .map((other) => {
      const d = newcombeDifference(leader.successes, leader.journeys, other.successes, other.journeys, z);
      return { arm: leader.id, against: other.id, difference: d.estimate, low: d.low, high: d.high };
    });
  const describe = (c: ArmComparison) => `${pp(c.difference)} over “${c.against}” (${pp(c.low)} to ${pp(c.high)})`;
  if (comparisons.every((c) => c.low > 0)) {
    return {
      winner: leader.id,
      reason: `“${leader.id}” wins with ${pct(rate(leader))}: ${comparisons.map(describe).join('; ')}, 95 % confidence after correction`,
      level,
      comparisons,
    };
  }
  const close = comparisons.filter((c) => c.low <= 0);
  return none(
    `no arm beats every other with 95 % confidence yet: “${leader.id}” leads with ${pct(rate(leader))}, ${close.map(describe).join('; ')}`,
    comparisons,
  );
}
