/**
 * Per-arm metrics of a split (issue 11), on the virtual clock:
 *
 *   trigger(segment: pushToken exists) → ab(split 50/50) —a→ pushA ─┐
 *                                                         —b→ pushB ─┴→ wait(P3D)        goal(order_paid)
 */
import { Engine, VirtualClock } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { ApiHarness, startApi } from '../support/api-app';
import { abSplitGraph } from '../support/api-fixtures';

const graph = abSplitGraph();

describe('metrics per split arm', () => {
  let api: ApiHarness;
  afterAll(() => api?.close());

  it('counts journeys, sends, cost and conversions per arm; arms add up to the treatment group', async () => {
    api = await startApi('metrics_arms', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, '2026-11-02T12:00:00Z')`);
    const auth = { Authorization: api.admin };
    await api.http().put('/api/settings').set(auth).send({ quietHours: null, frequencyCaps: [] }).expect(200);
    const people = Array.from({ length: 200 }, (_, i) => ({
      externalId: `p${i}`,
      consent: { push: true },
      attributes: { pushToken: `tok${i}` },
    }));
    await api.http().post('/api/contacts').set(auth).send(people).expect(200);
    const flow = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'A/B', graph, settings: { holdoutPercent: 10 } })
      .expect(201);
    await api.http().post(`/api/flows/${flow.body.id}/activate`).set(auth).expect(200);
    const pool = poolOf(api.db.dataSource);
    const clock = new VirtualClock(pool);
    const engine = new Engine({ db: pool, clock });
    await engine.advanceClock(clock, 'PT1H');
    // every contact whose id is even pays
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people.filter((_, i) => i % 2 === 0).map((p) => ({ externalId: p.externalId, name: 'order_paid' })))
      .expect(200);
    await engine.advanceClock(clock, 'P4D');

    const m = (await api.http().get(`/api/flows/${flow.body.id}/metrics`).set(auth).expect(200)).body;
    const expected = await api.sql<{ arm: string; journeys: number; converted: number }>(
      `SELECT m.node_id AS arm, count(*)::int AS journeys, count(*) FILTER (WHERE j.state = 'converted')::int AS converted
         FROM journeys j JOIN messages m ON m.journey_id = j.id WHERE NOT j.holdout GROUP BY m.node_id ORDER BY 1`,
    );
    expect(expected.map((r) => r.arm)).toEqual(['pushA', 'pushB']);
    const [a, b] = expected;
    expect(m.arms.ab.a).toEqual({
      journeys: a.journeys,
      converted: a.converted,
      // every conversion of this flow follows its push (the push is the first step)
      convertedAfterMessage: a.converted,
      conversionRate: a.converted / a.journeys,
      sent: a.journeys,
      delivered: a.journeys,
      clicked: 0,
      reachRate: 1,
      costCents: a.journeys * 1,
    });
    expect(m.arms.ab.b).toMatchObject({ journeys: b.journeys, converted: b.converted, costCents: b.journeys * 2 });
    expect(a.journeys + b.journeys).toBe(m.treatment.size);
    expect(a.journeys).toBeGreaterThan(50);
    expect(b.journeys).toBeGreaterThan(50);
    expect(m.cost.totalCents).toBe(a.journeys + 2 * b.journeys);
    expect(m.nodes.pushB.costCents).toBe(2 * b.journeys);
    expect(m.treatment.converted + m.holdout.converted).toBe(100);
  }, 120_000);
});
