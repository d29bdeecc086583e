/**
 * Segment's HTTP Tracking API (issue #22), driven by the official SDKs — `@segment/analytics-node` with `host` and
 * `@rudderstack/rudder-sdk-node` with `dataPlaneUrl` pointed at the real server on 127.0.0.1 — and by raw HTTP for
 * what the SDKs never send (retried batches, bad keys, limits). Virtual clock: enrollment is driven by
 * `POST /api/clock/advance`, which runs the engine.
 */
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiHarness, startApi, adminRequests } from '../support/api-app';

let api: ApiHarness;
let base: string;
let writeKey: string;
const START = new Date('2027-05-03T10:00:00Z');

const { post } = adminRequests(() => api);
const advance = (by: string) => post('/api/clock/advance', { by }).expect(201);
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** A raw call as an SDK makes it. */
async function call(path: string, body: unknown, headers: Record<string, string> = { Authorization: basic(writeKey) }) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** An event-triggered flow: `event` → e-mail, activated. */
async function eventFlow(name: string, event: string): Promise<string> {
  const graph = {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event } },
      { id: 'wait', type: 'delay', position: { x: 0, y: 100 }, data: { duration: 'P1D' } },
      {
        id: 'mail',
        type: 'channel',
        position: { x: 0, y: 200 },
        data: { channel: 'email', template: { subject: 'Hi {{firstName}}', text: 'Welcome {{firstName}}' } },
      },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'wait' },
      { id: 'e2', source: 'wait', target: 'mail' },
    ],
  };
  const flow = (await post('/api/flows', { name, graph, settings: { holdoutPercent: 0 } }).expect(201)).body as { id: string };
  await post(`/api/flows/${flow.id}/activate`).expect(200);
  return flow.id;
}

beforeAll(async () => {
  api = await startApi('segment_api', { CLOCK: 'virtual' });
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
  const server = api.app.getHttpServer() as import('node:http').Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeKey = (await api.keyToken(['ingest'])).replace(/^Bearer /, '');
});
afterAll(() => api.close());

