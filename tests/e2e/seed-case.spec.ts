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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { Engine, SmsAdapter, VirtualClock, type ChannelAdapter, type OutgoingMessage } from '@boomerang/engine/runtime';
import { delay, flow, goal, sms } from '@boomerang/engine/core/testing/flow-builder';
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

/**
 * Issue 19: the seed's case at realistic timing (issue 19), through the live SMS adapter, a Twilio-shaped provider on
 * 127.0.0.1 and the public receipt route, with two engines ticking at once:
 *
 *   trigger(signed_up) → wait(PT24H) → sms(coupon, 10 ¢) → goal(order_paid, within P3D)      "SMS → Goal"
 *
 * 1,000 sign-ups; 103 order on their own within 24 h (never messaged); 897 are texted; the provider accepts every
 * SMS and calls back 0–1.3 s later — most of the time before the dispatcher's chunk has committed the provider id —
 * "delivered" for 856 and "undelivered" for 41; 68 pay after the SMS. The metrics must say exactly that.
 */
const LIVE_T0 = Date.parse('2026-11-02T10:00:00.000Z');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const SECRET = 'receipts-secret-0123456789';

/** Accepts every SMS (a Twilio-like `sid`), then calls the receipt route back after 0–1.3 s: delivered or undelivered. */
async function twilioLikeProvider(statusUrl: string, undelivered: Set<string>, rand: () => number) {
  const callbacks: Promise<{ status: number; body: string }>[] = [];
  let n = 0;
  const callBack = (sid: string, status: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const body = new URLSearchParams({
        MessageSid: sid,
        MessageStatus: status,
        ...(status === 'undelivered' ? { ErrorCode: '30003' } : {}),
      }).toString();
      const req = http.request(
        statusUrl,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: `Basic ${Buffer.from(`status:${SECRET}`).toString('base64')}`,
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const to = new URLSearchParams(Buffer.concat(chunks).toString()).get('To') ?? '';
      const sid = `SM${String(++n).padStart(32, '0')}`;
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued' }));
      const final = undelivered.has(to) ? 'undelivered' : 'delivered';
      // an in-flight "sent" first (ignored by Boomerang), then the final status
      callbacks.push(
        new Promise<void>((resolve) => setTimeout(resolve, rand() * 1300)).then(async () => {
          await callBack(sid, 'sent');
          return callBack(sid, final);
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/2010-04-01/Accounts/AC1/Messages.json`,
    accepted: () => n,
    settled: () => Promise.all(callbacks),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the seed case at realistic timing, live SMS adapter and receipts', () => {
  let api: ApiHarness;
  const pools: Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await api?.close();
  });

  it('entered 1,000 · sent 897 · delivered 856 · converted 171 = 68 after the SMS + 103 on their own', async () => {
    api = await startApi('seed_live', { CLOCK: 'virtual', PROVIDER_STATUS_SECRET: SECRET });
    await api.app.listen(0, '127.0.0.1');
    const port = (api.app.getHttpServer().address() as AddressInfo).port;
    const setClock = (ms: number) =>
      api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET now = $1`, [iso(ms)]);
    await setClock(LIVE_T0);
    const auth = { Authorization: api.admin };

    //   t(signed_up) → day(PT24H) → coupon(sms) → paid(goal order_paid within P3D)
    const graph = flow()
      .trigger('t', { kind: 'event', event: 'signed_up' })
      .then('day', delay('PT24H'))
      .then('coupon', sms('Hi {{firstName}}, 10% off your first order with code WELCOME10', { costCents: 10 }))
      .then('paid', goal({ event: 'order_paid', within: 'P3D' }))
      .build();
    const created = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'Registered, no order in 24 h', graph, settings: { holdoutPercent: 0 } })
      .expect(201);
    const flowId: string = created.body.id;
    await api.http().post(`/api/flows/${flowId}/activate`).set(auth).expect(200);

    const ids = Array.from({ length: 1000 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    const phone = (id: string) => `+1555${id.slice(1).padStart(7, '0')}`;
    await api
      .http()
      .post('/api/contacts')
      .set(auth)
      .send(
        ids.map((externalId) => ({
          externalId,
          timezone: 'UTC',
          consent: { sms: true },
          attributes: { firstName: 'Ann', phone: phone(externalId) },
        })),
      )
      .expect(200);
    const selfConverters = ids.slice(0, 103);
    const texted = ids.slice(103);
    const undelivered = texted.slice(0, 41);
    const payers = texted.slice(41, 41 + 68);

    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const provider = await twilioLikeProvider(`http://127.0.0.1:${port}/api/providers/sms/status`, new Set(undelivered.map(phone)), rand);
    // two engines, each on its own pool, ticking at the same instants
    const engines = [0, 1].map(() => {
      const pool = new Pool({ connectionString: api.db.url, max: 6 });
      pools.push(pool);
      const adapter = new SmsAdapter({ url: provider.url, account: 'AC1', token: 'tok', from: '+15550000000', timeoutMs: 5000 });
      return new Engine({ db: pool, clock: new VirtualClock(pool), adapters: { sms: adapter }, heartbeat: false });
    });
    const tickBoth = async (ms: number) => {
      await setClock(ms);
      await Promise.all(engines.map((e) => e.tick(new Date(ms))));
    };

    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(ids.map((externalId) => ({ externalId, name: 'signed_up' })))
      .expect(200);
    await tickBoth(LIVE_T0);
    // 103 order on their own within the day
    await setClock(LIVE_T0 + 2 * H);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(selfConverters.map((externalId) => ({ externalId, name: 'order_paid', occurredAt: iso(LIVE_T0 + 2 * H) })))
      .expect(200);
    await tickBoth(LIVE_T0 + 2 * H);
    // a day later the other 897 are texted; receipts race the dispatchers' commits
    await tickBoth(LIVE_T0 + 24 * H);
    expect(provider.accepted()).toBe(897);
    const answers = await provider.settled();
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    // the race is real: receipts reached the server before the provider id they name was committed, and were kept
    const tally = answers.map((a) => JSON.parse(a.body) as { accepted: number; pending: number; rejected: unknown[] });
    const early = tally.reduce((sum, t) => sum + t.pending, 0);
    expect(early).toBeGreaterThan(0);
    expect(tally.reduce((sum, t) => sum + t.accepted + t.pending, 0)).toBe(897);
    expect(tally.flatMap((t) => t.rejected)).toEqual([]);
    // the sweep of the next tick applies what crossed a commit
    await tickBoth(LIVE_T0 + 24 * H + 60_000);
    expect(await api.sql(`SELECT * FROM pending_receipts`)).toEqual([]);

    // 68 pay an hour after the SMS; three days later the rest end "goal not met within 3 days"
    await setClock(LIVE_T0 + 25 * H);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(payers.map((externalId) => ({ externalId, name: 'order_paid', occurredAt: iso(LIVE_T0 + 25 * H) })))
      .expect(200);
    await tickBoth(LIVE_T0 + 25 * H);
    await tickBoth(LIVE_T0 + 24 * H + 3 * 24 * H + 60_000);

    const metrics = (await api.http().get(`/api/flows/${flowId}/metrics`).set(auth).expect(200)).body;
    expect(metrics).toMatchObject({
      entered: 1000,
      sent: 897,
      delivered: 856,
      reachRate: 856 / 897,
      converted: 171,
      convertedAfterMessage: 68,
      convertedWithoutMessage: 103,
      messages: { total: 897, sent: 897, delivered: 856, failed: 41, costCents: 8970 },
      // the provider bills what it accepted, undelivered included: 897 × 10 ¢
      cost: { totalCents: 8970, perConvertedCents: 8970 / 68 },
    });
    // the funnel never rises; nobody clicked (a coupon code), so clicking is no stage
    expect(metrics.funnel).toEqual([
      { stage: 'entered', count: 1000 },
      { stage: 'sent', count: 897 },
      { stage: 'delivered', count: 856 },
      { stage: 'returned', count: 68 },
      { stage: 'convertedAfterMessage', count: 68 },
    ]);
    expect(metrics.nodes.coupon).toMatchObject({ sent: 897, delivered: 856, costCents: 8970 });
    expect(metrics.nodes.paid).toMatchObject({ converted: 171, convertedAfterMessage: 68 });

    // the 103 got nothing; the journeys that waited in vain say why
    const messaged = await api.sql<{ external_id: string }>(
      `SELECT DISTINCT c.external_id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.flow_id = $1`,
      [flowId],
    );
    expect(messaged.filter((m) => selfConverters.includes(m.external_id))).toEqual([]);
    const ends = await api.sql<{ reason: string; n: number }>(
      `SELECT l.detail->>'reason' AS reason, count(*)::int AS n FROM journey_log l JOIN journeys j ON j.id = l.journey_id
        WHERE j.flow_id = $1 AND l.kind = 'completed' GROUP BY 1`,
      [flowId],
    );
    expect(ends).toEqual([{ reason: 'goal not met within 3 days', n: 897 - 68 }]);
    // every final receipt is in the journey log, once
    const receipts = await api.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM journey_log l JOIN journeys j ON j.id = l.journey_id
        WHERE j.flow_id = $1 AND l.kind = 'receipt'`,
      [flowId],
    );
    expect(receipts[0].n).toBe(897);
    await provider.close();
  }, 240_000);
});
