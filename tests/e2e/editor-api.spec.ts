/**
 * The read-mostly endpoints the editor is built on, against the real app and PostgreSQL: the workspace schema
 * (suggestions), the contacts list with search, paging and masking, a contact's events, and safe publishing of an
 * active flow (draft, preview with waiting counts, publish with migration, history, revert, estimate).
 */
import { startApi, type ApiHarness } from '../support/api-app';
import { tinyGraph } from '../support/api-fixtures';

jest.setTimeout(60_000);

describe('editor API', () => {
  let api: ApiHarness;
  const get = (path: string, auth = api.admin) => api.http().get(path).set('Authorization', auth);
  const post = (path: string, body: object = {}, auth = api.admin) => api.http().post(path).set('Authorization', auth).send(body);
  const put = (path: string, body: object, auth = api.admin) => api.http().put(path).set('Authorization', auth).send(body);

  beforeAll(async () => {
    api = await startApi('editor_api');
    const contacts = Array.from({ length: 7 }, (_, i) => ({
      externalId: `c${i}`,
      timezone: 'Asia/Shanghai',
      attributes: {
        firstName: `Name${i}`,
        email: `person${i}@example.com`,
        phone: `+8613800000${String(i).padStart(3, '0')}`,
        cart_items: i,
        vip: i % 2 === 0,
      },
    }));
    await post('/api/contacts', contacts).expect(200);
    await post('/api/events', [
      { externalId: 'c1', name: 'app_open', occurredAt: '2026-01-01T00:00:00Z' },
      { externalId: 'c1', name: 'app_open', occurredAt: '2026-01-02T00:00:00Z' },
      { externalId: 'c2', name: 'order_paid', occurredAt: '2026-01-02T00:00:00Z', properties: { amount: 12 } },
    ]).expect(200);
  });

  afterAll(() => api?.close());

  it('GET /api/schema lists attribute keys with types and samples, and event names with counts', async () => {
    const res = await get('/api/schema').expect(200);
    const cart = res.body.attributes.find((a: { key: string }) => a.key === 'cart_items');
    expect(cart).toMatchObject({ type: 'number', contacts: 7 });
    expect(cart.samples.length).toBeGreaterThan(0);
    expect(res.body.attributes.find((a: { key: string }) => a.key === 'vip').type).toBe('boolean');
    expect(res.body.events).toEqual([
      expect.objectContaining({ name: 'app_open', count: 2 }),
      expect.objectContaining({ name: 'order_paid', count: 1 }),
    ]);
    const viewer = await api.userToken('viewer');
    const masked = await get('/api/schema', viewer).expect(200);
    const emails = masked.body.attributes.find((a: { key: string }) => a.key === 'email').samples as string[];
    expect(emails.every((e) => e.includes('***'))).toBe(true);
  });

  it('GET /api/contacts searches, pages by cursor and masks PII for viewers', async () => {
    const first = await get('/api/contacts?limit=3').expect(200);
    expect(first.body.items.map((c: { externalId: string }) => c.externalId)).toEqual(['c6', 'c5', 'c4']);
    const second = await get(`/api/contacts?limit=3&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((c: { externalId: string }) => c.externalId)).toEqual(['c3', 'c2', 'c1']);
    expect((await get('/api/contacts?q=PERSON3@').expect(200)).body.items.map((c: { externalId: string }) => c.externalId)).toEqual(['c3']);
    expect((await get('/api/contacts?q=0000005').expect(200)).body.items.map((c: { externalId: string }) => c.externalId)).toEqual(['c5']);
    expect((await get('/api/contacts?q=cart_items%3D4').expect(200)).body.items.map((c: { externalId: string }) => c.externalId)).toEqual([
      'c4',
    ]);
    expect((await get('/api/contacts?cursor=nope').expect(400)).body.message).toMatch(/query.cursor/);
    const viewer = await api.userToken('viewer');
    const masked = await get('/api/contacts?q=c2', viewer).expect(200);
    expect(masked.body.items[0].attributes.email).toBe('p***@example.com');
    const events = await get('/api/contacts/c1/events').expect(200);
    expect(events.body.items.map((e: { name: string }) => e.name)).toEqual(['app_open', 'app_open']);
    await get('/api/contacts/nobody/events').expect(404);
  });

  it('edits an active flow as a draft, previews, publishes with a migration choice, lists history and reverts', async () => {
    const flow = (await post('/api/flows', { name: 'Safe', graph: tinyGraph('v1') }).expect(201)).body;
    const estimate = await post(`/api/flows/${flow.id}/estimate`).expect(200);
    expect(typeof estimate.body.count).toBe('number');
    await post(`/api/flows/${flow.id}/activate`).expect(200);
    // a journey waiting at the push step of version 1
    const [{ id: contactId }] = await api.sql<{ id: string }>(`SELECT id FROM contacts WHERE external_id = 'c1'`);
    const pushId = tinyGraph().nodes.find((n) => n.type === 'channel')!.id;
    await api.sql(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, next_run_at, entered_at) VALUES ($1, 1, $2, 'waiting', $3, now(), now())`,
      [flow.id, contactId, pushId],
    );

    const draft = await put(`/api/flows/${flow.id}/draft`, { graph: tinyGraph('v2') }).expect(200);
    expect(draft.body).toMatchObject({ status: 'active', version: 2, liveVersion: 1, frozen: false });
    const preview = await get(`/api/flows/${flow.id}/publish-preview`).expect(200);
    expect(preview.body.pending).toBe(true);
    expect(preview.body.diff.changed).toEqual([pushId]);
    expect(preview.body.totals).toEqual({ waiting: 1, atChangedSteps: 1, atRemovedSteps: 0 });

    const published = await post(`/api/flows/${flow.id}/publish`, { migrate: 'move' }).expect(200);
    expect(published.body).toMatchObject({ version: 2, liveVersion: 2, frozen: true });
    expect(await api.sql(`SELECT flow_version FROM journeys WHERE flow_id = $1`, [flow.id])).toEqual([{ flow_version: 2 }]);
    expect((await post(`/api/flows/${flow.id}/publish`, { migrate: 'stay' }).expect(409)).body.message).toMatch(/no draft/);
    await post(`/api/flows/${flow.id}/publish`, { migrate: 'sideways' }).expect(400);

    const history = await get(`/api/flows/${flow.id}/history`).expect(200);
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.body.versions[0]).toMatchObject({ live: true, by: expect.stringMatching(/^key:/) });
    expect(history.body.versions[0].changes.changed).toEqual([pushId]);

    const reverted = await post(`/api/flows/${flow.id}/revert`, { version: 1 }).expect(200);
    expect(reverted.body).toMatchObject({ version: 3, liveVersion: 2, frozen: false });
    expect(reverted.body.graph).toEqual(tinyGraph('v1'));
    await post(`/api/flows/${flow.id}/publish`, { migrate: 'stay' }).expect(200);
    expect(await api.sql(`SELECT flow_version FROM journeys WHERE flow_id = $1`, [flow.id])).toEqual([{ flow_version: 2 }]);
    const viewer = await api.userToken('viewer');
    await put(`/api/flows/${flow.id}/draft`, { graph: tinyGraph('v4') }, viewer).expect(403);

    // only a draft that never went live can be deleted
    expect((await api.http().delete(`/api/flows/${flow.id}`).set('Authorization', api.admin).expect(409)).body.message).toMatch(/archive/);
    const scratch = (await post('/api/flows', { name: 'Scratch', graph: tinyGraph() }).expect(201)).body;
    await api.http().delete(`/api/flows/${scratch.id}`).set('Authorization', api.admin).expect(204);
    await get(`/api/flows/${scratch.id}`).expect(404);
  });

  it('PATCH /api/users/:id changes roles and disables users, never the last admin', async () => {
    const token = await api.userToken('editor', 'sam@example.com');
    const users = (await get('/api/users').expect(200)).body.items as { id: string; email: string; role: string }[];
    const sam = users.find((u) => u.email === 'sam@example.com')!;
    expect(
      (await api.http().patch(`/api/users/${sam.id}`).set('Authorization', api.admin).send({ role: 'viewer' }).expect(200)).body,
    ).toMatchObject({ role: 'viewer', disabled: false });
    await api.http().patch(`/api/users/${sam.id}`).set('Authorization', api.admin).send({ disabled: true }).expect(200);
    await get('/api/auth/me', token).expect(401);
    await api.http().patch(`/api/users/${sam.id}`).set('Authorization', api.admin).send({}).expect(400);
    const admin = await api.userToken('admin', 'only-admin@example.com');
    const me = (await get('/api/auth/me', admin).expect(200)).body;
    expect(
      (await api.http().patch(`/api/users/${me.id}`).set('Authorization', admin).send({ role: 'editor' }).expect(409)).body.message,
    ).toMatch(/last admin/);
  });

  it('GET /api/flow-stats counts journeys per flow', async () => {
    const res = await get('/api/flow-stats').expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ live: 1 })]);
  });
});
