import { DemoService } from '../../api/src/demo/demo.service';
import { EngineService } from '../../api/src/engine/engine.service';
import { ApiHarness, startApi } from '../support/api-app';

describe('demo workspace (DEMO=on)', () => {
  let api: ApiHarness;
  let demo: DemoService;

  beforeAll(async () => {
    api = await startApi('demo', { CLOCK: 'virtual' });
    demo = api.app.get(DemoService);
  }, 60_000);
  afterAll(() => api.close());

  it('seeds 5,000 contacts, their 60 days and the four playbooks as active flows, once', async () => {
    const report = await demo.seedIfEmpty();
    expect(report).toMatchObject({ seeded: true, contacts: 5000 });
    expect(report.events).toBeGreaterThan(50_000);
    const [counts] = await api.sql<{ contacts: number; events: number; active: number; zh: number; merchants: number }>(
      `SELECT (SELECT count(*)::int FROM contacts) AS contacts, (SELECT count(*)::int FROM events) AS events,
              (SELECT count(*)::int FROM contacts WHERE last_active_at IS NOT NULL) AS active,
              (SELECT count(*)::int FROM contacts WHERE attributes->>'locale' = 'zh-CN') AS zh,
              (SELECT count(*)::int FROM contacts WHERE attributes->>'merchant' = 'true') AS merchants`,
    );
    expect(counts.contacts).toBe(5000);
    expect(counts.events).toBe(report.events);
    expect(counts.active).toBeGreaterThan(4000); // last_active_at set by the engine's ingest statement
    expect(counts.zh).toBeGreaterThan(2000);
    expect(counts.merchants).toBeGreaterThan(500);
    const flows = await api.http().get('/api/flows').set('Authorization', api.admin).expect(200);
    expect(flows.body.items).toHaveLength(4);
    expect(flows.body.items.every((f: { status: string }) => f.status === 'active')).toBe(true);
    for (const flow of flows.body.items) {
      const validation = await api.http().post(`/api/flows/${flow.id}/validate`).set('Authorization', api.admin).send({}).expect(200);
      expect(validation.body.valid).toBe(true);
    }
    // history never enrols as if it had just happened
    expect((await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM trigger_inbox`))[0].n).toBe(0);

    expect(await demo.seedIfEmpty()).toEqual({ seeded: false, reason: 'the database is not empty' });
    expect((await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM contacts`))[0].n).toBe(5000);
  }, 120_000);

  it('traffic moves the flows: sign-ups enter flow 1 and inactive contacts enter the others', async () => {
    const engine = api.app.get(EngineService);
    const clock = await api.http().get('/api/clock').set('Authorization', api.admin).expect(200);
    await engine.tick(new Date(clock.body.now));
    const before = await entered(api);
    const round = await demo.trafficRound();
    expect(round.signups).toBeGreaterThanOrEqual(2);
    expect(round.events).toBeGreaterThan(round.signups);
    await engine.tick(new Date(clock.body.now));
    const after = await entered(api);
    const firstOrder = Object.keys(after).find((name) => name.includes('24 h'))!;
    expect(after[firstOrder]).toBe((before[firstOrder] ?? 0) + round.signups);
    const inactive = Object.entries(after).filter(([name]) => !name.includes('24 h'));
    expect(inactive.every(([, n]) => n > 0)).toBe(true);
  }, 120_000);

  it('over a day, demo contacts tap links: every demo funnel has each stage and never rises', async () => {
    const auth = { Authorization: api.admin };
    for (let hour = 0; hour < 30; hour++) {
      await api.http().post('/api/clock/advance').set(auth).send({ by: 'PT1H' }).expect(201);
      await demo.trafficRound();
    }
    const flows = (await api.http().get('/api/flows').set(auth).expect(200)).body.items as { id: string; name: string }[];
    let clicked = 0;
    for (const flow of flows) {
      const m = (await api.http().get(`/api/flows/${flow.id}/metrics`).set(auth).expect(200)).body;
      const counts = (m.funnel as { stage: string; count: number }[]).map((s) => s.count);
      expect({ flow: flow.name, counts }).toEqual({ flow: flow.name, counts: [...counts].sort((a, b) => b - a) });
      expect(m.convertedAfterMessage).toBeLessThanOrEqual(m.sent);
      expect(m.convertedAfterMessage + m.convertedWithoutMessage).toBe(m.converted);
      clicked += m.clicked;
    }
    expect(clicked).toBeGreaterThan(0);
  }, 240_000);
});

describe('demo traffic outside the demo', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi('demo_refuse');
  }, 60_000);
  afterAll(() => api.close());

  it('never seeds a non-empty database and never generates traffic in a workspace not seeded as the demo', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .send([{ externalId: 'real-1' }])
      .expect(200);
    const demo = api.app.get(DemoService);
    expect(await demo.seedIfEmpty()).toMatchObject({ seeded: false });
    expect(await demo.startTraffic(10)).toBe(false);
    await expect(demo.trafficRound()).rejects.toThrow('not a demo workspace');
    expect(await api.sql(`SELECT external_id FROM contacts`)).toEqual([{ external_id: 'real-1' }]);
  });
});

async function entered(api: ApiHarness): Promise<Record<string, number>> {
  const rows = await api.sql<{ name: string; n: number }>(
    `SELECT f.name, count(j.id)::int AS n FROM flows f LEFT JOIN journeys j ON j.flow_id = f.id GROUP BY f.name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}
