/** Experiments (issue 24) in plain words: the metric names, the default experiment, the arm table's figures. */
import type { Experiment } from '@boomerang/engine/core/schema';

export type ExperimentMetric = Experiment['metric'];

/** What the marketer picks: what counts as a success for an arm. */
export const metricWords: Record<ExperimentMetric, string> = {
  convertedAfterMessage: 'Converted after a message',
  clicked: 'Clicked a message',
  returned: 'Came back (was active again)',
};

/** The success column's header, per metric. */
export const metricShort: Record<ExperimentMetric, string> = {
  convertedAfterMessage: 'converted',
  clicked: 'clicked',
  returned: 'came back',
};

export const defaultExperiment: Experiment = { window: 'P14D', metric: 'convertedAfterMessage', minSample: 100 };

/** Who decided, in words: the engine's own decision or a person's pick. */
export function decidedByWords(decidedBy: string): string {
  if (decidedBy.startsWith('engine:')) return 'the engine (the test was conclusive)';
  if (decidedBy.startsWith('key:')) return `API key ${decidedBy.slice(4)}…`;
  return decidedBy.replace(/^user:/, '');
}

/** `12.5 %` or `—`. */
export function rateWords(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)} %`;
}
