import { experimentMetrics, experimentSchema } from '@boomerang/engine/core/schema';
import { decidedByWords, defaultExperiment, metricShort, metricWords, rateWords } from './experiment-words';

describe('experiments in plain words', () => {
  it('names every metric the engine knows, and the default experiment is valid', () => {
    expect(Object.keys(metricWords).sort()).toEqual([...experimentMetrics].sort());
    expect(Object.keys(metricShort).sort()).toEqual([...experimentMetrics].sort());
    expect(experimentSchema.safeParse(defaultExperiment).success).toBe(true);
  });

  it('says who decided', () => {
    expect(decidedByWords('engine:experiments')).toBe('the engine (the test was conclusive)');
    expect(decidedByWords('user:ann@example.com')).toBe('ann@example.com');
    expect(decidedByWords('key:bmr_ab12')).toBe('API key bmr_ab12…');
  });

  it('writes rates with one decimal', () => {
    expect(rateWords(0.125)).toBe('12.5 %');
    expect(rateWords(null)).toBe('—');
  });
});
