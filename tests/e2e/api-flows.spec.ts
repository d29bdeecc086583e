import { ApiHarness, startApi, adminRequests } from '../support/api-app';
import { danglingGraph, nasty, tinyGraph, validGraph } from '../support/api-fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi('api_flows');
});
afterAll(() => api?.close());

const { get, post, put } = adminRequests(() => api);

async function flowCount(): Promise<number> {
  const [{ n }] = await api.sql<{ n: number }>('SELECT count(*)::int AS n FROM flows');
  return n;
}

describe('flow templates', () => {
  it('lists the default check-in flow first, then the seed playbooks, each with a graph', async () => {
    const res = await get('/api/flow-templates').expect(200);
    expect(res.body.items[0]).toMatchObject({ id: 'weekly-checkin', name: expect.any(String), description: expect.any(String) });
    expect(res.body.items.length).toBeGreaterThanOrEqual(4);
    for (const t of res.body.items) expect(t.graph.nodes.length).toBeGreaterThan(0);
  });
});

describe('POST /api/flows', () => {
  it('creates a draft, version 1, from a template', async () => {
    const res = await post('/api/flows', { name: 'Check-in', templateId: 'weekly-checkin' }).expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      version: 1,
      status: 'draft',
      liveVersion: null,
      settings: { holdoutPercent: 10, quietHours: 'workspace' },
    });
    expect(res.body.graph).toEqual(validGraph());
    const audit = await api.sql('SELECT actor, action, entity_id FROM audit_log WHERE entity_id = $1', [res.body.id]);
    expect(audit).toEqual([{ actor: expect.stringMatching(/^key:#[0-9a-f]{7}$/), action: 'flow.created', entity_id: res.body.id }]);
  });

  it('creates a draft from a graph with settings, and keeps names with SQL and HTML verbatim', async () => {
    const res = await post('/api/flows', { name: nasty, graph: tinyGraph(nasty), settings: { holdoutPercent: 20 } }).expect(201);
    expect(res.body.name).toBe(nasty);
    expect(res.body.settings).toEqual({ holdoutPercent: 20, quietHours: 'workspace' });
    expect(res.body.graph.nodes[1].data.template.title).toBe(nasty);
    const again = await get(`/api/flows/${res.body.id}`).expect(200);
    expect(again.body.name).toBe(nasty);
  });

  it('a settings edit replaces the keys it names and keeps the others; a bad quiet-hours window names its field', async () => {
    const flow = (await post('/api/flows', { name: 'Quiet', graph: tinyGraph(), settings: { holdoutPercent: 20 } }).expect(201)).body;
    const off = await put(`/api/flows/${flow.id}`, { settings: { quietHours: 'off' } }).expect(200);
    expect(off.body.settings).toEqual({ holdoutPercent: 20, quietHours: 'off' });
    const own = await put(`/api/flows/${flow.id}`, {
      settings: { holdoutPercent: 5, quietHours: { start: '22:00', end: '07:30' } },
    }).expect(200);
    expect(own.body.settings).toEqual({ holdoutPercent: 5, quietHours: { start: '22:00', end: '07:30' } });
    const bad = await put(`/api/flows/${flow.id}`, { settings: { quietHours: { start: '25:00', end: '07:00' } } }).expect(400);
    expect(bad.body.message).toContain('settings.quietHours');
    expect((await get(`/api/flows/${flow.id}`).expect(200)).body.settings).toEqual(own.body.settings);
  });

  it.each([
    [
      'a wrong type',
      { name: 'x', graph: { ...tinyGraph(), nodes: [{ ...tinyGraph().nodes[0], data: { kind: 'inactive', days: 'seven' } }] } },
      'graph.nodes[0].data.days (node "t"): expected number, received string',
    ],
    [
      'an unknown node type',
      { name: 'x', graph: { nodes: [{ id: 'a', type: 'sendFax', position: { x: 0, y: 0 }, data: {} }], edges: [] } },
      // named by the node's id, not only its index (issue 20)
      'graph.nodes[0].type (node "a"): unknown value; expected one of "trigger", "condition", "delay", "channel", "goal"',
    ],
    ['an unknown field', { name: 'x', graph: tinyGraph(), owner: 'me' }, 'body: unknown field "owner"'],
    ['an unknown field inside the graph', { name: 'x', graph: { ...tinyGraph(), extra: true } }, 'graph: unknown field "extra"'],
    ['a missing name', { graph: tinyGraph() }, 'name: is required (string)'],
    ['an empty name', { name: '   ', graph: tinyGraph() }, 'name: must not be empty'],
    ['an unknown template', { name: 'x', templateId: 'nope' }, 'templateId: unknown template; one of "weekly-checkin"'],
    [
      'bad settings',
      { name: 'x', graph: tinyGraph(), settings: { holdoutPercent: 90 } },
      'settings.holdoutPercent: Too big: expected number to be <=50',
    ],
    [
      'a bad rule operator',
      {
        name: 'x',
        graph: {
          nodes: [{ id: 'c', type: 'condition', position: { x: 0, y: 0 }, data: { rule: { attribute: 'a', op: 'like' } } }],
          edges: [],
        },
      },
      'graph.nodes[0].data.rule.op (node "c")',
    ],
  ])('rejects %s with a 400 naming the field, storing nothing', async (_label, body, message) => {
    const before = await flowCount();
    const res = await post('/api/flows', body).expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.message).toContain(message);
    expect(res.body.errors[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(await flowCount()).toBe(before);
  });

  it('rejects malformed JSON with a 400 that says so', async () => {
    const res = await api
      .http()
      .post('/api/flows')
      .set('Authorization', api.admin)
      .set('Content-Type', 'application/json')
      .send('{"name": "x", "graph": {')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^body: malformed JSON/) });
  });

  it('rejects a NUL character instead of failing in PostgreSQL', async () => {
    const res = await api
      .http()
      .post('/api/flows')
      .set('Authorization', api.admin)
      .set('Content-Type', 'application/json')
      .send('{"name": "a\\u0000b", "templateId": "weekly-checkin"}')
      .expect(400);
    expect(res.body.message).toBe('name: contains the NUL character (\\u0000), which cannot be stored');
  });
});

