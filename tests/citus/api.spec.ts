/**
 * The API over HTTP on the Citus cluster of `npm run test:citus`: the real Nest app in-process on the coordinator
 * (ENGINE=off, virtual clock), driven as a marketer and an integrator would — contacts and events in, a flow built,
 * validated and made live, the engine ticked here, then every screen's read and each CSV export, with counts that
 * must match what went in — and a Segment `alias` merge racing ingestion of the same ids.
 *
 *   A/B:      trigger(segment: pushToken exists) → ab(split 50/50) —a→ pushA ─┐
 *                                                              —b→ pushB ─┴→ wait(P3D)      goal(order_paid)
 *   template: first-order-coupon (event trigger signed_up → day(PT24H) → …), fed through Segment's /v1/batch
 */
import type { Pool } from 'pg';
import { Engine, VirtualClock } from '@boomerang/engine/runtime';
import { abSplitGraph } from '../support/api-fixtures';
import { startApiOn, type ApiHarness, adminRequests } from '../support/api-app';
import { count } from '../support/engine-fixtures';
import { citusApiDatabase, citusPool, truncateCluster } from './citus-database';

const START = '2026-11-02T12:00:00.000Z';
const METRICS_TOKEN = 'metrics-token-0123456789';

let api: ApiHarness;
let db: Pool;
let errors: string[];

