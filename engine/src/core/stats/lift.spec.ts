import { katzRiskRatio, liftReport, newcombeDifference, wilson } from './lift';

describe('wilson', () => {
  // Newcombe 1998 (single proportion), Table I: 81/263 and 15/148; 0/20 gives a lower bound of exactly 0
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
  ])('%i/%i → [%f, %f]', (x, n, low, high) => {
    const ci = wilson(x, n);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });
});

describe('newcombeDifference (method 10)', () => {
  // Newcombe 1998, Statistics in Medicine 17:873, Table II, method 10
  it.each([
    [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.6, 0.1705, 0.809],
    // the seed case with a hand-computed holdout (see tests/integration/seed-case.spec.ts)
    [68, 897, 3, 90, 0.0425, -0.0196, 0.0716],
  ])('%i/%i − %i/%i = %f in [%f, %f]', (x1, n1, x2, n2, estimate, low, high) => {
    const ci = newcombeDifference(x1, n1, x2, n2);
    expect(ci.estimate).toBeCloseTo(estimate, 4);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });
});

describe('katzRiskRatio', () => {
  it('30/100 vs 15/100: RR 2, 95 % interval exp(ln 2 ± 1.96·√0.08)', () => {
    const ci = katzRiskRatio(30, 100, 15, 100)!;
    expect(ci.estimate).toBeCloseTo(2, 10);
    expect(ci.low).toBeCloseTo(1.149, 3);
    expect(ci.high).toBeCloseTo(3.4815, 3);
  });
  it('is undefined without a conversion in a group', () => {
    expect(katzRiskRatio(0, 100, 15, 100)).toBeNull();
    expect(katzRiskRatio(3, 100, 0, 100)).toBeNull();
  });
});

describe('liftReport', () => {
  it('says plainly when the sample is too small', () => {
    const r = liftReport(3, 20, 1, 4);
    expect(r.sufficient).toBe(false);
    expect(r.summary).toMatch(/^Too few contacts to tell yet: 3 of 20 treated and 1 of 4 held out converted/);
    expect(r.absolute).toBeCloseTo(-0.1, 10);
  });
  it('says there is no holdout to compare with', () => {
    expect(liftReport(3, 20, 0, 0)).toMatchObject({ sufficient: false, absolute: null, summary: expect.stringMatching(/No holdout/) });
  });
  it('states a positive effect when the interval excludes zero', () => {
    const r = liftReport(56, 70, 48, 80);
    expect(r.sufficient).toBe(true);
    expect(r.relative).toBeCloseTo(0.8 / 0.6 - 1, 10);
    expect(r.summary).toBe(
      'The flow works: 80.0 % of treated contacts converted against 60.0 % of the holdout (+20.0 pp, 95 % interval +5.2 pp to +33.4 pp).',
    );
  });
  it('says "no clear effect" when the interval includes zero', () => {
    expect(liftReport(68, 807, 10, 90).summary).toMatch(/^No clear effect yet: 8.4 % of treated .* includes zero\)\.$/);
  });
});