describe('@segment/analytics-node pointed at Boomerang', () => {
  it('identify + track for 1,000 users: traits, properties, zone and locale land, and track enrols a flow', async () => {
    const flowId = await eventFlow('Welcome (Segment)', 'signed_up');
    const analytics = new SegmentAnalytics({ writeKey, host: base, flushAt: 100, flushInterval: 50, maxRetries: 2 });
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));
    for (let i = 0; i < 1000; i++) {
      const userId = `seg-${i}`;
      analytics.identify({
        userId,
        traits: { email: `seg${i}@example.com`, firstName: `User${i}`, plan: i % 2 ? 'pro' : 'free' },
        context: { timezone: 'Asia/Shanghai', locale: 'zh_CN' },
      });
      analytics.track({ userId, event: 'signed_up', properties: { plan: i % 2 ? 'pro' : 'free', seats: i } });
    }
    await analytics.closeAndFlush({ timeout: 60_000 });
    expect(errors).toEqual([]);

    const [counts] = await api.sql<{ contacts: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM contacts WHERE external_id LIKE 'seg-%') AS contacts,
              (SELECT count(*)::int FROM events e JOIN contacts c ON c.id = e.contact_id
                WHERE c.external_id LIKE 'seg-%' AND e.name = 'signed_up') AS events`,
    );
    expect(counts).toEqual({ contacts: 1000, events: 1000 });
    const contact = (await api.http().get('/api/contacts/seg-7').set('Authorization', api.admin).expect(200)).body;
    expect(contact).toMatchObject({
      externalId: 'seg-7',
      timezone: 'Asia/Shanghai',
      attributes: { email: 'seg7@example.com', firstName: 'User7', plan: 'pro', locale: 'zh-CN' },
    });
    const events = (await api.http().get('/api/contacts/seg-7/events').set('Authorization', api.admin).expect(200)).body.items;
    expect(events).toEqual([expect.objectContaining({ name: 'signed_up', properties: { plan: 'pro', seats: 7 } })]);
    // occurredAt: the SDK's timestamp corrected by its sentAt, i.e. about the (virtual) time of receipt
    expect(Math.abs(Date.parse(events[0].occurredAt) - START.getTime())).toBeLessThan(60_000);

    await advance('PT1M');
    const [{ n }] = await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM journeys WHERE flow_id = $1`, [flowId]);
    expect(n).toBe(1000);
    await advance('P1D');
    const mail = (await api.http().get('/api/messages?externalId=seg-7').set('Authorization', api.admin).expect(200)).body.items;
    expect(mail).toEqual([expect.objectContaining({ channel: 'email', content: expect.objectContaining({ subject: 'Hi User7' }) })]);
  }, 120_000);

  it('anonymous → identified: the visitor’s events and journey follow the known contact', async () => {
    const flowId = await eventFlow('Cart (Segment)', 'cart_viewed');
    const analytics = new SegmentAnalytics({ writeKey, host: base, flushAt: 1, flushInterval: 20 });
    analytics.track({ anonymousId: 'visitor-1', event: 'cart_viewed', properties: { items: 2 } });
    analytics.page({ anonymousId: 'visitor-1', name: 'Pricing', category: 'Docs', properties: { path: '/pricing' } });
    await analytics.closeAndFlush();
    await advance('PT1M');
    const journeysOfVisitor = await api.sql<{ id: string }>(
      `SELECT j.id FROM journeys j JOIN contacts c ON c.id = j.contact_id WHERE c.external_id = 'anonymous:visitor-1' AND j.flow_id = $1`,
      [flowId],
    );
    expect(journeysOfVisitor).toHaveLength(1);

    // signs up: identify with both ids (and an address), then an alias from an older anonymous id
    const later = new SegmentAnalytics({ writeKey, host: base, flushAt: 1, flushInterval: 20 });
    later.identify({ userId: 'known-1', anonymousId: 'visitor-1', traits: { email: 'known1@example.com', firstName: 'Kim' } });
    await later.closeAndFlush();
    expect(await api.sql(`SELECT 1 FROM contacts WHERE external_id = 'anonymous:visitor-1'`)).toEqual([]);
    const events = (await api.http().get('/api/contacts/known-1/events').set('Authorization', api.admin).expect(200)).body.items;
    // (flushAt 1: the SDK sent the two calls concurrently, in either order)
    expect(events.map((e: { name: string; properties: unknown }) => [e.name, e.properties]).sort()).toEqual([
      ['cart_viewed', { items: 2 }],
      ['page', { path: '/pricing', name: 'Pricing', category: 'Docs' }],
    ]);
    const journeys = (await api.http().get('/api/contacts/known-1/journeys').set('Authorization', api.admin).expect(200)).body.items;
    expect(journeys.map((j: { id: string }) => j.id)).toEqual([journeysOfVisitor[0].id]);
    await advance('P1D');
    const mail = (await api.http().get('/api/messages?externalId=known-1').set('Authorization', api.admin).expect(200)).body.items;
    expect(mail).toEqual([expect.objectContaining({ content: expect.objectContaining({ subject: 'Hi Kim' }) })]);
  }, 60_000);

  it('merges an existing known contact with its anonymous history (alias), live journeys kept once per flow', async () => {
    const flowId = await eventFlow('Opened (Segment)', 'app_opened');
    await post('/api/contacts', [{ externalId: 'known-2', attributes: { email: 'k2@example.com', plan: 'pro' } }]).expect(200);
    await post('/api/events', [{ externalId: 'known-2', name: 'app_opened' }]).expect(200);
    expect((await call('/v1/track', { anonymousId: 'visitor-2', event: 'app_opened', messageId: 'a-1' })).status).toBe(200);
    expect((await call('/v1/identify', { anonymousId: 'visitor-2', traits: { plan: 'free', color: 'red' } })).status).toBe(200);
    await advance('PT1M');
    expect((await call('/v1/alias', { previousId: 'visitor-2', userId: 'known-2' })).status).toBe(200);
    const journeys = (await api.http().get('/api/contacts/known-2/journeys').set('Authorization', api.admin).expect(200)).body.items;
    expect(journeys.map((j: { flowId: string; state: string }) => [j.flowId, j.state]).sort()).toEqual([
      [flowId, 'exited'],
      [flowId, 'waiting'],
    ]);
    const exited = journeys.find((j: { state: string }) => j.state === 'exited');
    expect(exited.log.at(-1).detail.reason).toMatch(/merged into "known-2"/);
    const contact = (await api.http().get('/api/contacts/known-2').set('Authorization', api.admin).expect(200)).body;
    expect(contact.attributes).toEqual({ email: 'k2@example.com', plan: 'pro', color: 'red' });
    expect(contact.lastActiveAt).not.toBeNull();
    const [{ n }] = await api.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM events e JOIN contacts c ON c.id = e.contact_id WHERE c.external_id = 'known-2'`,
    );
    expect(n).toBe(2);

    // messages still sent under the old anonymous id (queued in an app before the alias) follow it to known-2
    expect((await call('/v1/track', { anonymousId: 'visitor-2', event: 'app_opened', messageId: 'a-2' })).status).toBe(200);
    expect((await call('/v1/identify', { anonymousId: 'visitor-2', traits: { color: 'blue' } })).status).toBe(200);
    expect(await api.sql(`SELECT 1 FROM contacts WHERE external_id = 'anonymous:visitor-2'`)).toEqual([]);
    const after = (await api.http().get('/api/contacts/known-2').set('Authorization', api.admin).expect(200)).body;
    expect(after.attributes.color).toBe('blue');
    const [{ m }] = await api.sql<{ m: number }>(
      `SELECT count(*)::int AS m FROM events e JOIN contacts c ON c.id = e.contact_id WHERE c.external_id = 'known-2'`,
    );
    expect(m).toBe(3);
  });
});

describe('@rudderstack/rudder-sdk-node pointed at Boomerang (dataPlaneUrl, gzip bodies)', () => {
  it('identify + track land and enrol', async () => {
    const flowId = await eventFlow('Welcome (RudderStack)', 'trial_started');
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: base, flushAt: 50, flushInterval: 50, logLevel: 'error' });
    const failures: unknown[] = [];
    for (let i = 0; i < 200; i++) {
      client.identify(
        { userId: `rs-${i}`, traits: { email: `rs${i}@example.com` }, context: { timezone: 'Europe/Paris', locale: 'fr-FR' } },
        (e?: unknown) => {
          if (e) failures.push(e);
        },
      );
      client.track({ userId: `rs-${i}`, event: 'trial_started', properties: { source: 'rudder' } }, (e?: unknown) => {
        if (e) failures.push(e);
      });
    }
    await client.flush();
    expect(failures).toEqual([]);
    const contact = (await api.http().get('/api/contacts/rs-3').set('Authorization', api.admin).expect(200)).body;
    expect(contact).toMatchObject({ timezone: 'Europe/Paris', attributes: { email: 'rs3@example.com', locale: 'fr-FR' } });
    await advance('PT1M');
    const [{ n }] = await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM journeys WHERE flow_id = $1`, [flowId]);
    expect(n).toBe(200);
  }, 60_000);
});

