import { ApiHarness, startApi } from '../support/api-app';
import { nasty, tinyGraph } from '../support/api-fixtures';

/**
 * Journey audit, messages, metrics and tracking over hand-built rows with known times, so every figure is exact.
 *
 *   c1 treatment: push delivered T, clicked; app_open T+1h (returned), T+1d+2h (day-1 retention); converted
 *   c2 treatment: push delivered T; no activity; completed
 *   c3 treatment: push sent T (not delivered); app_open T+100h (outside 72 h); waiting at m
 *   c4 holdout: converted            c5 holdout: completed
 */
let api: ApiHarness;
let flowId: string;
const T = new Date('2026-11-02T10:00:00Z');
const at = (hours: number) => new Date(T.getTime() + hours * 3600_000);
const messageIds: Record<string, string> = {};

/** The tiny graph with a click destination on its push: a click follows only the template's host (issue 20). */
function measuredGraph() {
  const graph = tinyGraph();
  (graph.nodes[1].data as { template: { url?: string } }).template.url = 'https://shop.example.com/back?x={{x}}';
  return graph;
}
const journeyIds: Record<string, string> = {};

beforeAll(async () => {
  api = await startApi('api_journeys', { PUBLIC_URL: 'http://boomerang.test' });
  flowId = await api.activeFlow('Measured', measuredGraph());
  await api
    .http()
    .post('/api/contacts')
    .set('Authorization', api.admin)
    .send(
      ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => ({ externalId: id, attributes: { email: `${id}@example.com`, phone: '+8613800001234' } })),
    )
    .expect(200);
  const plan: [string, boolean, string, string][] = [
    ['c1', false, 'converted', 'm'],
    ['c2', false, 'completed', 'm'],
    ['c3', false, 'waiting', 'm'],
    ['c4', true, 'converted', 't'],
    ['c5', true, 'completed', 't'],
  ];
  for (const [ext, holdout, state, node] of plan) {
    const [j] = await api.sql<{ id: string }>(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, holdout, entered_at, next_run_at)
       SELECT $1, 1, id, $2, $3, $4, $5, CASE WHEN $2 = 'waiting' THEN $5::timestamptz + interval '7 days' END FROM contacts WHERE external_id = $6 RETURNING id`,
      [flowId, state, node, holdout, at(-1), ext],
    );
    journeyIds[ext] = j.id;
    await api.sql(
      // the engine's shape: a visit is recorded on the row that says what it did (step), not a row of its own
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail, step)
       SELECT id, contact_id, $2, 't', 'entered', '{}', 1 FROM journeys WHERE id = $1`,
      [j.id, at(-1)],
    );
  }
  const sends: [string, string, string | null, boolean, string][] = [
    ['c1', 'delivered', 'https://shop.example.com/back?x=1', true, `Hi c1@example.com ${nasty}`],
    ['c2', 'delivered', 'http://boomerang.test/t/c/self', false, 'Hi'],
    ['c3', 'sent', null, false, 'Hi'],
  ];
  for (const [ext, status, url, clicked, body] of sends) {
    const [m] = await api.sql<{ id: string }>(
      `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, status, content,
                             created_at, sent_at, delivered_at, clicked_at)
       SELECT $1 || ':1', $1::uuid, $2, 1, contact_id, 'm', 'push', $3, $4, $5, $5, CASE WHEN $3 = 'delivered' THEN $5::timestamptz END,
              CASE WHEN $6 THEN $5::timestamptz + interval '5 minutes' END
         FROM journeys WHERE id = $1::uuid RETURNING id`,
      [journeyIds[ext], flowId, status, JSON.stringify({ title: 'We miss you', body, ...(url ? { url } : {}) }), T, clicked],
    );
    messageIds[ext] = m.id;
    await api.sql(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail, step)
       SELECT id, contact_id, $2, 'm', 'message', jsonb_build_object('channel', 'push', 'messageId', $3::text, 'preview', $4::text), 2
         FROM journeys WHERE id = $1`,
      [journeyIds[ext], T, m.id, `We miss you — ${body}`],
    );
  }
  await api
    .http()
    .post('/api/events')
    .set('Authorization', api.admin)
    .send([
      { externalId: 'c1', name: 'app_open', occurredAt: at(1).toISOString() },
      { externalId: 'c1', name: 'app_open', occurredAt: at(1 + 24 + 2).toISOString() },
      { externalId: 'c3', name: 'app_open', occurredAt: at(100).toISOString() },
    ])
    .expect(200);
});
afterAll(() => api?.close());

const get = (path: string, auth = api.admin) => api.http().get(path).set('Authorization', auth);

describe('GET /api/contacts/:externalId/journeys', () => {
  it('returns every journey with its full ordered log, message rows joined to their delivery status', async () => {
    const res = await get('/api/contacts/c1/journeys').expect(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items).toHaveLength(1);
    const [journey] = res.body.items;
    expect(journey).toMatchObject({
      id: journeyIds.c1,
      flowId,
      flowName: 'Measured',
      version: 1,
      externalId: 'c1',
      state: 'converted',
      holdout: false,
      currentNodeId: 'm',
      enteredAt: at(-1).toISOString(),
    });
    // each visit reads as "reached" + what the step did, as it always did
    expect(journey.log.map((l: { kind: string; step?: number }) => `${l.kind}${l.step ? `@${l.step}` : ''}`)).toEqual([
      'node@1',
      'entered@1',
      'node@2',
      'message@2',
    ]);
    expect(journey.log[3]).toEqual({
      at: T.toISOString(),
      nodeId: 'm',
      kind: 'message',
      detail: { channel: 'push', messageId: messageIds.c1, preview: `We miss you — Hi c1@example.com ${nasty}` },
      step: 2,
      delivery: {
        status: 'delivered',
        sentAt: T.toISOString(),
        deliveredAt: T.toISOString(),
        failedAt: null,
        openedAt: null,
        clickedAt: at(5 / 60).toISOString(),
        lastError: null,
      },
    });
    expect((await get(`/api/journeys/${journeyIds.c1}`).expect(200)).body).toEqual(journey);
  });

  it('answers an empty list for a contact without journeys and 404 for an unknown contact', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .send([{ externalId: 'loner' }])
      .expect(200);
    expect((await get('/api/contacts/loner/journeys').expect(200)).body).toEqual({ items: [], nextCursor: null });
    await get('/api/contacts/nobody/journeys').expect(404);
    await get('/api/journeys/00000000-0000-4000-8000-000000000000').expect(404);
  });
});

describe('GET /api/flows/:id/journeys', () => {
  it('filters by state and node and pages with opaque cursors', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { externalId: string; log?: unknown }[]; nextCursor: string | null } } = await get(
        `/api/flows/${flowId}/journeys?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      for (const j of res.body.items) {
        expect(j.log).toBeUndefined();
        all.push(j.externalId);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all.sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    const converted = await get(`/api/flows/${flowId}/journeys?state=converted`).expect(200);
    expect(converted.body.items.map((j: { externalId: string }) => j.externalId).sort()).toEqual(['c1', 'c4']);
    const atT = await get(`/api/flows/${flowId}/journeys?nodeId=t`).expect(200);
    expect(atT.body.items.map((j: { externalId: string }) => j.externalId).sort()).toEqual(['c4', 'c5']);
    const none = await get(`/api/flows/${flowId}/journeys?nodeId=${encodeURIComponent(nasty.slice(0, 90))}`).expect(200);
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('rejects bad filters and unknown flows', async () => {
    expect((await get(`/api/flows/${flowId}/journeys?state=lost`).expect(400)).body.message).toMatch(/^query\.state: /);
    expect((await get(`/api/flows/${flowId}/journeys?cursor=%27%3B--`).expect(400)).body.message).toBe(
      'query.cursor: not a cursor this API returned',
    );
    await get('/api/flows/00000000-0000-4000-8000-000000000000/journeys').expect(404);
  });
});

