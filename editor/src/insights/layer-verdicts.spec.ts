import {
  handleName,
  holdoutLine,
  interval,
  layerVerdictOf,
  money,
  perHundred,
  points,
  publishLayerVerdicts,
  share,
  subscribeLayerVerdicts,
  verdictPhrase,
  verdictsByHandle,
  type Layer,
} from './layer-verdicts';

const layer = (nodeId: string, handle: string, verdict: Layer['verdict']): Layer => ({
  nodeId,
  nodeLabel: nodeId,
  handle,
  treatment: { journeys: 100, converted: 30, convertedAfterMessage: 30, messagesSent: 100, costCents: 500 },
  holdout: { journeys: 10, converted: 1 },
  absolute: 0.2,
  absoluteInterval: { low: 0.05, high: 0.3 },
  sufficient: true,
  incrementalConversions: 20,
  incrementalPer100Messages: 20,
  costPerIncrementalConversionCents: 25,
  verdict,
  sentence: '',
});

describe('layer verdicts in plain words', () => {
  it('names each verdict in a short phrase', () => {
    expect(verdictPhrase).toEqual({ worth: 'worth it', unclear: 'not yet clear', not_worth: 'not worth it' });
  });

  it('formats rates, points, intervals and money', () => {
    expect(share(30, 100)).toBe('30.0 %');
    expect(share(0, 0)).toBe('—');
    expect(points(0.2)).toBe('+20.0 pts');
    expect(points(-0.015)).toBe('−1.5 pts');
    expect(points(null)).toBe('—');
    expect(interval({ low: -0.02, high: 0.031 })).toBe('−2.0 to +3.1 pts');
    expect(interval(null)).toBe('—');
    expect(money(1234)).toBe('12.34');
    expect(money(null)).toBe('—');
    expect(perHundred(-0.12)).toBe('−0.1');
    expect(perHundred(19.94)).toBe('19.9');
    expect(handleName('else')).toBe('everyone else');
    expect(handleName('A')).toBe('A');
  });

  it('states the holdout every lift depends on, or that there is none', () => {
    expect(holdoutLine(10)).toBe('10 % of entering contacts are held out; every lift figure depends on it.');
    expect(holdoutLine(0)).toMatch(/^No entering contacts are held out/);
  });

  it('indexes verdicts by node and exit for the canvas', () => {
    expect(verdictsByHandle([layer('layer', 'A', 'worth'), layer('layer', 'else', 'unclear'), layer('ab', 'b', 'not_worth')])).toEqual({
      layer: { A: 'worth', else: 'unclear' },
      ab: { b: 'not_worth' },
    });
  });
});

describe('the canvas verdict store', () => {
  it('answers for the flow it was published for only', () => {
    const seen: number[] = [];
    const off = subscribeLayerVerdicts(() => seen.push(1));
    publishLayerVerdicts('f1', { holdoutPercent: 10, layers: [layer('layer', 'A', 'worth')] });
    expect(layerVerdictOf('f1', 'layer', 'A')).toBe('worth');
    expect(layerVerdictOf('f1', 'layer', 'else')).toBeNull();
    expect(layerVerdictOf('f2', 'layer', 'A')).toBeNull();
    expect(seen).toHaveLength(1);
    publishLayerVerdicts('f1', { holdoutPercent: 0, layers: [layer('layer', 'A', 'unclear')] });
    expect(layerVerdictOf('f1', 'layer', 'A')).toBeNull(); // no holdout: nothing to compare with, no badge
    off();
  });
});
