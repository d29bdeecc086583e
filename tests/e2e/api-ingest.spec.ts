import { ApiHarness, startApi, adminRequests } from '../support/api-app';
import { nasty, tinyGraph } from '../support/api-fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi('api_ingest');
});
afterAll(() => api?.close());

const { get, post } = adminRequests(() => api);
const count = async (table: string) => (await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('POST /api/contacts', () => {
  it('upserts by externalId and merges attributes and consent (null removes a key)', async () => {
    const first = await post('/api/contacts', [
      {
        externalId: 'u1',
        timezone: 'Asia/Shanghai',
        consent: { email: true, push: true, sms: false },
        attributes: { firstName: 'Li', email: 'li@example.com', phone: '+8613800000000', pushToken: 'tok', cart_items: 2 },
      },
    ]).expect(200);
    expect(first.body).toEqual({ accepted: 1, rejected: [] });
    await post('/api/contacts', [
      { externalId: 'u1', consent: { sms: true }, attributes: { cart_items: 0, pushToken: null, tier: 'gold' } },
    ]).expect(200);
    const res = await get('/api/contacts/u1').expect(200);
    expect(res.body).toEqual({
      externalId: 'u1',
      timezone: 'Asia/Shanghai',
      consent: { email: true, push: true, sms: true },
      attributes: { firstName: 'Li', email: 'li@example.com', phone: '+8613800000000', cart_items: 0, tier: 'gold' },
      lastActiveAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('merges repeated items of one batch in order', async () => {
    await post('/api/contacts', [
      { externalId: 'dup', attributes: { a: 1, b: 1 } },
      { externalId: 'dup', attributes: { b: 2, c: 3 }, timezone: 'Europe/Paris' },
      { externalId: 'dup', attributes: { a: null } },
    ]).expect(200);
    const res = await get('/api/contacts/dup').expect(200);
    expect(res.body.attributes).toEqual({ b: 2, c: 3 });
    expect(res.body.timezone).toBe('Europe/Paris');
  });

  it('stores exactly the valid items and names the field of each rejected one', async () => {
    const before = await count('contacts');
    const res = await post('/api/contacts', [
      { externalId: 'ok-1' },
      { externalId: '' },
      { externalId: 'bad-tz', timezone: 'Mars/Olympus' },
      { externalId: 'bad-consent', consent: { email: 'yes' } },
      { externalId: 'bad-field', nickname: 'x' },
      { externalId: 'bad-email', attributes: { email: 42 } },
      { externalId: 'ok-2', attributes: { note: nasty } },
      'not an object',
      { externalId: 'x'.repeat(201) },
      { externalId: 'bad-channel', consent: { fax: true } },
    ]).expect(200);
    expect(res.body).toEqual({
      accepted: 2,
      rejected: [
        { index: 1, error: '[1].externalId: must not be empty' },
        { index: 2, error: '[2].timezone: not an IANA time zone (e.g. Europe/Paris)' },
        { index: 3, error: '[3].consent.email: expected boolean, received string' },
        { index: 4, error: '[4]: unknown field "nickname"' },
        { index: 5, error: '[5].attributes.email: expected string, received number' },
        { index: 7, error: '[7]: expected object, received string' },
        { index: 8, error: '[8].externalId: Too big: expected string to have <=200 characters' },
        { index: 9, error: '[9].consent: unknown field "fax"' },
      ],
    });
    expect(await count('contacts')).toBe(before + 2);
    expect((await get('/api/contacts/ok-2').expect(200)).body.attributes.note).toBe(nasty);
  });

  it('keeps SQL meta-characters and HTML verbatim in ids and attributes', async () => {
    await post('/api/contacts', [{ externalId: nasty, attributes: { [nasty.slice(0, 90)]: nasty } }]).expect(200);
    const res = await get(`/api/contacts/${encodeURIComponent(nasty)}`).expect(200);
    expect(res.body.externalId).toBe(nasty);
    expect(res.body.attributes).toEqual({ [nasty.slice(0, 90)]: nasty });
    expect(await count('contacts')).toBeGreaterThan(0); // the table is still there
  });

  it('answers 404 for an unknown contact', async () => {
    expect((await get('/api/contacts/nobody').expect(404)).body.message).toBe('contact "nobody" not found');
  });

  it.each([
    ['an object instead of an array', { externalId: 'u1' }, 'body: expected a JSON array of items'],
    ['an empty batch', [], 'body: the batch is empty'],
    [
      'more than 10,000 items',
      Array.from({ length: 10_001 }, (_, i) => ({ externalId: `big-${i}` })),
      'body: a batch holds at most 10000 items (got 10001); split it',
    ],
  ])('rejects %s whole, storing nothing', async (_label, body, message) => {
    const before = await count('contacts');
    const res = await post('/api/contacts', body).expect(400);
    expect(res.body).toEqual({ statusCode: 400, message, errors: [{ path: 'body', message }] });
    expect(await count('contacts')).toBe(before);
  });

  it('answers 413 for a body over the limit', async () => {
    const huge = JSON.stringify([{ externalId: 'h', attributes: { blob: 'x'.repeat(21 * 1024 * 1024) } }]);
    const res = await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .set('Content-Type', 'application/json')
      .send(huge)
      .expect(413);
    expect(res.body.message).toBe('body: larger than the 20mb limit; send smaller batches');
  });
});

describe('POST /api/events', () => {
  it('stores events, creates unknown contacts, moves lastActiveAt forward, and wakes waiting journeys', async () => {
    await post('/api/contacts', [{ externalId: 'e1' }]).expect(200);
    const { body: flow } = await post('/api/flows', { name: 'Wake', graph: tinyGraph() }).expect(201);
    const [contact] = await api.sql<{ id: string }>(`SELECT id FROM contacts WHERE external_id = 'e1'`);
    const [journey] = await api.sql<{ id: string }>(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, next_run_at, entered_at)
       VALUES ($1, 1, $2, 'waiting', 'm', now() + interval '3 days', now()) RETURNING id`,
      [flow.id, contact.id],
    );
    const before = Date.now();
    const res = await post('/api/events', [
      { externalId: 'e1', name: 'app_open', occurredAt: '2026-11-01T08:00:00Z', properties: { screen: nasty } },
      { externalId: 'e1', name: 'app_open', occurredAt: '2026-11-02T08:00:00+08:00' },
      { externalId: 'brand-new', name: 'signed_up' },
    ]).expect(200);
    expect(res.body).toEqual({ accepted: 3, rejected: [] });
    const events = await api.sql<{ name: string; occurred_at: Date; properties: object; is_activity: boolean }>(
      `SELECT e.name, e.occurred_at, e.properties, e.is_activity FROM events e JOIN contacts c ON c.id = e.contact_id ORDER BY e.id`,
    );
    expect(events.slice(0, 2)).toEqual([
      { name: 'app_open', occurred_at: new Date('2026-11-01T08:00:00Z'), properties: { screen: nasty }, is_activity: true },
      { name: 'app_open', occurred_at: new Date('2026-11-02T00:00:00Z'), properties: {}, is_activity: true },
    ]);
    // occurredAt defaults to the engine clock's now
    expect(events[2].occurred_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await get('/api/contacts/e1')).body.lastActiveAt).toBe('2026-11-02T00:00:00.000Z');
    expect((await get('/api/contacts/brand-new').expect(200)).body.externalId).toBe('brand-new');
    const [woken] = await api.sql<{ next_run_at: Date }>('SELECT next_run_at FROM journeys WHERE id = $1', [journey.id]);
    expect(woken.next_run_at.getTime()).toBeLessThanOrEqual(Date.now());
    // an older event never moves lastActiveAt back
    await post('/api/events', [{ externalId: 'e1', name: 'app_open', occurredAt: '2026-10-01T00:00:00Z' }]).expect(200);
    expect((await get('/api/contacts/e1')).body.lastActiveAt).toBe('2026-11-02T00:00:00.000Z');
  });

  it('honours the workspace settings: non-activity events and createContactsOnEvent=false', async () => {
    await api
      .http()
      .put('/api/settings')
      .set('Authorization', api.admin)
      .send({ nonActivityEvents: ['email_bounced'], createContactsOnEvent: false })
      .expect(200);
    await post('/api/contacts', [{ externalId: 's1' }]).expect(200);
    const before = await count('events');
    const res = await post('/api/events', [
      { externalId: 's1', name: 'email_bounced', occurredAt: '2026-11-01T00:00:00Z' },
      { externalId: 'ghost', name: 'app_open' },
      { externalId: 's1', name: 'app_open', occurredAt: '2026-11-01T00:00:00Z' },
    ]).expect(200);
    expect(res.body).toEqual({
      accepted: 2,
      rejected: [{ index: 1, error: '[1].externalId: unknown contact "ghost" (the workspace setting createContactsOnEvent is off)' }],
    });
    expect(await count('events')).toBe(before + 2);
    const [bounce] = await api.sql<{ is_activity: boolean }>(`SELECT is_activity FROM events WHERE name = 'email_bounced'`);
    expect(bounce.is_activity).toBe(false);
    await get('/api/contacts/ghost').expect(404);
    await api
      .http()
      .put('/api/settings')
      .set('Authorization', api.admin)
      .send({ nonActivityEvents: [], createContactsOnEvent: true })
      .expect(200);
  });

  it('rejects bad items one by one and stores the rest', async () => {
    const before = await count('events');
    const res = await post('/api/events', [
      { externalId: 'v1', name: 'app_open' },
      { externalId: 'v1' },
      { externalId: 'v1', name: 'x', occurredAt: 'yesterday' },
      { externalId: 'v1', name: 'x', occurredAt: '2026-11-01T08:00:00' },
      { externalId: 'v1', name: 'x', properties: [1, 2] },
      { externalId: 'v1', name: 'x', extra: 1 },
      { externalId: 42, name: 'x' },
      { externalId: 'v1', name: nasty },
    ]).expect(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      { index: 1, error: '[1].name: is required (string)' },
      { index: 2, error: '[2].occurredAt: Invalid ISO datetime' },
      { index: 3, error: '[3].occurredAt: Invalid ISO datetime' },
      { index: 4, error: '[4].properties: expected record, received array' },
      { index: 5, error: '[5]: unknown field "extra"' },
      { index: 6, error: '[6].externalId: expected string, received number' },
    ]);
    expect(await count('events')).toBe(before + 2);
  });

  it('rejects oversized and non-array batches whole', async () => {
    const before = await count('events');
    const big = Array.from({ length: 10_001 }, () => ({ externalId: 'v1', name: 'x' }));
    expect((await post('/api/events', big).expect(400)).body.message).toBe('body: a batch holds at most 10000 items (got 10001); split it');
    expect((await post('/api/events', { externalId: 'v1', name: 'x' }).expect(400)).body.message).toBe(
      'body: expected a JSON array of items',
    );
    const malformed = await api
      .http()
      .post('/api/events')
      .set('Authorization', api.admin)
      .set('Content-Type', 'application/json')
      .send('[{"externalId":')
      .expect(400);
    expect(malformed.body.message).toMatch(/^body: malformed JSON/);
    expect(await count('events')).toBe(before);
  });

  it('accepts a full batch of 10,000 in one request', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ externalId: `bulk-${i % 500}`, name: 'app_open' }));
    expect((await post('/api/events', batch).expect(200)).body).toEqual({ accepted: 10_000, rejected: [] });
  });
});
