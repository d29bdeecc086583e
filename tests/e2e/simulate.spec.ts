/**
 * POST /api/flows/:id/simulate on the demo workspace: the real engine runs a month of virtual time over copies in a
 * throw-away schema inside a rolled-back transaction; nothing real changes. Prints how long flow 2 × 30 days took.
 */
import { DemoService } from '../../api/src/demo/demo.service';
import { simulationJobView } from '@boomerang/engine/core/views/simulation';
import { ApiHarness, startApi } from '../support/api-app';

const TABLES = [
  'contacts',
  'events',
  'flows',
  'flow_versions',
  'journeys',
  'journey_log',
  'messages',
  'trigger_inbox',
  'engine_clock',
  'workspace_settings',
];

async function snapshot(api: ApiHarness) {
  const out: Record<string, unknown> = {};
  for (const table of TABLES) {
    const [row] = await api.sql<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${table} t`,
    );
    out[table] = row;
  }
  out.sequences = await api.sql(`SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`);
  out.schemas = await api.sql(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sim_%'`);
  return out;
}

async function finished(api: ApiHarness, flowId: string, jobId: string) {
  const seen: number[] = [];
  for (;;) {
    const res = await api.http().get(`/api/flows/${flowId}/simulations/${jobId}`).set('Authorization', api.admin).expect(200);
    if (res.body.progress) seen.push(res.body.progress.percent);
    if (res.body.status !== 'running') return { job: res.body, seen };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('flow simulator', () => {
  let api: ApiHarness;
  let flows: { id: string; name: string }[];

  beforeAll(async () => {
    api = await startApi('simulate', { CLOCK: 'virtual' });
    await api.app.get(DemoService).seedIfEmpty();
    flows = (await api.http().get('/api/flows').set('Authorization', api.admin).expect(200)).body.items;
  }, 120_000);
  afterAll(() => api.close());

  it('simulates flow 2 (cart) for 30 days on the demo data, reports progress, and changes no real table', async () => {
    const cart = flows.find((f) => f.name.includes('3 days'))!;
    const before = await snapshot(api);
    const started = await api.http().post(`/api/flows/${cart.id}/simulate`).set('Authorization', api.admin).send({ days: 30 }).expect(202);
    expect(started.body).toMatchObject({ status: 'running', flowId: cart.id, jobId: expect.any(String) });
    await api.http().post(`/api/flows/${cart.id}/simulate`).set('Authorization', api.admin).send({ days: 1 }).expect(409);
    const { job, seen } = await finished(api, cart.id, started.body.jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    expect(seen.length).toBeGreaterThan(0);
    expect(job.progress).toMatchObject({ percent: 100, hours: 720 });
    const report = job.report;

    console.log(
      `simulate flow 2 × 30 days on ${report.contacts} demo contacts: ${(report.elapsedMs / 1000).toFixed(1)} s; ` +
        `${report.entries.total} entries, sends ${JSON.stringify(report.sends.byChannel)}, ${report.returns} returns, ${report.conversions.treatment} conversions`,
    );
    expect(report.contacts).toBe(5000);
    expect(report.entries.total).toBeGreaterThan(100);
    expect(report.entries.holdout).toBeGreaterThan(0);
    expect(report.sends.byChannel.push.sent).toBeGreaterThan(0);
    expect(report.sends.byChannel.email.sent).toBeGreaterThan(0); // fallback for contacts without push
    expect(report.sends.byDay.every((d: { day: number }) => d.day >= 1 && d.day <= 31)).toBe(true);
    expect(report.returns).toBeGreaterThan(0);
    expect(report.conversions.treatment).toBeGreaterThan(0);
    expect(Object.keys(report.nodes)).toEqual(expect.arrayContaining(['trigger', 'evening', 'lang', 'pushZh', 'pushEn']));
    expect(report.nodes.pushZh.sent + report.nodes.pushEn.sent).toBe(report.sends.byChannel.push.sent + report.sends.byChannel.email.sent);
    expect(report.costCents).toBe(0); // push and email cost nothing in the demo flow
    expect(await snapshot(api)).toEqual(before);
  }, 300_000);

  it('simulates a draft on a sample with given response rates, deterministically', async () => {
    const draft = await api
      .http()
      .post('/api/flows')
      .set('Authorization', api.admin)
      .send({ name: 'draft', templateId: 'first-order-coupon' })
      .expect(201);
    expect(draft.body.status).toBe('draft');
    const body = { days: 3, sample: 500, responses: { sms: { reach: 1, return: 0.5 } }, seed: 7 };
    const run = async () => {
      const started = await api.http().post(`/api/flows/${draft.body.id}/simulate`).set('Authorization', api.admin).send(body).expect(202);
      return (await finished(api, draft.body.id, started.body.jobId)).job;
    };
    const a = await run();
    expect(a.status).toBe('done');
    expect(simulationJobView.parse(a)).toEqual(a); // the documented shape
    expect(a.report.contacts).toBe(500);
    expect(a.report.responses.sms).toMatchObject({ reach: 1, return: 0.5, click: 0.1 });
    const b = await run();
    const strip = (r: Record<string, unknown>) => ({ ...r, elapsedMs: 0 });
    expect(strip(b.report)).toEqual(strip(a.report));
  }, 120_000);

  /**
   * Issue 19: "SMS → Goal" (the natural drawing) and "SMS → wait 3 days, goal detached" mean the same thing and must
   * simulate to the same conversions — a goal reached along an edge waits for its event, it is not met by arriving.
   *
   *   A: … → coupon(sms) → window(P3D)      paid(goal order_paid)        B: … → coupon(sms) → paid(goal order_paid, within P3D)
   */
  it('"SMS → Goal" and "SMS → wait → detached Goal" report the same conversions, far from 100 %', async () => {
    const tpl = (await api.http().get('/api/flow-templates').set('Authorization', api.admin).expect(200)).body.items.find(
      (t: { id: string }) => t.id === 'first-order-coupon',
    );
    const a = tpl.graph;
    const b = {
      ...a,
      nodes: a.nodes
        .filter((n: { id: string }) => n.id !== 'window')
        .map((n: { id: string; data: object }) => (n.id === 'paid' ? { ...n, data: { ...n.data, within: 'P3D' } } : n)),
      edges: [
        ...a.edges.filter((e: { target: string }) => e.target !== 'window'),
        { id: 'e4-coupon-paid', source: 'coupon', target: 'paid' },
      ],
    };
    // no holdout: the holdout draw hashes the flow id, so two flows would hold out different contacts
    const body = { days: 6, sample: 1500, responses: { sms: { reach: 1, return: 0.5, convert: 0.3 } }, seed: 11 };
    const simulate = async (graph: object) => {
      const draft = await api
        .http()
        .post('/api/flows')
        .set('Authorization', api.admin)
        .send({ name: 'goal drawing', graph, settings: { holdoutPercent: 0 } })
        .expect(201);
      const started = await api.http().post(`/api/flows/${draft.body.id}/simulate`).set('Authorization', api.admin).send(body).expect(202);
      const { job } = await finished(api, draft.body.id, started.body.jobId);
      expect(job.status).toBe('done');
      return job.report;
    };
    const [detached, drawn] = [await simulate(a), await simulate(b)];
    expect(detached.entries.treatment).toBeGreaterThan(20);
    expect(drawn.entries).toEqual(detached.entries);
    expect(drawn.conversions).toEqual(detached.conversions);
    expect(drawn.conversions.treatment).toBeLessThan(drawn.entries.treatment);
    expect(drawn.conversions.treatmentAfterMessage).toBeGreaterThan(0);
  }, 300_000);

  it('names the bad field and 404s unknown flows and jobs', async () => {
    const id = flows[0].id;
    const bad = await api.http().post(`/api/flows/${id}/simulate`).set('Authorization', api.admin).send({ days: 0 }).expect(400);
    expect(bad.body.message).toMatch(/days/);
    const rate = await api
      .http()
      .post(`/api/flows/${id}/simulate`)
      .set('Authorization', api.admin)
      .send({ days: 1, responses: { push: { reach: 2 } } })
      .expect(400);
    expect(rate.body.message).toMatch(/responses\.push\.reach/);
    await api
      .http()
      .post('/api/flows/00000000-0000-4000-8000-000000000000/simulate')
      .set('Authorization', api.admin)
      .send({ days: 1 })
      .expect(404);
    await api.http().get(`/api/flows/${id}/simulations/00000000-0000-4000-8000-000000000000`).set('Authorization', api.admin).expect(404);
  });
});
