/**
 * The seed's case replayed on the virtual clock (issue 11): "registered, no order within 24 h" → coupon SMS to 897
 * users, 856 reached, 68 converted within 3 days — plus a 90-contact holdout of whom 3 ordered anyway, so the lift
 * and its interval can be checked against a hand computation.
 *
 *   trigger(signed_up) → day(PT24H) → ordered? —no→ lang —yes→ smsZh ─┬→ window(P3D)      goal(order_paid)
 *                                                        —no→  smsEn ─┘
 */
import { demoFlows, isHoldout, smsSegments } from '@boomerang/engine';

const demoFirstOrderGraph = demoFlows.find((f) => f.key === 'first-order')!.graph;
import { Engine, VirtualClock, type ChannelAdapter, type OutgoingMessage } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { ApiHarness, startApi } from '../support/api-app';

const START = '2026-11-02T10:00:00.000Z';

/** The SMS stub: accepts every message; confirms delivery for all but the phones it was told to leave unconfirmed. */
class SmsStub implements ChannelAdapter {
  readonly name = 'sms-stub';
  readonly seen: string[] = [];
  constructor(private readonly undelivered: Set<string>) {}
  async send(message: OutgoingMessage) {
    this.seen.push(message.to ?? '');
    return {
      providerId: `stub:${message.messageId}`,
      status: this.undelivered.has(message.to ?? '') ? ('sent' as const) : ('delivered' as const),
    };
  }
}

