import { analyseLayer, type LayerCounts } from './layers';

const layer = (t: [number, number, number, number], h: [number, number]): LayerCounts => ({
  treatment: { journeys: t[0], converted: t[1], convertedAfterMessage: t[1], messagesSent: t[2], costCents: t[3] },
  holdout: { journeys: h[0], converted: h[1] },
});

describe('analyseLayer', () => {
  it.each([
    // layer A of the issue: 30 % with a message, 10 % without → worth it
    ['A', layer([800, 240, 800, 8000], [200, 20]), 'worth'],
    // layer B: 10 % either way → not yet clear (the interval includes zero)
    ['B', layer([800, 80, 800, 8000], [200, 20]), 'unclear'],
    // messages do harm or nothing, clearly: the whole interval at or below zero
    ['C', layer([2000, 100, 2000, 0], [2000, 300]), 'not_worth'],
    // too few to tell
    ['D', layer([20, 10, 20, 0], [5, 1]), 'unclear'],
    // no holdout took the path
    ['E', layer([100, 10, 100, 0], [0, 0]), 'unclear'],
  ] as const)('layer %s → %s', (name, counts, verdict) => {
    expect(analyseLayer(name, counts).verdict).toBe(verdict);
  });

  it('cost per incremental conversion = cost ÷ ((treatment rate − holdout rate) × treatment size), only when worth it', () => {
    const a = analyseLayer('Heavy users', layer([800, 240, 800, 8000], [200, 20]));
    // (0.30 − 0.10) × 800 = 160 incremental conversions; 8,000 ¢ / 160 = 50 ¢
    expect(a.incrementalConversions).toBeCloseTo(160, 9);
    expect(a.costPerIncrementalConversionCents).toBeCloseTo(50, 9);
    expect(a.incrementalPer100Messages).toBeCloseTo(20, 9);
    expect(a.sentence).toMatch(
      /^Heavy users: worth it — 30\.0 % of 800 messaged contacts converted against 10\.0 % of 200 held out \(\+20\.0 pp, 95 % interval \+[\d.]+ pp to \+[\d.]+ pp\)\.$/,
    );
    const b = analyseLayer('Light users', layer([800, 80, 800, 8000], [200, 20]));
    expect(b.costPerIncrementalConversionCents).toBeNull();
    expect(b.sentence).toMatch(/^Light users: not yet clear/);
    expect(analyseLayer('X', layer([100, 10, 100, 0], [0, 0])).sentence).toBe(
      'X: no held-out contacts took this path, so there is nothing to compare with.',
    );
  });
});