describe('GET /api/messages', () => {
  it('lists messages with status, filtered by contact and flow', async () => {
    const res = await get(`/api/messages?externalId=c1&flowId=${flowId}`).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: messageIds.c1,
        journeyId: journeyIds.c1,
        flowId,
        externalId: 'c1',
        nodeId: 'm',
        channel: 'push',
        status: 'delivered',
        content: { title: 'We miss you', body: `Hi c1@example.com ${nasty}`, url: 'https://shop.example.com/back?x=1' },
        createdAt: T.toISOString(),
        sentAt: T.toISOString(),
      }),
    ]);
    const page = await get(`/api/messages?flowId=${flowId}&limit=2`).expect(200);
    expect(page.body.items).toHaveLength(2);
    const rest = await get(`/api/messages?flowId=${flowId}&limit=2&cursor=${page.body.nextCursor}`).expect(200);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    expect((await get('/api/messages?status=failed').expect(200)).body.items).toEqual([]);
    expect((await get('/api/messages?flowId=nope').expect(400)).body.message).toMatch(/^query\.flowId: /);
  });
});

describe('GET /api/flows/:id/metrics', () => {
  it('computes the funnel, retention, holdout lift and per-node counts', async () => {
    const res = await get(`/api/flows/${flowId}/metrics`).expect(200);
    expect(res.body).toMatchObject({
      flowId,
      version: null,
      attributionWindow: 'PT72H',
      entered: 5,
      sent: 3,
      delivered: 2,
      clicked: 1,
      returned: 1,
      converted: 1,
      convertedAfterMessage: 1,
      convertedWithoutMessage: 0,
      reachRate: 2 / 3,
      clickRate: 1 / 2,
      returnRate: 1 / 2,
      retention: [1, 0, 0, 0, 0, 0, 0],
      holdout: { size: 2, converted: 1 },
      lift: 1 / 3 - 1 / 2,
      messages: { total: 3, queued: 0, sent: 3, delivered: 2, failed: 0, opened: 0, clicked: 1, unsubscribed: 0, costCents: 0 },
      nodes: {
        t: { entered: 5, journeys: 5, waiting: 0, converted: 1, sent: 0, delivered: 0, clicked: 0, costCents: 0 },
        m: { entered: 3, journeys: 3, waiting: 1, converted: 1, sent: 3, delivered: 2, clicked: 1, costCents: 0 },
      },
    });
    expect(Object.keys(res.body.nodes)).toEqual(['m', 't']);
    // issue 11 additions
    expect(res.body).toMatchObject({
      treatment: { size: 3, converted: 1, conversionRate: 1 / 3 },
      holdoutConversionRate: 1 / 2,
      liftAnalysis: { absolute: 1 / 3 - 1 / 2, sufficient: false, summary: expect.stringMatching(/^Too few contacts to tell yet/) },
      cost: { totalCents: 0, perConvertedCents: 0 },
      versions: [{ version: 1, entered: 5, treatment: 3, converted: 1, holdout: 2, holdoutConverted: 1 }],
      arms: {},
    });
    const v2 = await get(`/api/flows/${flowId}/metrics?version=2`).expect(200);
    expect(v2.body).toMatchObject({ version: 2, entered: 0, reachRate: null, lift: null, nodes: {} });
    await get('/api/flows/00000000-0000-4000-8000-000000000000/metrics').expect(404);
    expect((await get(`/api/flows/${flowId}/metrics?version=x`).expect(400)).body.message).toMatch(/^query\.version: /);
  });
});