describe('the seed case on the virtual clock', () => {
  let api: ApiHarness;
  afterAll(() => api?.close());

  it('897 enter, 856 delivered, 68 convert in 3 days; metrics match exactly, lift matches a hand computation', async () => {
    api = await startApi('seed_case', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
    const auth = { Authorization: api.admin };
    const flow = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'Seed case', graph: demoFirstOrderGraph, settings: { holdoutPercent: 10 } })
      .expect(201);
    const flowId: string = flow.body.id;
    await api.http().post(`/api/flows/${flowId}/activate`).set(auth).expect(200);

    const people = Array.from({ length: 1200 }, (_, i) => ({
      externalId: `s${i}`,
      timezone: 'UTC',
      consent: { sms: true },
      attributes: { phone: `+1555${String(i).padStart(7, '0')}`, locale: i % 2 ? 'zh-CN' : 'en', firstName: i % 2 ? '伟' : 'Ann' },
    }));
    await api.http().post('/api/contacts').set(auth).send(people).expect(200);
    const ids = await api.sql<{ id: string; external_id: string }>(`SELECT id::text, external_id FROM contacts ORDER BY id`);
    // the engine's own holdout draw (hash of flow and contact) decides the groups; pick 897 treated and 90 held out
    const treated = ids
      .filter((c) => !isHoldout(flowId, c.id, 10))
      .slice(0, 897)
      .map((c) => c.external_id);
    const heldOut = ids
      .filter((c) => isHoldout(flowId, c.id, 10))
      .slice(0, 90)
      .map((c) => c.external_id);
    expect([treated.length, heldOut.length]).toEqual([897, 90]);
    const phone = (externalId: string) => people[Number(externalId.slice(1))].attributes.phone;
    const unconfirmed = treated.slice(0, 41);
    const stub = new SmsStub(new Set(unconfirmed.map(phone)));

    const pool = poolOf(api.db.dataSource);
    const clock = new VirtualClock(pool);
    const engine = new Engine({ db: pool, clock, adapters: { sms: stub } });
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send([...treated, ...heldOut].map((externalId) => ({ externalId, name: 'signed_up' })))
      .expect(200);

    // 24 h later nobody has ordered: every treated contact gets the coupon SMS, the holdout nothing
    await engine.advanceClock(clock, 'PT25H');
    expect(stub.seen).toHaveLength(897);
    expect(stub.seen.filter((to) => unconfirmed.map(phone).includes(to))).toHaveLength(41);

    // an hour after the SMS, 68 reached contacts and 3 held-out contacts pay their first order
    const converters = treated.slice(41, 41 + 68);
    const naturals = heldOut.slice(0, 3);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send([...converters, ...naturals].map((externalId) => ({ externalId, name: 'order_paid', properties: { amount: 42 } })))
      .expect(200);
    await engine.advanceClock(clock, 'P3D');

    // SMS is priced per segment (5 ¢ each): the coupon copy with its tracking link takes more than one
    const bodies = await api.sql<{ body: string }>(
      `SELECT content->>'body' AS body FROM messages WHERE flow_id = $1 AND status IN ('sent', 'delivered')`,
      [flowId],
    );
    const costCents = bodies.reduce((sum, m) => sum + 5 * smsSegments(m.body).segments, 0);
    expect(costCents).toBeGreaterThan(897 * 5);
    const metrics = (await api.http().get(`/api/flows/${flowId}/metrics`).set(auth).expect(200)).body;
    expect(metrics).toMatchObject({
      entered: 987,
      sent: 897,
      delivered: 856,
      reachRate: 856 / 897,
      clicked: 0,
      returned: 68,
      returnRate: 68 / 856,
      converted: 68,
      holdout: { size: 90, converted: 3 },
      treatment: { size: 897, converted: 68, conversionRate: 68 / 897 },
      holdoutConversionRate: 3 / 90,
      lift: 68 / 897 - 3 / 90,
      cost: { totalCents: costCents, perConvertedCents: costCents / 68 },
      timeToReactivation: { medianHours: 1 },
    });
    expect(metrics.timeToReactivation.distribution).toEqual([
      { bucket: '< 1 h', count: 0 },
      { bucket: '1–6 h', count: 68 },
      { bucket: '6–24 h', count: 0 },
      { bucket: '1–2 d', count: 0 },
      { bucket: '2–3 d', count: 0 },
      { bucket: '≥ 3 d', count: 0 },
    ]);
    // hand computation (Newcombe method 10): p1 = 68/897 = 0.075808, Wilson [0.060181, 0.095039];
    // p2 = 3/90 = 0.033333, Wilson [0.011402, 0.093505]; d = 0.042475,
    // low = d − √((p1 − 0.060181)² + (0.093505 − p2)²) = −0.019648, high = d + √((0.095039 − p1)² + (p2 − 0.011402)²) = 0.071617
    expect(metrics.liftAnalysis.absolute).toBeCloseTo(0.042475, 6);
    expect(metrics.liftAnalysis.absoluteInterval.low).toBeCloseTo(-0.019648, 5);
    expect(metrics.liftAnalysis.absoluteInterval.high).toBeCloseTo(0.071617, 5);
    // relative: RR = 2.274247, Katz SE = √(1/68 − 1/897 + 1/3 − 1/90) = 0.5797; RR·e^(±1.96·SE) − 1
    expect(metrics.liftAnalysis.relative).toBeCloseTo(1.274247, 5);
    expect(metrics.liftAnalysis.relativeInterval.low).toBeCloseTo(-0.269582, 4);
    expect(metrics.liftAnalysis.relativeInterval.high).toBeCloseTo(6.081152, 4);
    expect(metrics.liftAnalysis.sufficient).toBe(false); // 3 held-out conversions < 5: the plain sentence says so
    expect(metrics.liftAnalysis.summary).toBe(
      'Too few contacts to tell yet: 68 of 897 treated and 3 of 90 held out converted; a verdict needs at least 30 contacts and 5 conversions and non-conversions in each group.',
    );
    // per node: the SMS nodes together sent all 897, each language its share
    const smsNodes = ['smsZh', 'smsEn'].map((id) => metrics.nodes[id]);
    expect(smsNodes.reduce((s: number, n: { sent: number }) => s + n.sent, 0)).toBe(897);
    expect(smsNodes.reduce((s: number, n: { delivered: number }) => s + n.delivered, 0)).toBe(856);
    expect(metrics.nodes.paid.converted).toBe(68 + 3); // treated and held-out journeys end at the goal

    // exports: metrics in long form, journeys and messages one row each
    const csv = await api.http().get(`/api/flows/${flowId}/export/metrics.csv`).set(auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain('flow,all,reachRate,0.9542920847268673\r\n');
    expect(csv.text).toContain('flow,all,converted,68\r\n');
    const journeys = await api.http().get(`/api/flows/${flowId}/export/journeys.csv`).set(auth).expect(200);
    expect(journeys.text.trim().split('\r\n')).toHaveLength(1 + 987);
    expect(journeys.text.split('\r\n').filter((l) => l.includes(',converted,'))).toHaveLength(71);
    const messages = await api.http().get(`/api/flows/${flowId}/export/messages.csv`).set(auth).expect(200);
    const rows = messages.text.trim().split('\r\n');
    expect(rows).toHaveLength(1 + 897);
    // each row carries its own cost: 5 ¢ per segment of its copy
    expect(rows.filter((l) => /,sms,delivered,(5|10|15),/.test(l))).toHaveLength(856);
    await api.http().get(`/api/flows/00000000-0000-4000-8000-000000000000/export/journeys.csv`).set(auth).expect(404);
  }, 180_000);
});