function engine(): Engine {
  return new Engine({
    db,
    clock: new VirtualClock(db),
    heartbeat: { id: 'citus-api-engine' },
    logger: { warn: () => {}, error: (message: string) => errors.push(message) },
  });
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const { get, post, put } = adminRequests(() => api);

/** Every item of a cursor-paged list. */
async function pages<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { body: { items: T[]; nextCursor: string | null } } = await get(`${path}${cursor ? `${sep}cursor=${cursor}` : ''}`).expect(
      200,
    );
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  db = citusPool(10);
  await truncateCluster(db);
  api = await startApiOn(await citusApiDatabase(), { CLOCK: 'virtual', METRICS_TOKEN });
});
afterAll(async () => {
  await api?.close();
  await db?.end();
});
beforeEach(async () => {
  errors = [];
  await truncateCluster(db);
  // heartbeats of the other specs' engines (a reference table truncateCluster leaves): operations counts this one's
  await db.query(`DELETE FROM engine_processes`);
  await db.query(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
});

describe('the API on Citus', () => {
  it('contacts and events in, a flow live, the engine ticked: every screen and export counts what happened', async () => {
    // settings: no quiet hours or caps (the pushes go at once), retention changed and read back
    await put('/api/settings', {
      quietHours: null,
      frequencyCaps: [],
      retention: { journeyLogMonths: 6, eventMonths: 7, messageMonths: 8 },
    }).expect(200);
    expect((await get('/api/settings').expect(200)).body.retention).toEqual({ journeyLogMonths: 6, eventMonths: 7, messageMonths: 8 });

    // 200 contacts with a push token, 20 without (not in the segment)
    const people = Array.from({ length: 220 }, (_, i) => ({
      externalId: `p${i}`,
      consent: { push: true, sms: true },
      attributes: {
        email: `p${i}@example.com`,
        phone: `+1555${String(i).padStart(7, '0')}`,
        plan: i % 4 === 0 ? 'pro' : 'free',
        ...(i < 200 ? { pushToken: `tok${i}` } : {}),
      },
    }));
    expect((await post('/api/contacts', people).expect(200)).body).toEqual({ accepted: 220, rejected: [] });

    // the A/B flow from a graph: validated, estimated, activated
    // the split is an experiment (its window outlasts the test: read, never decided)
    const graph = abSplitGraph();
    Object.assign(graph.nodes.find((n) => n.id === 'ab')!.data, {
      experiment: { window: 'P30D', metric: 'convertedAfterMessage', minSample: 10 },
    });
    const ab = (await post('/api/flows', { name: 'A/B', graph, settings: { holdoutPercent: 10 } }).expect(201)).body;
    expect((await post(`/api/flows/${ab.id}/validate`).expect(200)).body).toMatchObject({ valid: true, errors: [] });
    expect((await post(`/api/flows/${ab.id}/estimate`).expect(200)).body).toMatchObject({ count: 200 });
    expect((await post(`/api/flows/${ab.id}/activate`).expect(200)).body).toMatchObject({ status: 'active', liveVersion: 1 });

    // a template's flow (event trigger signed_up), fed by Segment's batch call below
    const templates = (await get('/api/flow-templates').expect(200)).body.items.map((t: { id: string }) => t.id);
    expect(templates).toContain('first-order-coupon');
    const coupon = (
      await post('/api/flows', { name: 'Coupon', templateId: 'first-order-coupon', settings: { holdoutPercent: 0 } }).expect(201)
    ).body;
    expect((await post(`/api/flows/${coupon.id}/validate`).expect(200)).body.valid).toBe(true);
    await post(`/api/flows/${coupon.id}/activate`).expect(200);

    const clock = new VirtualClock(db);
    const e = engine();
    await e.advanceClock(clock, 'PT1H');
    expect(errors).toEqual([]);

    // every contact whose number is even pays (100 of the 200 in the A/B flow, 10 more outside it)
    const payers = people
      .filter((_, i) => i % 2 === 0)
      .map((p) => ({ externalId: p.externalId, name: 'order_paid', properties: { amount: 42 } }));
    expect((await post('/api/events', payers).expect(200)).body).toEqual({ accepted: 110, rejected: [] });
    await e.advanceClock(clock, 'P4D');
    expect(errors).toEqual([]);
    // ten payers had opened the app a day and a half after paying (sent late): day-1 retention of those who returned
    const openedAt = new Date(Date.parse(START) + 37 * 3_600_000).toISOString();
    const openers = payers.slice(0, 10).map((p) => ({ externalId: p.externalId, name: 'app_open', occurredAt: openedAt }));
    expect((await post('/api/events', openers).expect(200)).body.accepted).toBe(10);

    // Segment: 30 sign-ups with their messageIds, the same batch retried (stored once)
    const writeKey = (await api.keyToken(['ingest'])).replace(/^Bearer /, '');
    const batch = {
      batch: Array.from({ length: 30 }, (_, i) => ({
        type: 'track',
        userId: `p${i}`,
        event: 'signed_up',
        messageId: `signup-${i}`,
      })),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await api.http().post('/v1/batch').set('Authorization', basic(writeKey)).send(batch).expect(200);
      expect(res.body).toEqual({ success: true, accepted: 30, rejected: [] });
    }

    await e.advanceClock(clock, 'PT1H');
    expect(errors).toEqual([]);

    // the truth, read from the tables
    const truth = await db.query<{ holdout: boolean; n: number; converted: number }>(
      `SELECT holdout, count(*)::int AS n, count(*) FILTER (WHERE state = 'converted')::int AS converted
         FROM journeys WHERE flow_id = $1 GROUP BY holdout ORDER BY holdout`,
      [ab.id],
    );
    const [treated, held] = truth.rows;
    expect(treated.holdout).toBe(false);
    expect(treated.n + held.n).toBe(200);
    expect(treated.converted + held.converted).toBe(100);
    const arms = await db.query<{ arm: string; n: number }>(
      `SELECT node_id AS arm, count(*)::int AS n FROM messages WHERE flow_id = $1 AND status = 'delivered' GROUP BY 1 ORDER BY 1`,
      [ab.id],
    );
    expect(arms.rows.map((r) => r.arm)).toEqual(['pushA', 'pushB']);
    const [a, b] = arms.rows.map((r) => r.n);
    expect(a + b).toBe(treated.n);

    // metrics
    const m = (await get(`/api/flows/${ab.id}/metrics`).expect(200)).body;
    expect(m).toMatchObject({
      entered: 200,
      sent: treated.n,
      delivered: treated.n,
      reachRate: 1,
      treatment: { size: treated.n, converted: treated.converted },
      holdout: { size: held.n, converted: held.converted },
      cost: { totalCents: a + 2 * b },
      messages: { total: treated.n, delivered: treated.n, costCents: a + 2 * b },
      nodes: { pushA: { sent: a, costCents: a }, pushB: { sent: b, costCents: 2 * b }, paid: { converted: 100 } },
    });
    // returned: paid within 72 h of the push; active on day 1 (the app opens) and on day 4 (the sign-ups, p0–p29)
    const returnedAmong = (ids: string[]) =>
      count(
        db,
        `SELECT count(*) n FROM journeys j JOIN contacts c ON c.id = j.contact_id
          WHERE j.flow_id = $1 AND NOT j.holdout AND j.state = 'converted' AND c.external_id = ANY ($2::text[])`,
        [ab.id, ids],
      );
    const day1 = await returnedAmong(openers.map((o) => o.externalId));
    const day4 = await returnedAmong(batch.batch.map((x) => x.userId));
    expect(m.returned).toBe(treated.converted);
    expect(m.retention).toEqual([day1, 0, 0, day4, 0, 0, 0].map((n) => n / treated.converted));
    expect(m.arms.ab.a.journeys + m.arms.ab.b.journeys).toBe(treated.n);
    expect(m.arms.ab.a.sent).toBe(a);
    const [experiment] = (await get(`/api/flows/${ab.id}/experiments`).expect(200)).body.items;
    expect(experiment).toMatchObject({ nodeId: 'ab', winner: null });
    expect(experiment.arms.map((x: { id: string; journeys: number; successes: number }) => [x.id, x.journeys, x.successes])).toEqual([
      ['a', m.arms.ab.a.journeys, m.arms.ab.a.convertedAfterMessage],
      ['b', m.arms.ab.b.journeys, m.arms.ab.b.convertedAfterMessage],
    ]);
    expect(m.versions).toEqual([expect.objectContaining({ version: 1, entered: 200, treatment: treated.n, holdout: held.n })]);

    // the flows list's counts and the experiments view
    const stats = (await get('/api/flow-stats').expect(200)).body;
    expect(stats.items).toContainEqual({ flowId: ab.id, entered: 200, converted: 100, live: 0 });
    expect((await get('/api/flows').expect(200)).body.items.map((f: { id: string }) => f.id).sort()).toEqual([ab.id, coupon.id].sort());

    // journeys: the flow's list paged, filtered; a contact's timeline; one journey by id
    const journeys = await pages<{ id: string; externalId: string; state: string }>(`/api/flows/${ab.id}/journeys?limit=37`);
    expect(journeys).toHaveLength(200);
    expect(new Set(journeys.map((j) => j.externalId)).size).toBe(200);
    expect(await pages(`/api/flows/${ab.id}/journeys?state=converted&limit=30`)).toHaveLength(100);
    expect(await pages(`/api/flows/${ab.id}/journeys?nodeId=paid`)).toHaveLength(100);
    const timeline = (await get('/api/contacts/p0/journeys').expect(200)).body.items;
    // p0 paid: converted in the A/B flow; signed up since: waiting a day in the coupon flow
    expect(timeline.map((j: { flowName: string; state: string }) => `${j.flowName}:${j.state}`).sort()).toEqual([
      'A/B:converted',
      'Coupon:waiting',
    ]);
    const abJourney = timeline.find((j: { flowId: string }) => j.flowId === ab.id);
    expect((await get(`/api/journeys/${abJourney.id}`).expect(200)).body).toEqual(abJourney);
    if (!abJourney.holdout) {
      const sent = abJourney.log.find((l: { kind: string }) => l.kind === 'message');
      expect(sent.delivery).toMatchObject({ status: 'delivered' });
    }

    // the coupon flow: 30 sign-ups entered once each (the retried batch stored nothing twice)
    expect(await count(db, `SELECT count(*) n FROM events WHERE name = 'signed_up'`)).toBe(30);
    expect(await pages(`/api/flows/${coupon.id}/journeys`)).toHaveLength(30);

    // messages: the flow's, paged; one contact's
    const messages = await pages<{ id: string; flowId: string; status: string }>(`/api/messages?flowId=${ab.id}&limit=45`);
    expect(messages).toHaveLength(treated.n);
    expect(new Set(messages.map((x) => x.id)).size).toBe(treated.n);
    expect(messages.every((x) => x.status === 'delivered')).toBe(true);
    const mine = (await get('/api/messages?externalId=p1').expect(200)).body.items;
    expect(await count(db, `SELECT count(*) n FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.external_id = 'p1'`)).toBe(
      mine.length,
    );

    // contacts: the list paged, a prefix search, an attribute search, one contact and its events
    expect(await pages('/api/contacts?limit=64')).toHaveLength(220);
    // p1, p10–p19, p100–p199
    expect(await pages('/api/contacts?q=p1&limit=50')).toHaveLength(111);
    expect(await pages('/api/contacts?q=plan%3Dpro')).toHaveLength(55);
    expect(await pages('/api/contacts?q=p7%40example')).toHaveLength(1);
    expect((await get('/api/contacts/p2').expect(200)).body).toMatchObject({
      externalId: 'p2',
      attributes: { plan: 'free', pushToken: 'tok2' },
    });
    const events = (await get('/api/contacts/p2/events').expect(200)).body.items;
    expect(events.map((x: { name: string }) => x.name).sort()).toEqual(['app_open', 'order_paid', 'signed_up']);

    // operations: the engine's heartbeat, nothing overdue; the Prometheus scrape agrees
    const details = (await get('/api/health/details').expect(200)).body;
    expect(details.journeys.overdue).toBe(0);
    expect(details.engine).toMatchObject({ alive: 1, processes: [expect.objectContaining({ id: 'citus-api-engine', lastError: null })] });
    expect(details.messages).toEqual({ overdue: 0, failedAfterRetries: 0, failedAfterRetriesLastDay: 0 });
    const scrape = await api.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(scrape.text).toMatch(/^boomerang_journeys_overdue 0$/m);

    // exports
    const metricsCsv = (await get(`/api/flows/${ab.id}/export/metrics.csv`).expect(200)).text;
    expect(metricsCsv).toContain(`flow,all,entered,200\r\n`);
    expect(metricsCsv).toContain(`flow,all,converted,${treated.converted}\r\n`);
    const journeysCsv = (await get(`/api/flows/${ab.id}/export/journeys.csv`).expect(200)).text.trim().split('\r\n');
    expect(journeysCsv).toHaveLength(1 + 200);
    expect(journeysCsv.filter((l) => l.includes(',converted,'))).toHaveLength(100);
    const messagesCsv = (await get(`/api/flows/${ab.id}/export/messages.csv`).expect(200)).text.trim().split('\r\n');
    expect(messagesCsv).toHaveLength(1 + treated.n);
    expect(messagesCsv.filter((l) => /,push,delivered,/.test(l))).toHaveLength(treated.n);

    // pause the A/B flow; publish a draft of the coupon flow moving its waiting journeys, then archive it: they exit
    expect((await post(`/api/flows/${ab.id}/pause`).expect(200)).body.status).toBe('paused');
    const draft = (await get(`/api/flows/${coupon.id}`).expect(200)).body.graph;
    draft.nodes[0].position = { x: 10, y: 10 };
    expect((await put(`/api/flows/${coupon.id}/draft`, { graph: draft }).expect(200)).body.version).toBe(2);
    expect((await post(`/api/flows/${coupon.id}/publish`, { migrate: 'move' }).expect(200)).body).toMatchObject({ liveVersion: 2 });
    expect(
      await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND flow_version = 2 AND state = 'waiting'`, [coupon.id]),
    ).toBe(30);
    expect((await post(`/api/flows/${coupon.id}/archive`).expect(200)).body.status).toBe('archived');
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'exited'`, [coupon.id])).toBe(30);
    expect(
      await count(
        db,
        `SELECT count(*) n FROM journey_log l JOIN journeys j ON j.contact_id = l.contact_id AND j.id = l.journey_id
                        WHERE j.flow_id = $1 AND l.kind = 'exited'`,
        [coupon.id],
      ),
    ).toBe(30);
    const audit = await db.query<{ action: string; detail: { exitedJourneys?: number; movedJourneys?: number } }>(
      `SELECT action, detail FROM audit_log WHERE entity_id = $1 AND action IN ('flow.published', 'flow.archived') ORDER BY id`,
      [coupon.id],
    );
    expect(audit.rows.map((r) => [r.action, r.detail.movedJourneys ?? r.detail.exitedJourneys])).toEqual([
      ['flow.published', 30],
      ['flow.archived', 30],
    ]);
    expect(errors).toEqual([]);
  });

  it('Segment aliases merging visitors into known contacts while both ids’ events pour in: every event once, on the kept contact', async () => {
    const N = 20;
    const ROUNDS = 5;
    const writeKey = (await api.keyToken(['ingest'])).replace(/^Bearer /, '');
    const segment = (path: string, body: object) => api.http().post(path).set('Authorization', basic(writeKey)).send(body);
    // an event flow on app_opened: both contacts of each pair have a live journey there before the merge
    const graph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'app_opened' } },
        { id: 'wait', type: 'delay', position: { x: 0, y: 100 }, data: { duration: 'P1D' } },
        { id: 'm', type: 'channel', position: { x: 0, y: 200 }, data: { channel: 'push', template: { title: 'Hi', body: 'Back' } } },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'wait' },
        { id: 'e2', source: 'wait', target: 'm' },
      ],
    };
    const flow = (await post('/api/flows', { name: 'Opened', graph, settings: { holdoutPercent: 0 } }).expect(201)).body;
    await post(`/api/flows/${flow.id}/activate`).expect(200);
    const known = Array.from({ length: N }, (_, i) => `k${i}`);
    const visitors = Array.from({ length: N }, (_, i) => `v${i}`);
    await post(
      '/api/contacts',
      known.map((externalId) => ({ externalId, attributes: { plan: 'pro' } })),
    ).expect(200);
    await post(
      '/api/events',
      known.map((externalId) => ({ externalId, name: 'app_opened', properties: { seq: `pre-${externalId}` } })),
    ).expect(200);
    const pre = await segment('/v1/batch', {
      batch: visitors.map((v) => ({ type: 'track', anonymousId: v, event: 'app_opened', messageId: `pre-${v}` })),
    }).expect(200);
    expect(pre.body).toEqual({ success: true, accepted: N, rejected: [] });
    const clock = new VirtualClock(db);
    await engine().advanceClock(clock, 'PT1M');
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting'`, [flow.id])).toBe(2 * N);

    // at once: the aliases one by one; two Segment writers tracking the visitors; two API writers naming both ids
    const failures: string[] = [];
    const expectAccepted = (what: string, res: { status: number; body: { accepted?: number; rejected?: unknown[] } }, n: number) => {
      if (res.status !== 200 || res.body.accepted !== n || res.body.rejected?.length)
        failures.push(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    const aliases = async () => {
      for (const [i, v] of visitors.entries())
        expectAccepted(`alias ${v}`, await segment('/v1/alias', { previousId: v, userId: known[i] }), 1);
    };
    const segmentWriter = async (w: number) => {
      for (let r = 0; r < ROUNDS; r++) {
        const batch = visitors.map((v) => ({ type: 'track', anonymousId: v, event: 'app_opened', messageId: `seg${w}-${r}-${v}` }));
        expectAccepted(`segment ${w}/${r}`, await segment('/v1/batch', { batch }), N);
      }
    };
    const apiWriter = async (w: number) => {
      for (let r = 0; r < ROUNDS; r++) {
        const events = visitors.flatMap((v, i) => [
          { externalId: `anonymous:${v}`, name: 'app_opened', properties: { seq: `api${w}-${r}-${v}` } },
          { externalId: known[i], name: 'app_opened', properties: { seq: `api${w}-${r}-${known[i]}` } },
        ]);
        expectAccepted(`api ${w}/${r}`, await post('/api/events', events), 2 * N);
      }
    };
    await Promise.all([aliases(), segmentWriter(0), segmentWriter(1), apiWriter(0), apiWriter(1)]);
    expect(failures).toEqual([]);

    // the visitors are gone; every id leads to its known contact
    const contacts = await db.query<{ external_id: string }>(`SELECT external_id FROM contacts ORDER BY external_id`);
    expect(contacts.rows.map((c) => c.external_id)).toEqual([...known].sort());
    const lookup = await db.query<{ external_id: string; contact_id: string }>(
      `SELECT external_id, contact_id::text FROM contact_external_ids`,
    );
    const ids = new Map(
      (await db.query<{ id: string; external_id: string }>(`SELECT id::text, external_id FROM contacts`)).rows.map((c) => [
        c.external_id,
        c.id,
      ]),
    );
    const leadsTo = new Map(lookup.rows.map((l) => [l.external_id, l.contact_id]));
    for (const [i, v] of visitors.entries()) expect(leadsTo.get(`anonymous:${v}`)).toBe(ids.get(known[i]));
    expect(lookup.rows.filter((l) => ![...ids.values()].includes(l.contact_id))).toEqual([]);

    // every event sent is stored once, on the kept contact: 2 before, 2 × ROUNDS by Segment, 2 × 2 × ROUNDS by the API
    const stored = await db.query<{ external_id: string; key: string; n: number }>(
      `SELECT c.external_id, coalesce(e.message_id, e.properties->>'seq') AS key, count(*)::int AS n
         FROM events e JOIN contacts c ON c.id = e.contact_id GROUP BY 1, 2`,
    );
    expect(stored.rows.filter((r) => r.n !== 1)).toEqual([]);
    const perContact = new Map<string, string[]>();
    for (const r of stored.rows) perContact.set(r.external_id, [...(perContact.get(r.external_id) ?? []), r.key]);
    for (const [i, v] of visitors.entries()) {
      const k = known[i];
      const expected = [`pre-${k}`, `pre-${v}`];
      for (let r = 0; r < ROUNDS; r++)
        for (let w = 0; w < 2; w++) expected.push(`seg${w}-${r}-${v}`, `api${w}-${r}-${v}`, `api${w}-${r}-${k}`);
      expect((perContact.get(k) ?? []).sort()).toEqual(expected.sort());
    }
    expect(await count(db, `SELECT count(*) n FROM events`)).toBe(N * (2 + 6 * ROUNDS));

    // no row of a deleted contact anywhere; one live journey per contact and flow, the other exited saying why
    for (const table of [
      'events',
      'event_message_ids',
      'journeys',
      'journey_log',
      'messages',
      'message_keys',
      'trigger_inbox',
      'contact_topics',
    ]) {
      expect([table, await count(db, `SELECT count(*) n FROM ${table} WHERE contact_id NOT IN (SELECT id FROM contacts)`)]).toEqual([
        table,
        0,
      ]);
    }
    await engine().advanceClock(clock, 'PT1M');
    expect(errors).toEqual([]);
    expect(
      await count(
        db,
        `SELECT count(*) n FROM (SELECT contact_id FROM journeys WHERE state IN ('waiting', 'running') GROUP BY contact_id, flow_id HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting'`, [flow.id])).toBe(N);
    expect(
      await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'exited' AND detail->>'reason' LIKE 'contact merged into%'`),
    ).toBe(N);
  });
});
