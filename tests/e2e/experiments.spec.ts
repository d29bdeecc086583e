/**
 * Experiments that pick their winner (issue 24), on the virtual clock through the real engine and API:
 *
 *   t(event) → ab(split a 50 / b 50, experiment P7D on conversion after a message, min 500) —a→ pushA → waitA(P10D)
 *                                                                                       —b→ pushB → waitB(P10D)
 *   paid(goal order_paid), journey-wide
 *
 * Flow X: true rates 12 % (a) vs 8 % (b) over 4,000 contacts → "a" wins when the window closes and new journeys
 * take it. Flow Y: 10 % vs 10 % → no winner, and it says why.
 */
import { experimentGraph } from '../support/experiment-fixtures';
import { EngineService } from '../../api/src/engine/engine.service';
import { ApiHarness, startApi } from '../support/api-app';

const T0 = Date.parse('2026-11-03T12:00:00.000Z');
const DAY = 86_400_000;

describe('experiments', () => {
  let api: ApiHarness;
  afterAll(() => api?.close());

  it('picks the arm that beats the other with 95 % confidence after its window, routes new journeys there; equal arms pick none', async () => {
    api = await startApi('experiments', { CLOCK: 'virtual' });
    const auth = { Authorization: api.admin };
    const engine = api.app.get(EngineService);
    const at = async (ms: number) => {
      await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET now = $1`, [
        new Date(ms).toISOString(),
      ]);
      return new Date(ms);
    };
    const graph = (event: string) => experimentGraph(event, 500);
    const flowIds: Record<string, string> = {};
    for (const name of ['X', 'Y']) {
      const res = await api
        .http()
        .post('/api/flows')
        .set(auth)
        .send({ name, graph: graph(`go${name}`), settings: { holdoutPercent: 0 } })
        .expect(201);
      flowIds[name] = res.body.id;
      await api.http().post(`/api/flows/${res.body.id}/activate`).set(auth).expect(200);
    }
    const people = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        externalId: `${prefix}${i}`,
        timezone: 'UTC',
        consent: { push: true },
        attributes: { pushToken: `${prefix}t${i}` },
      }));
    await at(T0);
    await api
      .http()
      .post('/api/contacts')
      .set(auth)
      .send([...people('x', 4000), ...people('y', 4000)])
      .expect(200);
    for (const [prefix, name] of [
      ['x', 'X'],
      ['y', 'Y'],
    ]) {
      await api
        .http()
        .post('/api/events')
        .set(auth)
        .send(people(prefix, 4000).map((p) => ({ externalId: p.externalId, name: `go${name}` })))
        .expect(200);
    }
    await engine.tick(await at(T0));

    // the truths: exact shares of each arm order the next day
    const armOf = async (flowId: string) =>
      api.sql<{ external_id: string; arm: string }>(
        `SELECT c.external_id, l.detail->>'handle' AS arm FROM journey_log l JOIN journeys j ON j.id = l.journey_id
           JOIN contacts c ON c.id = j.contact_id WHERE j.flow_id = $1 AND l.kind = 'decision' AND l.node_id = 'ab' ORDER BY c.id`,
        [flowId],
      );
    const buyers: string[] = [];
    for (const [name, rates] of [
      ['X', { a: 0.12, b: 0.08 }],
      ['Y', { a: 0.1, b: 0.1 }],
    ] as const) {
      const arms = await armOf(flowIds[name]);
      for (const arm of ['a', 'b'] as const) {
        const inArm = arms.filter((r) => r.arm === arm);
        expect(inArm.length).toBeGreaterThan(1700);
        buyers.push(...inArm.slice(0, Math.round(inArm.length * rates[arm])).map((r) => r.external_id));
      }
    }
    await at(T0 + DAY);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(buyers.map((externalId) => ({ externalId, name: 'order_paid' })))
      .expect(200);
    await engine.tick(await at(T0 + DAY));

    // before the window closes: no decision, whatever the numbers
    let x = (await api.http().get(`/api/flows/${flowIds.X}/experiments`).set(auth).expect(200)).body.items[0];
    expect(x).toMatchObject({ nodeId: 'ab', version: 1, winner: null, closesAt: new Date(T0 + 7 * DAY).toISOString() });
    expect(x.verdict.winner).toBe('a'); // the test would pick it now…
    // …and does at the first tick after the window
    await engine.tick(await at(T0 + 7 * DAY + 3_600_000));
    x = (await api.http().get(`/api/flows/${flowIds.X}/experiments`).set(auth).expect(200)).body.items[0];
    expect(x.version).toBe(2);
    expect(x.winner).toMatchObject({ arm: 'a', decidedBy: 'engine:experiments' });
    expect(x.winner.reason).toMatch(/^“a” wins with 12\.0 %: \+4\.0 pp over “b”/);
    const y = (await api.http().get(`/api/flows/${flowIds.Y}/experiments`).set(auth).expect(200)).body.items[0];
    expect(y.winner).toBeNull();
    expect(y.verdict.reason).toMatch(/^no arm beats every other with 95 % confidence yet/);

    // the decision is a version in the history, with who chose and the numbers seen
    const history = (await api.http().get(`/api/flows/${flowIds.X}/history`).set(auth).expect(200)).body;
    expect(history.liveVersion).toBe(2);
    const audit = await api.sql<{ actor: string; detail: { winner: string; arms: unknown[] } }>(
      `SELECT actor, detail FROM audit_log WHERE action = 'flow.experiment_decided' AND entity_id = $1`,
      [flowIds.X],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('engine:experiments');
    expect(audit[0].detail.arms).toHaveLength(2);

    // new journeys take the winner, and their log says so
    await api.http().post('/api/contacts').set(auth).send(people('z', 100)).expect(200);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people('z', 100).map((p) => ({ externalId: p.externalId, name: 'goX' })))
      .expect(200);
    await engine.tick(await at(T0 + 8 * DAY));
    const fresh = await api.sql<{ arm: string; experiment: unknown; n: number }>(
      `SELECT l.detail->>'handle' AS arm, l.detail->'experiment' AS experiment, count(*)::int AS n
         FROM journey_log l JOIN journeys j ON j.id = l.journey_id JOIN contacts c ON c.id = j.contact_id
        WHERE j.flow_id = $1 AND l.kind = 'decision' AND c.external_id LIKE 'z%' GROUP BY 1, 2`,
      [flowIds.X],
    );
    expect(fresh).toEqual([{ arm: 'a', experiment: expect.objectContaining({ winner: 'a' }), n: 100 }]);

    // a marketer can pick by hand (an operator's action); a second decision is refused
    const picked = await api.http().post(`/api/flows/${flowIds.Y}/experiments/ab/winner`).set(auth).send({ arm: 'b' }).expect(200);
    expect(picked.body.liveVersion ?? picked.body.version).toBeDefined();
    const yNow = (await api.http().get(`/api/flows/${flowIds.Y}/experiments`).set(auth).expect(200)).body.items[0];
    expect(yNow.winner).toMatchObject({ arm: 'b', decidedBy: expect.stringMatching(/^key:/) });
    await api.http().post(`/api/flows/${flowIds.Y}/experiments/ab/winner`).set(auth).send({ arm: 'a' }).expect(409);
    await api.http().post(`/api/flows/${flowIds.X}/experiments/nope/winner`).set(auth).send({ arm: 'a' }).expect(404);
  }, 240_000);
});