describe('the protocol', () => {
  const batch = (prefix: string) => ({
    sentAt: new Date().toISOString(),
    batch: Array.from({ length: 50 }, (_, i) => ({
      type: 'track',
      userId: `dup-${i % 10}`,
      event: 'order_paid',
      messageId: `${prefix}-${i}`,
      timestamp: new Date().toISOString(),
    })),
  });
  const stored = async (prefix: string) =>
    (await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE $1`, [`${prefix}-%`]))[0].n;

  it('a batch sent twice stores each messageId once, also when both copies arrive at the same time', async () => {
    expect((await call('/v1/batch', batch('retry'))).body).toEqual({ success: true, accepted: 50, rejected: [] });
    expect((await call('/v1/batch', batch('retry'))).body).toEqual({ success: true, accepted: 50, rejected: [] });
    expect(await stored('retry')).toBe(50);
    const twins = await Promise.all([1, 2, 3, 4].map(() => call('/v1/b', batch('twin'))));
    expect(twins.map((t) => t.status)).toEqual([200, 200, 200, 200]);
    expect(await stored('twin')).toBe(50);
  });

  it('answers a batch 200 with the rejected messages listed, and stores the rest', async () => {
    const res = await call('/v1/batch', {
      batch: [
        { type: 'track', userId: 'p1', event: 'ok' },
        { type: 'track', userId: 'p1' },
        { type: 'identify', userId: 'p1', traits: { email: 12 } },
        { type: 'bogus', userId: 'p1' },
        { type: 'track', event: 'anonymous-less' },
        { type: 'track', userId: 'p1', event: 'big', properties: { blob: 'x'.repeat(33 * 1024) } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect((res.body.rejected as { index: number; error: string }[]).map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect((res.body.rejected as { error: string }[])[0].error).toMatch(/event/);
    expect((res.body.rejected as { error: string }[])[1].error).toMatch(/email/);
    expect((res.body.rejected as { error: string }[])[4].error).toMatch(/32 KB/);
  });

  it('takes the write key as Basic, as Bearer or in the body; refuses a missing or unknown one with 401', async () => {
    const body = { userId: 'auth-1', event: 'x' };
    expect((await call('/v1/track', body, {})).status).toBe(401);
    expect((await call('/v1/track', body, { Authorization: basic('nope') })).status).toBe(401);
    expect((await call('/v1/track', { ...body, writeKey: 'nope' }, {})).status).toBe(401);
    expect((await call('/v1/t', { ...body, writeKey }, {})).status).toBe(200);
    expect((await call('/v1/track', body, { Authorization: `Bearer ${writeKey}` })).status).toBe(200);
    expect((await call('/v1/track', body, { Authorization: basic(api.admin.replace('Bearer ', '')) })).status).toBe(200);
  });

  it('refuses bad JSON and calls over Segment’s size limits with 400', async () => {
    expect((await call('/v1/track', '{"userId":')).status).toBe(400);
    expect((await call('/v1/track', { userId: 'big', event: 'x', properties: { blob: 'x'.repeat(33 * 1024) } })).status).toBe(400);
    const tooMany = { batch: Array.from({ length: 2501 }, () => ({ type: 'track', userId: 'u', event: 'e' })) };
    expect((await call('/v1/batch', tooMany)).body.message).toMatch(/2500/);
    const tooBig = {
      batch: Array.from({ length: 20 }, () => ({ type: 'track', userId: 'u', event: 'e', properties: { b: 'x'.repeat(30_000) } })),
    };
    const res = await call('/v1/batch', tooBig);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/500 KB/);
    expect((await call('/v1/track', { event: 'x' })).status).toBe(400);
  });

  it('refuses hostile messages by index, never a 500, and stores nothing of them', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const hostile: unknown[] = [
      null,
      'a string',
      [1, 2],
      { type: 'track', userId: 'h\u0000x', event: 'e' },
      { type: 'track', userId: 'h', event: 'e', properties: JSON.parse('{"__proto__":{"polluted":1}}') },
      { type: 'track', userId: 'h', event: 'e', properties: { deep } },
      { type: 'track', userId: 'h', event: '\ud800' },
      { type: 'identify', userId: 'x'.repeat(500) },
      { type: 'identify', userId: {}, traits: {} },
      { type: 'track', userId: 'h', event: 'e', timestamp: 'yesterday' },
      { type: 'identify', userId: 'h', traits: { email: { $gt: '' } } },
      { type: 'alias', userId: 'h' },
      { type: 'group', userId: 'h' },
      { type: 'track', anonymousId: 'h', event: 'e', messageId: { id: 1 } },
    ];
    const res = await call('/v1/batch', { batch: hostile });
    expect(res.status).toBe(200);
    expect((res.body.rejected as { index: number }[]).map((r) => r.index)).toEqual(hostile.map((_, i) => i));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await api.sql(`SELECT 1 FROM contacts WHERE external_id IN ('h', 'anonymous:h')`)).toEqual([]);
    expect((await call('/v1/batch', { batch: 'nope' })).status).toBe(400);
    expect((await call('/v1/batch', [1, 2])).status).toBe(400);
    expect((await call('/v1/identify', 'null')).status).toBe(400);
  });

  it('corrects the sender’s clock skew with sentAt, as Segment does', async () => {
    const clock = (await api.http().get('/api/clock').set('Authorization', api.admin).expect(200)).body.now as string;
    // a sender whose clock is 1 h ahead: the event happened 10 minutes before it sent the call
    const sentAt = new Date(Date.parse(clock) + 3_600_000);
    const timestamp = new Date(sentAt.getTime() - 600_000);
    await call('/v1/track', { userId: 'skew', event: 'x', timestamp: timestamp.toISOString(), sentAt: sentAt.toISOString() });
    const [event] = (await api.http().get('/api/contacts/skew/events').set('Authorization', api.admin).expect(200)).body.items;
    expect(Date.parse(event.occurredAt)).toBe(Date.parse(clock) - 600_000);
  });
});

describe('rate limit', () => {
  let limited: ApiHarness;
  afterAll(() => limited?.close());

  it('answers 429 with Retry-After once the ingestion limit is used up', async () => {
    limited = await startApi('segment_api_limit', { RATE_LIMIT_INGEST: '2' });
    const server = limited.app.getHttpServer() as import('node:http').Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/track`;
    const key = (await limited.keyToken(['ingest'])).replace(/^Bearer /, '');
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic(key) },
        body: JSON.stringify({ userId: 'r', event: 'x' }),
      });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const third = await send();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe("Segment's Webhooks destination (POST /v1/webhook, X-Signature)", () => {
  let hooked: ApiHarness;
  afterAll(() => hooked?.close());
  const secret = 'segment-shared-secret-0123456789';

  it('stores a signed message, refuses a missing or wrong signature, and is off without a secret', async () => {
    // the main harness has no SEGMENT_WEBHOOK_SECRET: the route says so
    expect((await call('/v1/webhook', { type: 'track', userId: 'w', event: 'x' }, {})).status).toBe(404);

    hooked = await startApi('segment_webhook', { SEGMENT_WEBHOOK_SECRET: secret });
    const server = hooked.app.getHttpServer() as import('node:http').Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhook`;
    const send = (body: string, signature?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-Signature': signature } : {}) },
        body,
      });
    const sign = (body: string) => createHmac('sha1', secret).update(body).digest('hex');

    const identify = JSON.stringify({ type: 'identify', userId: 'hook-1', messageId: 'h-1', traits: { email: 'hook1@example.com' } });
    const track = JSON.stringify({ type: 'track', userId: 'hook-1', messageId: 'h-2', event: 'order_paid', properties: { total: 9 } });
    expect((await send(identify, sign(identify))).status).toBe(200);
    const stored = await send(track, sign(track));
    expect(await stored.json()).toEqual({ success: true, accepted: 1, rejected: [] });
    expect((await send(track, sign(track))).status).toBe(200); // Segment retries: stored once
    expect((await send(track)).status).toBe(401);
    expect((await send(track, sign(track + ' '))).status).toBe(401);
    expect((await send(track, 'nothex')).status).toBe(401);

    const contact = (await hooked.http().get('/api/contacts/hook-1').set('Authorization', hooked.admin).expect(200)).body;
    expect(contact.attributes).toEqual({ email: 'hook1@example.com' });
    const events = (await hooked.http().get('/api/contacts/hook-1/events').set('Authorization', hooked.admin).expect(200)).body.items;
    expect(events.map((e: { name: string; properties: unknown }) => [e.name, e.properties])).toEqual([['order_paid', { total: 9 }]]);
  });
});