describe('flow lifecycle', () => {
  it('draft edits in place; invalid drafts cannot be activated; activation freezes and goes live', async () => {
    const { body: flow } = await post('/api/flows', { name: 'Lifecycle', graph: tinyGraph() }).expect(201);
    // a draft edit replaces version 1 in place, even when not (yet) valid
    const edited = await put(`/api/flows/${flow.id}`, { graph: danglingGraph(), name: 'Lifecycle 2' }).expect(200);
    expect(edited.body).toMatchObject({ version: 1, name: 'Lifecycle 2', status: 'draft' });
    expect(edited.body.graph.edges).toHaveLength(2);

    const validation = await post(`/api/flows/${flow.id}/validate`).expect(200);
    expect(validation.body.valid).toBe(false);
    // each issue: the node and edge, a machine code with its values, and the engine's words
    const dangling = {
      nodeId: 'm',
      edgeId: 'e2',
      code: 'edge.unknownTarget',
      params: { node: 'nowhere' },
      message: 'edge "e2" leads to unknown node "nowhere"',
    };
    expect(validation.body.errors).toContainEqual(dangling);
    // an unsaved graph can be validated too
    expect((await post(`/api/flows/${flow.id}/validate`, { graph: tinyGraph() }).expect(200)).body).toMatchObject({
      valid: true,
      errors: [],
    });

    const refused = await post(`/api/flows/${flow.id}/activate`).expect(400);
    expect(refused.body.message).toBe(
      'the flow cannot be activated until it is valid: node "m": edge "e2" leads to unknown node "nowhere"',
    );
    expect(refused.body.errors).toContainEqual(dangling);
    expect((await get(`/api/flows/${flow.id}`)).body.status).toBe('draft');

    await put(`/api/flows/${flow.id}`, { graph: tinyGraph('v1') }).expect(200);
    const active = await post(`/api/flows/${flow.id}/activate`).expect(200);
    expect(active.body).toMatchObject({ status: 'active', version: 1, liveVersion: 1, frozen: true, activatedAt: expect.any(String) });
    const [version] = await api.sql<{ frozen_at: Date | null }>('SELECT frozen_at FROM flow_versions WHERE flow_id = $1', [flow.id]);
    expect(version.frozen_at).toBeInstanceOf(Date);
    // the database itself refuses to change a frozen graph
    await expect(api.sql(`UPDATE flow_versions SET graph = '{}' WHERE flow_id = $1`, [flow.id])).rejects.toThrow(/frozen/);

    expect((await post(`/api/flows/${flow.id}/activate`).expect(409)).body.message).toBe('the flow is already active');

    // editing an active flow: invalid → 400 and nothing changes; valid → version 2, frozen and live at once
    await put(`/api/flows/${flow.id}`, { graph: danglingGraph() }).expect(400);
    expect((await get(`/api/flows/${flow.id}`)).body.version).toBe(1);
    const v2 = await put(`/api/flows/${flow.id}`, { graph: tinyGraph('v2') }).expect(200);
    expect(v2.body).toMatchObject({ version: 2, liveVersion: 2, frozen: true, status: 'active' });
    // the same graph again makes no version
    expect((await put(`/api/flows/${flow.id}`, { graph: tinyGraph('v2') }).expect(200)).body.version).toBe(2);
    expect((await get(`/api/flows/${flow.id}?version=1`).expect(200)).body.graph.nodes[1].data.template.title).toBe('v1');

    // pause; edits while paused make one unfrozen version that goes live on resume
    expect((await post(`/api/flows/${flow.id}/pause`).expect(200)).body.status).toBe('paused');
    expect((await post(`/api/flows/${flow.id}/pause`).expect(409)).body.message).toBe(
      'only an active flow can be paused; this one is paused',
    );
    const v3 = await put(`/api/flows/${flow.id}`, { graph: tinyGraph('v3') }).expect(200);
    expect(v3.body).toMatchObject({ version: 3, liveVersion: 2, frozen: false, status: 'paused' });
    expect((await put(`/api/flows/${flow.id}`, { graph: tinyGraph('v3b') }).expect(200)).body.version).toBe(3);
    const resumed = await post(`/api/flows/${flow.id}/activate`).expect(200);
    expect(resumed.body).toMatchObject({
      status: 'active',
      version: 3,
      liveVersion: 3,
      frozen: true,
      activatedAt: active.body.activatedAt,
    });

    const actions = await api.sql<{ action: string }>('SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id', [flow.id]);
    expect(actions.map((a) => a.action)).toEqual([
      'flow.created',
      'flow.updated',
      'flow.updated',
      'flow.activated',
      'flow.updated',
      'flow.paused',
      'flow.updated',
      'flow.updated',
      'flow.resumed',
    ]);
  });

  it('archive exits every live journey with a log row, and an archived flow accepts no change', async () => {
    const { body: flow } = await post('/api/flows', { name: 'To archive', graph: tinyGraph() }).expect(201);
    await post(`/api/flows/${flow.id}/activate`).expect(200);
    const [a, b] = await api.sql<{ id: string }>(
      `INSERT INTO contacts (external_id, created_at, updated_at) VALUES ('arch-a', now(), now()), ('arch-b', now(), now()) RETURNING id`,
    );
    await api.sql(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, next_run_at, entered_at)
       VALUES ($1, 1, $2, 'waiting', 'm', now() + interval '1 day', now()), ($1, 1, $3, 'completed', 'm', NULL, now())`,
      [flow.id, a.id, b.id],
    );
    const [live] = await api.sql<{ id: string }>(`SELECT id FROM journeys WHERE flow_id = $1 AND state = 'waiting'`, [flow.id]);
    await api.sql(
      `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, created_at, next_attempt_at)
       VALUES ($1 || ':1', $1::uuid, $2, 1, $3, 'm', 'push', '{}', now(), now())`,
      [live.id, flow.id, a.id],
    );
    const archived = await post(`/api/flows/${flow.id}/archive`).expect(200);
    expect(archived.body.status).toBe('archived');
    const [cancelled] = await api.sql<{ status: string; last_error: string }>(
      'SELECT status, last_error FROM messages WHERE journey_id = $1',
      [live.id],
    );
    expect(cancelled).toEqual({ status: 'failed', last_error: 'flow archived before delivery' });
    const journeys = await api.sql<{ state: string; ended_at: Date | null }>(
      'SELECT state, ended_at FROM journeys WHERE flow_id = $1 ORDER BY contact_id',
      [flow.id],
    );
    expect(journeys.map((j) => j.state)).toEqual(['exited', 'completed']);
    expect(journeys[0].ended_at).toBeInstanceOf(Date);
    const log = await api.sql('SELECT node_id, kind, detail FROM journey_log');
    expect(log).toEqual([{ node_id: 'm', kind: 'exited', detail: { reason: 'flow archived' } }]);
    const [audit] = await api.sql<{ detail: unknown }>(`SELECT detail FROM audit_log WHERE action = 'flow.archived' AND entity_id = $1`, [
      flow.id,
    ]);
    expect(audit.detail).toEqual({ from: 'active', exitedJourneys: 1, cancelledMessages: 1 });

    expect((await post(`/api/flows/${flow.id}/archive`).expect(409)).body.message).toBe('the flow is already archived');
    expect((await post(`/api/flows/${flow.id}/activate`).expect(409)).body.message).toMatch(/archived flow cannot be activated/);
    expect((await post(`/api/flows/${flow.id}/pause`).expect(409)).body.message).toMatch(/only an active flow/);
    expect((await put(`/api/flows/${flow.id}`, { name: 'again' }).expect(409)).body.message).toMatch(/archived flow cannot be changed/);
  });

  it('a draft can be archived directly; pause on a draft is a 409', async () => {
    const { body: flow } = await post('/api/flows', { name: 'Draft', templateId: 'cart-reminder' }).expect(201);
    await post(`/api/flows/${flow.id}/pause`).expect(409);
    await post(`/api/flows/${flow.id}/archive`).expect(200);
  });
});

describe('reading flows', () => {
  it('answers 404 for unknown and malformed ids', async () => {
    expect((await get('/api/flows/00000000-0000-4000-8000-000000000000').expect(404)).body.message).toMatch(/not found/);
    await get(`/api/flows/${encodeURIComponent("1' OR '1'='1")}`).expect(404);
    await post('/api/flows/not-a-uuid/activate').expect(404);
  });

  it('lists newest first with opaque cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string; graph?: unknown }[]; nextCursor: string | null } } = await get(
        `/api/flows?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      for (const item of res.body.items) {
        expect(item.graph).toBeUndefined();
        seen.push(item.id);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(await flowCount());
    const active = await get('/api/flows?status=active').expect(200);
    expect(active.body.items.every((f: { status: string }) => f.status === 'active')).toBe(true);
  });

  it('rejects bad query parameters and forged cursors', async () => {
    expect((await get('/api/flows?cursor=abc').expect(400)).body.message).toBe('query.cursor: not a cursor this API returned');
    expect((await get('/api/flows?limit=0').expect(400)).body.message).toMatch(/^query\.limit: /);
    expect((await get('/api/flows?status=running').expect(400)).body.message).toMatch(/^query\.status: /);
    expect((await get('/api/flows?sort=name').expect(400)).body.message).toBe('query: unknown field "sort"');
  });
});
