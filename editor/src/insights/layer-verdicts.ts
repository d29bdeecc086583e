/**
 * Lift per layer (issue 24) in plain words for the Metrics table and the canvas badges: the verdict of each
 * condition branch / split arm as a short phrase, and the figures' formats.
 */
import type { Metrics } from '../api';

export type Layer = Metrics['layers'][number];
export type LayerVerdict = Layer['verdict'];

export const verdictPhrase: Record<LayerVerdict, string> = {
  worth: 'worth it',
  unclear: 'not yet clear',
  not_worth: 'not worth it',
};

/** The exit a layer is, as the canvas names it: “yes” / “no”, “else”, a branch or arm id. */
export function handleName(handle: string): string {
  return handle === 'else' ? 'everyone else' : handle;
}

const rateOf = (x: number, n: number) => (n === 0 ? null : x / n);

/** `30.0 %` of a count over a total, `—` when nobody. */
export function share(x: number, n: number): string {
  const r = rateOf(x, n);
  return r === null ? '—' : `${(r * 100).toFixed(1)} %`;
}

/** A difference of rates in percentage points: `+20.0 pts`, `−1.5 pts`. */
export function points(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
}

/** The 95 % interval of a lift: `+14.2 to +25.8 pts`. */
export function interval(i: Layer['absoluteInterval']): string {
  if (!i) return '—';
  return `${points(i.low).replace(' pts', '')} to ${points(i.high)}`;
}

/** Money as the Metrics screen writes it (cents → `12.34`), `—` when there is no figure. */
export function money(cents: number | null | undefined): string {
  return cents === null || cents === undefined ? '—' : (cents / 100).toFixed(2);
}

export function perHundred(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)}`;
}

/** The holdout line above the table: what every lift figure depends on. */
export function holdoutLine(holdoutPercent: number): string {
  if (holdoutPercent <= 0) return 'No entering contacts are held out, so no lift can be measured: set a holdout in the flow settings.';
  return `${holdoutPercent} % of entering contacts are held out; every lift figure depends on it.`;
}

/** `nodeId → handle → verdict`, for the canvas badges. */
export function verdictsByHandle(layers: readonly Layer[]): Record<string, Record<string, LayerVerdict>> {
  const out: Record<string, Record<string, LayerVerdict>> = {};
  for (const l of layers) (out[l.nodeId] ??= {})[l.handle] = l.verdict;
  return out;
}

/**
 * Verdicts per condition exit, from the metrics the flow screen already fetches for the card counts: published by
 * the flow screen, read by the canvas badges (a tiny store rather than one more provider around the canvas).
 */
type VerdictIndex = Record<string, Record<string, LayerVerdict>>;
let published: { flowId: string; verdicts: VerdictIndex } | null = null;
const listeners = new Set<() => void>();

/** Without a holdout there is never anything to compare with: no badges then. */
export function publishLayerVerdicts(flowId: string, metrics: Pick<Metrics, 'layers' | 'holdoutPercent'>): void {
  published = { flowId, verdicts: metrics.holdoutPercent > 0 ? verdictsByHandle(metrics.layers) : {} };
  listeners.forEach((l) => l());
}

export function subscribeLayerVerdicts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function layerVerdictOf(flowId: string, nodeId: string, handle: string): LayerVerdict | null {
  return published?.flowId === flowId ? (published.verdicts[nodeId]?.[handle] ?? null) : null;
}