describe('tracking links', () => {
  it('a click records clicked_at (and opened_at) and redirects to the message url', async () => {
    const res = await api.http().get(`/t/c/${messageIds.c1}`).expect(302);
    expect(res.headers.location).toBe('https://shop.example.com/back?x=1');
    // a url that is the tracking link itself (or anything on this server) gets a neutral page, never the admin app
    const self = await api.http().get(`/t/c/${messageIds.c2}`).expect(200);
    expect(self.headers.location).toBeUndefined();
    expect(self.text).toContain('Thanks for your interest');
    const [m] = await api.sql<{ clicked_at: Date; opened_at: Date }>('SELECT clicked_at, opened_at FROM messages WHERE id = $1', [
      messageIds.c2,
    ]);
    expect(m.clicked_at).toBeInstanceOf(Date);
    expect(m.opened_at).toBeInstanceOf(Date);
  });

  it('the open pixel is a 1×1 GIF and records opened_at', async () => {
    const res = await api.http().get(`/t/o/${messageIds.c3}`).expect(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect((res.body as Buffer).subarray(0, 6).toString()).toBe('GIF89a');
    const [m] = await api.sql<{ opened_at: Date | null }>('SELECT opened_at FROM messages WHERE id = $1', [messageIds.c3]);
    expect(m.opened_at).toBeInstanceOf(Date);
  });

  it('unsubscribe: GET confirms only; POST sets the channel consent false', async () => {
    const token = await api.linkToken(messageIds.c3);
    const res = await api.http().get(`/t/u/${token}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Do you want to stop receiving push notifications');
    expect((await get('/api/contacts/c3').expect(200)).body.consent).not.toEqual({ push: false });
    const done = await api.http().post(`/t/u/${token}`).type('form').send({ confirm: 'page' }).expect(200);
    expect(done.text).toContain('You will not receive push notifications');
    const contact = await get('/api/contacts/c3').expect(200);
    expect(contact.body.consent).toEqual({ push: false });
    const [m] = await api.sql<{ unsubscribed_at: Date | null }>('SELECT unsubscribed_at FROM messages WHERE id = $1', [messageIds.c3]);
    expect(m.unsubscribed_at).toBeInstanceOf(Date);
    expect((await api.http().post(`/t/u/${token}`).expect(200)).body).toEqual({ unsubscribed: true, channel: 'push' });
  });

  it('unknown and malformed ids are 404s and change nothing (an unsigned unsubscribe link: 403)', async () => {
    await api.http().get(`/t/u/${messageIds.c3}`).expect(403);
    for (const path of ['c', 'o']) {
      await api.http().get(`/t/${path}/00000000-0000-4000-8000-000000000000`).expect(404);
      await api
        .http()
        .get(`/t/${path}/${encodeURIComponent("x' OR 1=1 --")}`)
        .expect(404);
    }
  });
});
