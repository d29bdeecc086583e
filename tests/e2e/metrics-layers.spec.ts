/**
 * Lift per layer (issue 24) on synthetic contacts with known truths, a 20 % holdout and the virtual clock:
 * layer A converts 30 % with a message and 10 % without; layer B 10 % either way.
 *
 *   t(event churned) → layer{A: tier = A, else} —A→ pushA → waitA(P3D)      paid(goal order_paid), journey-wide
 *                                               —else→ pushB → waitB(P3D)
 */
import { isHoldout } from '@boomerang/engine';
import { branches, delay, flow, goal, push } from '@boomerang/engine/core/testing/flow-builder';
import { EngineService } from '../../api/src/engine/engine.service';
import { ApiHarness, startApi } from '../support/api-app';

const T0 = new Date('2026-11-03T12:00:00.000Z');
const LATER = new Date('2026-11-04T12:00:00.000Z');

describe('lift per layer', () => {
  let api: ApiHarness;
  afterAll(() => api?.close());

  it('the interval excludes zero for the layer that works and includes it for the one that does not', async () => {
    api = await startApi('metrics_layers', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [T0.toISOString()]);
    const auth = { Authorization: api.admin };
    const graph = flow()
      .trigger('t', { kind: 'event', event: 'churned' })
      .then('layer', branches({ id: 'A', rule: { attribute: 'tier', op: 'eq', value: 'A' } }))
      .on('A')
      .then('pushA', push('Come back, A'))
      .then('waitA', delay('P3D'))
      .from('layer', 'else')
      .then('pushB', push('Come back, B'))
      .then('waitB', delay('P3D'))
      .node('paid', goal({ event: 'order_paid' }))
      .build();
    const created = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'Layers', graph, settings: { holdoutPercent: 20 } })
      .expect(201);
    const flowId: string = created.body.id;
    await api.http().post(`/api/flows/${flowId}/activate`).set(auth).expect(200);

    const people = Array.from({ length: 3000 }, (_, i) => ({
      externalId: `p${i}`,
      timezone: 'UTC',
      consent: { push: true },
      attributes: { tier: i % 2 ? 'B' : 'A', pushToken: `tok${i}` },
    }));
    await api.http().post('/api/contacts').set(auth).send(people).expect(200);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people.map((p) => ({ externalId: p.externalId, name: 'churned' })))
      .expect(200);
    const engine = api.app.get(EngineService);
    await engine.tick(T0);

    // the truths: exactly these shares of each group order the next day
    const ids = await api.sql<{ id: string; external_id: string; tier: string }>(
      `SELECT id::text, external_id, attributes->>'tier' AS tier FROM contacts ORDER BY id`,
    );
    const group = (tier: string, held: boolean) => ids.filter((c) => c.tier === tier && isHoldout(flowId, c.id, 20) === held);
    const share = (list: typeof ids, p: number) => list.slice(0, Math.round(list.length * p));
    const buyers = [
      ...share(group('A', false), 0.3),
      ...share(group('A', true), 0.1),
      ...share(group('B', false), 0.1),
      ...share(group('B', true), 0.1),
    ];
    await api.sql(`UPDATE engine_clock SET now = $1`, [LATER.toISOString()]);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(buyers.map((c) => ({ externalId: c.external_id, name: 'order_paid' })))
      .expect(200);
    await engine.tick(LATER);

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
