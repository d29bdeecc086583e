/**
 * Lift per layer: is a condition branch or split arm worth its messages? Holdout journeys walk the same graph (they
 * are sent nothing), so the contacts of both groups that took a branch are comparable, and the flow-wide method
 * (`liftReport`: Newcombe's interval of the difference of two proportions) answers per branch.
 */
import { liftReport, type Interval } from './lift';

export interface LayerCounts {
  treatment: { journeys: number; converted: number; convertedAfterMessage: number; messagesSent: number; costCents: number };
  holdout: { journeys: number; converted: number };
}

export type LayerVerdict = 'worth' | 'unclear' | 'not_worth';

export interface LayerAnalysis {
  /** treatment conversion rate − holdout conversion rate (all conversions: intent-to-treat) */
  absolute: number | null;
  absoluteInterval: Interval | null;
  sufficient: boolean;
  /** conversions the messages caused: (treatment rate − holdout rate) × treatment journeys; null without a holdout */
  incrementalConversions: number | null;
  /** incremental conversions per 100 messages sent in this layer; null without messages or a holdout */
  incrementalPer100Messages: number | null;
  /** cost ÷ incremental conversions; null unless the interval excludes zero on the positive side */
  costPerIncrementalConversionCents: number | null;
  verdict: LayerVerdict;
  /** one plain sentence */
  sentence: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`;

/**
 * `worth`: the 95 % interval of the lift lies above zero; `not_worth`: it lies at or below zero (the messages bring
 * no one who would not have come anyway); `unclear`: it includes zero, or there is too little data to say.
 */
export function analyseLayer(layer: string, c: LayerCounts): LayerAnalysis {
  const t = c.treatment;
  const h = c.holdout;
  const lift = liftReport(t.converted, t.journeys, h.converted, h.journeys);
  const incremental = lift.absolute === null ? null : lift.absolute * t.journeys;
  const per100 = incremental === null || t.messagesSent === 0 ? null : (incremental / t.messagesSent) * 100;
  const interval = lift.absoluteInterval;
  const verdict: LayerVerdict =
    !lift.sufficient || !interval ? 'unclear' : interval.low > 0 ? 'worth' : interval.high <= 0 ? 'not_worth' : 'unclear';
  const costPer = verdict === 'worth' && incremental && incremental > 0 ? t.costCents / incremental : null;
  return {
    absolute: lift.absolute,
    absoluteInterval: interval,
    sufficient: lift.sufficient,
    incrementalConversions: incremental,
    incrementalPer100Messages: per100,
    costPerIncrementalConversionCents: costPer,
    verdict,
    sentence: layerSentence(layer, c, lift.absolute, interval, verdict, lift.sufficient),
  };
}

function layerSentence(
  layer: string,
  c: LayerCounts,
  absolute: number | null,
  interval: Interval | null,
  verdict: LayerVerdict,
  sufficient: boolean,
): string {
  const t = c.treatment;
  const h = c.holdout;
  if (h.journeys === 0) return `${layer}: no held-out contacts took this path, so there is nothing to compare with.`;
  if (t.journeys === 0) return `${layer}: no treated contacts took this path yet.`;
  const rates = `${pct(t.converted / t.journeys)} of ${t.journeys} messaged contacts converted against ${pct(h.converted / h.journeys)} of ${h.journeys} held out`;
  if (!sufficient || absolute === null || !interval) return `${layer}: not yet clear — too few contacts (${rates}).`;
  const range = `${pp(absolute)}, 95 % interval ${pp(interval.low)} to ${pp(interval.high)}`;
  if (verdict === 'worth') return `${layer}: worth it — ${rates} (${range}).`;
  if (verdict === 'not_worth') return `${layer}: not worth it — they come back as often without a message (${rates}, ${range}).`;
  return `${layer}: not yet clear — ${rates} (${range}).`;
}
