/**
 * Lift per layer (issue 24) on synthetic contacts with known truths, a 20 % holdout and the virtual clock:
 * layer A converts 30 % with a message and 10 % without; layer B 10 % either way.
 *
 *   t(event churned) → layer{A: tier = A, else} —A→ pushA → waitA(P3D)      paid(goal order_paid), journey-wide
 *                                               —else→ pushB → waitB(P3D)
 */
import { ApiHarness, startApi } from '../support/api-app';
import { seedLayeredFlow } from '../support/layer-fixtures';

describe('lift per layer', () => {
  let api: ApiHarness;
  afterAll(() => api?.close());

  it('the interval excludes zero for the layer that works and includes it for the one that does not', async () => {
    api = await startApi('metrics_layers', { CLOCK: 'virtual' });
    const auth = { Authorization: api.admin };
    const { flowId, group, share } = await seedLayeredFlow(api, 3000, 20);

    const m = (await api.http().get(`/api/flows/${flowId}/metrics`).set(auth).expect(200)).body;
    expect(m.holdoutPercent).toBe(20);
    const byHandle = Object.fromEntries(m.layers.map((l: { handle: string }) => [l.handle, l]));
    const a = byHandle.A;
    const b = byHandle.else;
    expect(a.treatment.journeys).toBe(group('A', false).length);
    expect(a.holdout.journeys).toBe(group('A', true).length);
    expect(a.treatment.converted).toBe(share(group('A', false), 0.3).length);
    expect(a.treatment.messagesSent).toBe(group('A', false).length);
    expect(a.absoluteInterval.low).toBeGreaterThan(0);
    expect(a.verdict).toBe('worth');
    expect(a.sentence).toMatch(/^layer → “A”: worth it — 30\.0 % of \d+ messaged contacts converted against \d+\.\d % of \d+ held out/);
    expect(a.costPerIncrementalConversionCents).toBe(0); // pushes cost nothing here
    expect(b.absoluteInterval.low).toBeLessThan(0);
    expect(b.absoluteInterval.high).toBeGreaterThan(0);
    expect(b.verdict).toBe('unclear');
    expect(b.costPerIncrementalConversionCents).toBeNull();
    // sorted by incremental conversions per 100 messages: A first
    expect(m.layers.map((l: { handle: string }) => l.handle)).toEqual(['A', 'else']);
    expect(a.incrementalPer100Messages).toBeGreaterThan(15);

    const csv = await api.http().get(`/api/flows/${flowId}/export/metrics.csv`).set(auth).expect(200);
    expect(csv.text).toContain('layer,layer/A,verdict,worth\r\n');
    expect(csv.text).toContain('flow,all,holdoutPercent,20\r\n');
  }, 180_000);
});
